"""The safeguarding officers' e-mails about a flagged complaint."""

from django_tasks import task

from complaints.services.safeguarding import safeguarding_mails_send


@task()
def complaint_safeguarding_mail_send(complaint_id: int) -> int:
    """E-mail every safeguarding officer told about the complaint, whatever their preferences;
    returns how many mails went out. Run twice it sends each mail once."""
    return safeguarding_mails_send(complaint_id=complaint_id)
