"""The complaints dashboard's figures, computed in the database.

Open complaints: one grouped query per stage and one ordered query for the deadline list
(overdue first, then the soonest due). The figures of a period: one grouped query over the
complaints received in it (month × kind × channel × service × outcome); every table (per
month, channel, service, outcome) is a sum of those few groups, never a loop over complaints.
Days to answer come from one list of (received, answered) moments of the period's answered
complaints: a median is not portable SQL (PostgreSQL has percentile_cont, SQLite nothing)
and a date difference is written differently in each database, while a year holds a few
hundred complaints at most, so the list stays small. The mean, the median and the share
answered within 45 days are read from that one list, so they always agree.

Months and days are calendar months and days in Brussels (REPORT_TIME_ZONE), whatever the
server's, the database's or the admin user's time zone.
"""

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, F, QuerySet, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext

from community.models import User
from complaints.models import (
    ANSWER_WITHIN_DAYS,
    OPEN_STAGES,
    Complaint,
    ComplaintChannel,
    Deadline,
    Kind,
    Outcome,
    Service,
    Stage,
)
from feedback.services.aggregates import REPORT_TIME_ZONE, month_add, month_bounds, month_start

# The deadline list of the dashboard shows at most this many open complaints (the most
# urgent first); the count per stage above it counts them all.
OPEN_LISTED_AT_MOST = 200


def local_day(moment: datetime.datetime) -> datetime.date:
    """The calendar day of a moment in Brussels."""
    return moment.astimezone(REPORT_TIME_ZONE).date()


def today_local() -> datetime.date:
    return local_day(timezone.now())


def days_between(received_at: datetime.datetime, answered_at: datetime.datetime) -> int:
    """Calendar days from the day of receipt to the day of the answer (the 45-day count)."""
    return (local_day(answered_at) - local_day(received_at)).days


@dataclass(frozen=True)
class AnswerTimes:
    """How fast complaints were answered: how many, within and beyond 45 days, mean, median."""

    answered: int
    within: int
    beyond: int
    mean: float | None
    median: float | None

    @property
    def within_share(self) -> float | None:
        """Percentage answered within 45 days (None when nothing was answered)."""
        return round(100 * self.within / self.answered, 1) if self.answered else None


def answer_times_of(days: Iterable[int]) -> AnswerTimes:
    days = list(days)
    within = sum(1 for value in days if value <= ANSWER_WITHIN_DAYS)
    return AnswerTimes(
        answered=len(days),
        within=within,
        beyond=len(days) - within,
        mean=round(statistics.fmean(days), 1) if days else None,
        median=float(statistics.median(days)) if days else None,
    )


def answer_times(complaints: QuerySet) -> AnswerTimes:
    """Days to answer of the answered complaints among `complaints` (one query)."""
    moments = (
        complaints.filter(answered_at__isnull=False)
        .order_by()
        .values_list("received_at", "answered_at")
    )
    return answer_times_of(days_between(received, answered) for received, answered in moments)


def received_between(first: datetime.date, last: datetime.date) -> QuerySet:
    """Complaints (and messages that are not one) received from the first day of month
    `first` to the last day of month `last`, in Brussels."""
    start, end = month_bounds(first, last)
    return Complaint.objects.filter(received_at__gte=start, received_at__lt=end)


@dataclass
class OpenComplaint:
    """One line of the deadline list."""

    pk: int
    reference: str
    stage: str
    stage_label: str
    deadline: str  # Deadline: "acknowledge" or "answer"
    deadline_label: str
    due: datetime.date
    days_left: int
    handler: str
    url: str = ""  # the complaint's page, for those who may open it

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def open_by_stage() -> list[tuple[str, str, int]]:
    """(stage, label, count) of the open complaints, in the order of the stages."""
    counts = dict(
        Complaint.objects.open()
        .filter(kind=Kind.COMPLAINT)
        .order_by()
        .values("stage")
        .annotate(count=Count("pk"))
        .values_list("stage", "count")
    )
    return [(stage, Stage(stage).label, counts.get(stage, 0)) for stage in OPEN_STAGES]


