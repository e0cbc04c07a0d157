"""My feedback: what a staff member does with their own responses, and their trend per month.

Every function takes the staff member and refuses a response that is not theirs: a staff
member never reads, marks or counts a colleague's feedback.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from feedback.models import FollowUp, FollowUpReason, Response, StaffMember
from feedback.services.followups import follow_up_open

TREND_MONTHS = 12
SATISFIED_SCORES = (4, 5)


def _own(response: Response, staff: StaffMember) -> None:
    if response.staff_id != staff.pk:
        raise PermissionDenied("A staff member handles only their own feedback.")


@transaction.atomic
def response_mark_read(*, staff: StaffMember, response: Response) -> Response:
    """Mark one of the staff member's responses as read; the first time counts, so marking
    it again (a double click, the back button) keeps the first moment."""
    _own(response, staff)
    if response.read_at is None:
        now = timezone.now()
        Response.objects.filter(pk=response.pk, read_at__isnull=True).update(read_at=now)
        response.refresh_from_db(fields=["read_at"])
    return response


@transaction.atomic
def response_mark_taken_up(*, staff: StaffMember, response: Response) -> Response:
    """Mark that the staff member took the comment up (which also means they read it); the
    first moment is kept."""
    _own(response, staff)
    now = timezone.now()
    Response.objects.filter(pk=response.pk, read_at__isnull=True).update(read_at=now)
    Response.objects.filter(pk=response.pk, taken_up_at__isnull=True).update(taken_up_at=now)
    response.refresh_from_db(fields=["read_at", "taken_up_at"])
    return response


@transaction.atomic
def response_follow_up_ask(*, staff: StaffMember, response: Response) -> FollowUp:
    """Ask the team lead to follow a response up: opens its follow-up item (reason "marked").
    A response has one item at most, so asking twice, or for a low score that already has
    one, changes nothing."""
    _own(response, staff)
    return follow_up_open(response=response, reason=FollowUpReason.MARKED, actor=staff.user)


def own_responses(staff: StaffMember):
    """The staff member's responses, newest first, with whether each has a follow-up item.
    Never who the parent is: the contact and the contact detail are not selected."""
    return (
        Response.objects.for_staff_member(staff)
        .only(
            "pk",
            "channel",
            "score",
            "question_answered",
            "comment",
            "submitted_at",
            "read_at",
            "taken_up_at",
            "staff_id",
        )
        .annotate(has_follow_up=Exists(FollowUp.objects.filter(response=OuterRef("pk"))))
        .order_by("-submitted_at", "-pk")
    )


def own_new_count(staff: StaffMember) -> int:
    """Responses the staff member has not marked as read yet."""
    return Response.objects.for_staff_member(staff).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class MonthTrend:
    month: datetime.date  # the first day of the month
    responses: int
    mean: float | None
    satisfied_share: float | None  # share of 4 and 5, 0–1


def _month_start(day: datetime.date, months_back: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def own_trend(*, staff: StaffMember, today: datetime.date | None = None) -> list[MonthTrend]:
    """The last 12 months (this one included), oldest first, in one grouped query; a month
    without responses is there with 0. No threshold of 5 here: the staff member reads each of
    these responses anyway, and these figures are shown to them alone."""
    today = today or timezone.localdate()
    first = _month_start(today, TREND_MONTHS - 1)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    rows = (
        Response.objects.for_staff_member(staff)
        .filter(submitted_at__gte=start)
        .annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(
            responses=Count("pk"),
            mean=Avg("score"),
            satisfied=Count("pk", filter=Q(score__in=SATISFIED_SCORES)),
        )
        .order_by("month")
    )
    by_month = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        by_month[month.replace(day=1)] = row
    trend = []
    for back in range(TREND_MONTHS - 1, -1, -1):
        month = _month_start(today, back)
        row = by_month.get(month)
        count = row["responses"] if row else 0
        trend.append(
            MonthTrend(
                month=month,
                responses=count,
                mean=float(row["mean"]) if count else None,
                satisfied_share=row["satisfied"] / count if count else None,
            )
        )
    return trend
