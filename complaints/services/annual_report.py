"""The yearly complaints report for the Vlaamse Ombudsdienst (Bestuursdecreet art. II.86): it
must reach the ombudsman before 10 February of the next year.

It covers the complaints (and messages that are not one) received in a calendar year, in
Brussels: totals; not a complaint; admissible, refused (per legal ground) or not yet
assessed; the outcome of the admissible ones; solved to the parent's satisfaction; days to
answer (within and beyond 45 days, mean); the ombudsman norms at stake; channel and service;
and the improvements that followed (the insights actions the complaints are linked to).

Two versions: INTERNAL shows every number; PUBLISHED goes through `figure_protect`, the one
place the privacy threshold is applied: a figure about fewer than PRIVACY_THRESHOLD complaints
keeps no number at all and reads "fewer than 5". A mean counts as many complaints as it
averages.

Everything is read in four queries: one aggregate of conditional counts, the norms lists of
the year (a JSON list per complaint, counted here: SQLite has no JSON `contains`), the days
to answer (services.statistics) and the linked actions. Only fields that anonymisation keeps
are read (services.retention), so the report does not change when personal data goes.
"""

import dataclasses
import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import (
    ANSWER_WITHIN_DAYS,
    Complaint,
    ComplaintChannel,
    Kind,
    OmbudsNorm,
    Outcome,
    RefusalGround,
    Service,
)
from complaints.services.statistics import answer_times, received_between
from feedback.services.aggregates import REPORT_TIME_ZONE
from insights.models import PRIVACY_THRESHOLD, ActionStatus

INTERNAL = "internal"
PUBLISHED = "published"
VERSIONS = (INTERNAL, PUBLISHED)
# The report reaches the ombudsman before this day of the next year.
DUE_MONTH, DUE_DAY = 2, 10


@dataclass(frozen=True)
class Figure:
    """One number of the report and how many complaints it is about (`base`). Protected
    (published version, base below the threshold): value and base are None, `suppressed`."""

    value: int | float | None
    base: int | None
    suppressed: bool = False

    @classmethod
    def count(cls, number: int) -> "Figure":
        return cls(value=number, base=number)


def figure_protect(figure: Figure) -> Figure:
    """The figure as the published version shows it: its number only from
    PRIVACY_THRESHOLD complaints on, else nothing but `suppressed` (not even the count)."""
    if figure.suppressed or (figure.base or 0) < PRIVACY_THRESHOLD:
        return Figure(value=None, base=None, suppressed=True)
    return figure


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    figure: Figure
    unit: str = ""  # "days" for a mean, else a number of complaints


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class Improvement:
    """An insights action that followed complaints of the year."""

    title: str
    status: str
    status_label: str
    complaints: Figure


@dataclass(frozen=True)
class AnnualReport:
    year: int
    version: str
    made_at: datetime.datetime
    sections: list[Section]
    improvements: list[Improvement]

    @property
    def published(self) -> bool:
        return self.version == PUBLISHED

    @property
    def due_by(self) -> datetime.date:
        """The ombudsman receives the report before this date."""
        return datetime.date(self.year + 1, DUE_MONTH, DUE_DAY)

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)

    def figure(self, section: str, row: str) -> Figure:
        return next(item.figure for item in self.section(section).rows if item.key == row)


