"""The e-mail channel's satisfaction mails and reminders (feedback.services.email_followup).

Cron runs `manage.py feedback_mail_send` every 15 minutes; the command can also queue this
task for a worker instead. The task takes no arguments (nothing personal in the queue) and is
safe to run twice or side by side: each mail is claimed before it leaves.
"""

from django_tasks import task

from feedback.services.email_followup import email_followups_send


@task()
def feedback_mail_send() -> dict[str, int]:
    """Send the due satisfaction mails and reminders, then forget the addresses no mail needs
    any more; returns the counts (sent, reminded, suppressed, forgotten)."""
    run = email_followups_send()
    return {
        "sent": run.sent,
        "reminded": run.reminded,
        "suppressed": run.suppressed,
        "forgotten": run.forgotten,
    }
