"""Letters to complainants, e-mailed after the step that wrote them committed."""

from django_tasks import task

from complaints.services.letters import letter_mail


@task()
def complaint_letter_mail_send(letter_id: int) -> bool:
    """E-mail one kept letter (its id only in the queue); returns whether it went out. Run
    twice it sends once: the letter is claimed around the send."""
    return letter_mail(letter_id=letter_id)
