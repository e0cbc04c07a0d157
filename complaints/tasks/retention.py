"""Retention: anonymise the complaints whose retention period ended (daily)."""

from django_tasks import task

from complaints.services.retention import retention_run


@task()
def complaints_anonymise_task() -> int:
    """Anonymise every complaint closed more than COMPLAINTS_RETENTION_YEARS ago; returns
    how many. Running it twice (a retry, two workers) anonymises each complaint once."""
    return retention_run()