def open_complaints(
    *, today: datetime.date | None = None, hidden_from: User | None = None
) -> list[OpenComplaint]:
    """The open complaints by their next deadline: overdue first, then the soonest due. A
    received complaint's deadline is the acknowledgement (or refusal); after that the answer.
    `hidden_from`: a staff member who does not see complaints about themselves."""
    today = today or today_local()
    complaints = Complaint.objects.open().filter(kind=Kind.COMPLAINT)
    if hidden_from is not None:
        complaints = complaints.exclude(about_user=hidden_from)
    rows = (
        complaints.annotate(
            due=Case(
                When(stage=Stage.RECEIVED, then=F("acknowledge_due")),
                default=F("answer_due"),
            )
        )
        .select_related("handler")
        .only(
            "reference",
            "stage",
            "acknowledge_due",
            "answer_due",
            "handler__first_name",
            "handler__last_name",
            "handler__email",
        )
        .order_by("due", "received_at", "pk")[:OPEN_LISTED_AT_MOST]
    )
    return [
        OpenComplaint(
            pk=complaint.pk,
            reference=complaint.reference,
            stage=complaint.stage,
            stage_label=str(Stage(complaint.stage).label),
            deadline=_deadline(complaint.stage),
            deadline_label=str(Deadline(_deadline(complaint.stage)).label),
            due=complaint.due,
            days_left=(complaint.due - today).days,
            handler=_staff_name(complaint.handler),
        )
        for complaint in rows
    ]


def _deadline(stage: str) -> str:
    return Deadline.ACKNOWLEDGE if stage == Stage.RECEIVED else Deadline.ANSWER


def _staff_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    count: int


def _counted(
    sums: dict, choices: Iterable[tuple[str, str]], none_label: str = ""
) -> list[CountRow]:
    rows = [CountRow(value, str(label), sums.get(value, 0)) for value, label in choices]
    if none_label:
        rows.append(CountRow("", none_label, sums.get("", 0)))
    return rows


def period_figures(*, first: datetime.date, last: datetime.date) -> dict:
    """What the dashboard shows for the months from `first` to `last`: complaints and other
    messages per month, complaints per channel, service and outcome, and the days to answer
    of the complaints received in the period. Two queries."""
    received = received_between(first, last)
    groups = (
        received.annotate(month=TruncMonth("received_at", tzinfo=REPORT_TIME_ZONE))
        .order_by()
        .values("month", "kind", "channel", "service", "outcome")
        .annotate(count=Count("pk"))
    )
    per_month: dict[datetime.date, dict[str, int]] = {}
    channels: dict[str, int] = {}
    services: dict[str, int] = {}
    outcomes: dict[str, int] = {}
    for group in groups:
        month = _as_month(group["month"])
        kinds = per_month.setdefault(month, {})
        kinds[group["kind"]] = kinds.get(group["kind"], 0) + group["count"]
        if group["kind"] != Kind.COMPLAINT:
            continue
        for sums, key in ((channels, "channel"), (services, "service"), (outcomes, "outcome")):
            sums[group[key]] = sums.get(group[key], 0) + group["count"]
    months = []
    month = month_start(first)
    while month <= last:
        kinds = per_month.get(month, {})
        months.append(
            {
                "month": month,
                "complaints": kinds.get(Kind.COMPLAINT, 0),
                "not_complaints": kinds.get(Kind.NOT_A_COMPLAINT, 0),
            }
        )
        month = month_add(month, 1)
    return {
        "first": month_start(first),
        "last": month_start(last),
        "months": months,
        "complaints": sum(row["complaints"] for row in months),
        "not_complaints": sum(row["not_complaints"] for row in months),
        "channels": _counted(channels, ComplaintChannel.choices),
        "services": _counted(services, Service.choices, gettext("Not given")),
        "outcomes": _counted(outcomes, Outcome.choices, gettext("No outcome yet")),
        "answer_times": answer_times(received.filter(kind=Kind.COMPLAINT)),
    }


def _as_month(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.astimezone(REPORT_TIME_ZONE).date() if value.tzinfo else value.date()
    return month_start(value)


def dashboard_figures(
    *,
    first: datetime.date,
    last: datetime.date,
    today: datetime.date | None = None,
    hidden_from: User | None = None,
) -> dict:
    """Everything the complaints dashboard shows: the open complaints by stage and by
    deadline, and the figures of the period. Four queries, whatever the number of
    complaints."""
    return {
        "open_by_stage": open_by_stage(),
        "open": open_complaints(today=today, hidden_from=hidden_from),
        "open_listed_at_most": OPEN_LISTED_AT_MOST,
        **period_figures(first=first, last=last),
    }
