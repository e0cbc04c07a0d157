"""Follow-up items: opened for a low score in the background, and escalated once a day to
the region's leads when past their due date."""

from django.utils import timezone
from django_tasks import task

from feedback.models import FollowUpReason, Response
from feedback.services.followups import follow_up_escalate_overdue, follow_up_open


@task()
def follow_up_open_task(response_id: int) -> int | None:
    """Open the follow-up item of a low score and tell the team's leads; returns the item's
    id (None when the response was erased since). Enqueued in the answer's own transaction
    (feedback.services.surveys.response_record). Running it twice, or two workers at once,
    opens one item and notifies once (follow_up_open finds the item the first run made)."""
    response = Response.objects.filter(pk=response_id).first()
    if response is None:
        return None
    # Due counted from the answer's day, however long the task waited for a worker.
    return follow_up_open(
        response=response,
        reason=FollowUpReason.LOW_SCORE,
        counted_from=timezone.localdate(response.submitted_at),
    ).pk


@task()
def follow_ups_escalate_task() -> int:
    """Escalate every overdue item not escalated yet; returns how many. Running it twice, or
    two workers at once, notifies about each item once (the service claims each item)."""
    return follow_up_escalate_overdue()
