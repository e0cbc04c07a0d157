"""Follow-up items past their due date: escalated once a day to the region's leads."""

from django_tasks import task

from feedback.services.followups import follow_up_escalate_overdue


@task()
def follow_ups_escalate_task() -> int:
    """Escalate every overdue item not escalated yet; returns how many. Running it twice, or
    two workers at once, notifies about each item once (the service claims each item)."""
    return follow_up_escalate_overdue()
