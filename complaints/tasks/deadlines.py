"""Complaint deadlines: the daily warnings before and after a deadline."""

from django_tasks import task

from complaints.services.deadlines import complaints_deadlines_warn


@task()
def complaints_deadlines_warn_task() -> int:
    """Give the deadline warnings due today; returns how many. Running it twice, or two
    workers at once, gives each warning once (DeadlineWarning is unique)."""
    return complaints_deadlines_warn()