def annual_report_years() -> list[int]:
    """The years with complaints, newest first, and last year even without any (the year a
    report is usually made for)."""
    years = set(
        Complaint.objects.annotate(year=ExtractYear("received_at", tzinfo=REPORT_TIME_ZONE))
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    years.add(annual_report_default_year())
    return sorted(years, reverse=True)


def annual_report_default_year(today: datetime.date | None = None) -> int:
    return (today or timezone.now().astimezone(REPORT_TIME_ZONE).date()).year - 1


def _year_complaints(year: int) -> QuerySet:
    return received_between(datetime.date(year, 1, 1), datetime.date(year, 12, 1))


def _conditions() -> dict[str, Q]:
    """Every count of the report as a condition on a complaint received in the year."""
    complaint = Q(kind=Kind.COMPLAINT)
    refused = complaint & ~Q(refusal_ground="")
    admissible = complaint & Q(refusal_ground="") & Q(acknowledged_at__isnull=False)
    conditions = {
        "received": Q(),
        "not_a_complaint": Q(kind=Kind.NOT_A_COMPLAINT),
        "complaints": complaint,
        "admissible": admissible,
        "refused": refused,
        "not_assessed": complaint & Q(refusal_ground="") & Q(acknowledged_at__isnull=True),
        "resolved": complaint & Q(solved_at__isnull=False),
        "no_outcome": admissible & Q(outcome=""),
    }
    for ground in RefusalGround.values:
        conditions[f"ground_{ground}"] = refused & Q(refusal_ground=ground)
    for outcome in Outcome.values:
        conditions[f"outcome_{outcome}"] = admissible & Q(outcome=outcome)
    for channel in ComplaintChannel.values:
        conditions[f"channel_{channel}"] = complaint & Q(channel=channel)
    for service in [*Service.values, ""]:
        conditions[f"service_{service}"] = complaint & Q(service=service)
    return conditions


def annual_report_build(*, year: int, version: str = INTERNAL) -> AnnualReport:
    """The report of complaints received in `year`; the PUBLISHED version has every figure
    below the threshold protected (figure_protect)."""
    if version not in VERSIONS:
        raise ValueError(f"unknown version {version!r}")
    complaints = _year_complaints(year)
    counts = complaints.aggregate(
        **{name: Count("pk", filter=condition) for name, condition in _conditions().items()}
    )
    norms = Counter()
    for listed in complaints.filter(kind=Kind.COMPLAINT).order_by().values_list("norms", flat=True):
        norms.update(set(listed or []))
    times = answer_times(complaints.filter(kind=Kind.COMPLAINT))

    def rows(*specs: tuple[str, object]) -> list[Row]:
        return [Row(key, label, Figure.count(counts[key])) for key, label in specs]

    sections = [
        Section(
            "totals",
            _("Received"),
            rows(
                ("received", _("Messages received")),
                ("not_a_complaint", _("Not a complaint (a question, request or suggestion)")),
                ("complaints", _("Complaints")),
            ),
        ),
        Section(
            "admissibility",
            _("Admissible or refused"),
            rows(
                ("admissible", _("Admissible: handled")),
                ("refused", _("Refused")),
                ("not_assessed", _("Not assessed yet, or closed before that")),
            ),
        ),
        Section(
            "refusal_grounds",
            _("Refused, per ground"),
            rows(*((f"ground_{value}", label) for value, label in RefusalGround.choices)),
        ),
        Section(
            "outcomes",
            _("Outcome of the admissible complaints"),
            rows(
                *((f"outcome_{value}", label) for value, label in Outcome.choices),
                ("no_outcome", _("No outcome yet")),
            ),
        ),
        Section(
            "resolved",
            _("Solved"),
            rows(("resolved", _("Solved to the parent's satisfaction"))),
        ),
        Section(
            "answer_times",
            _("Days to answer"),
            [
                Row(
                    "within",
                    _("Answered within %(days)d days") % {"days": ANSWER_WITHIN_DAYS},
                    Figure.count(times.within),
                ),
                Row(
                    "beyond",
                    _("Answered after more than %(days)d days") % {"days": ANSWER_WITHIN_DAYS},
                    Figure.count(times.beyond),
                ),
                Row(
                    "mean",
                    _("Mean number of days to answer"),
                    Figure(value=times.mean, base=times.answered),
                    unit="days",
                ),
            ],
        ),
        Section(
            "norms",
            _("Ombudsman norms at stake"),
            [
                Row(value, label, Figure.count(norms.get(value, 0)))
                for value, label in OmbudsNorm.choices
            ],
        ),
        Section(
            "channels",
            _("Channel and medium"),
            rows(*((f"channel_{value}", label) for value, label in ComplaintChannel.choices)),
        ),
        Section(
            "services",
            _("Service"),
            rows(
                *((f"service_{value}", label) for value, label in Service.choices),
                ("service_", _("Not given")),
            ),
        ),
    ]
    report = AnnualReport(
        year=year,
        version=INTERNAL,
        made_at=timezone.now(),
        sections=sections,
        improvements=_improvements(complaints),
    )
    return annual_report_publish(report) if version == PUBLISHED else report


def _improvements(complaints: QuerySet) -> list[Improvement]:
    """The insights actions linked to the year's complaints, with how many each followed."""
    links = (
        Complaint.actions.through.objects.filter(
            complaint__in=complaints.filter(kind=Kind.COMPLAINT)
        )
        .order_by()
        .values("action_id", "action__title", "action__status")
        .annotate(complaints=Count("complaint_id", distinct=True))
        .order_by("action__title", "action_id")
    )
    return [
        Improvement(
            title=link["action__title"],
            status=link["action__status"],
            status_label=ActionStatus(link["action__status"]).label,
            complaints=Figure.count(link["complaints"]),
        )
        for link in links
    ]


def annual_report_publish(report: AnnualReport) -> AnnualReport:
    """The published version of a report: the same rows, every figure through
    figure_protect."""
    return dataclasses.replace(
        report,
        version=PUBLISHED,
        sections=[
            dataclasses.replace(
                section,
                rows=[
                    dataclasses.replace(row, figure=figure_protect(row.figure))
                    for row in section.rows
                ],
            )
            for section in report.sections
        ],
        improvements=[
            dataclasses.replace(item, complaints=figure_protect(item.complaints))
            for item in report.improvements
        ],
    )
