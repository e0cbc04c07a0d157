"""The monthly report: built once for a month, stored with its figures and then frozen.

`monthly_report_build` computes everything in a handful of grouped queries (see
feedback.services.aggregates) and stores the protected figures: what is in `data` already
has the privacy threshold applied, so the page and the files only read it. A response coded
or added later, a team renamed or moved, never changes a report that was built.
"""

import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone, translation

from community.models import NotificationKind, Role, User
from community.services.notifications import notifications_create
from feedback.models import (
    Channel,
    FollowUp,
    MonthlyReport,
    Region,
    ReportAdjustment,
    ResponseCoding,
    Team,
)
from feedback.rules import is_feedback_admin, visible_regions, visible_teams
from feedback.services.aggregates import (
    Tally,
    figures_protect,
    groups_sum,
    month_add,
    month_bounds,
    month_start,
    response_groups,
)
from insights.models import PRIVACY_THRESHOLD, Action
from insights.services.insights import action_create

COMMENTS_PER_CODE = 10
REPORT_WORK_MEM = "64MB"
PERIODS = ("now", "previous", "year_before")


def report_month_due(today: datetime.date | None = None) -> datetime.date:
    """The month whose report is due: the one before today's."""
    return month_add(month_start(today or timezone.localdate()), -1)


def _change(now: dict, before: dict) -> dict | None:
    """Differences (percentage points for shares) when both months show numbers."""
    if now["suppressed"] or before["suppressed"]:
        return None
    change = {"responses": now["responses"] - before["responses"]}
    for name in ("csat", "mean", "rate", "answered"):
        if now.get(name) is None or before.get(name) is None:
            change[name] = None
        else:
            change[name] = round(now[name] - before[name], 2)
    return change


def _periods(sums: dict[str, dict], key) -> dict:
    figures = {period: figures_protect(sums[period].get(key, Tally())) for period in PERIODS}
    figures["change_previous"] = _change(figures["now"], figures["previous"])
    figures["change_year"] = _change(figures["now"], figures["year_before"])
    return figures


def _count_protect(count: int) -> int | None:
    return count if count >= PRIVACY_THRESHOLD else None


def _figures(month: datetime.date) -> dict:
    months = {
        "now": month,
        "previous": month_add(month, -1),
        "year_before": month_add(month, -12),
    }
    groups = response_groups(first=month, last=month, months=months.values())
    by_period = {
        period: [group for group in groups if group.month == value]
        for period, value in months.items()
    }
    sections = {}
    for name, key in (
        ("total", lambda g: None),
        ("channels", lambda g: g.channel),
        ("teams", lambda g: g.team_id),
        ("regions", lambda g: g.region_id),
    ):
        sections[name] = {period: groups_sum(by_period[period], key) for period in PERIODS}
    teams = list(Team.objects.select_related("region").order_by("region__name", "name", "pk"))
    regions = list(Region.objects.order_by("name", "pk"))
    return {
        "total": _periods(sections["total"], None),
        "channels": [
            {"key": value, **_periods(sections["channels"], value)} for value in Channel.values
        ],
        "teams": [
            {
                "id": team.pk,
                "name": team.name,
                "region_id": team.region_id,
                "region_name": team.region.name,
                **_periods(sections["teams"], team.pk),
            }
            for team in teams
        ],
        "regions": [
            {"id": region.pk, "name": region.name, **_periods(sections["regions"], region.pk)}
            for region in regions
        ],
    }


def _codes(start: datetime.datetime, end: datetime.datetime) -> list[dict]:
    """The month's comments grouped by the global code they were given: how many (from the
    threshold on), per team, and the newest few comments with their team."""
    codings = ResponseCoding.objects.filter(
        response__submitted_at__gte=start,
        response__submitted_at__lt=end,
        code__project__isnull=True,
    )
    counts = (
        codings.order_by()
        .values("code_id", "code__name", "code__name_en", "code__colour", "response__team_id")
        .annotate(responses=Count("response_id", distinct=True))
    )
    codes: dict[int, dict] = {}
    for row in counts:
        code = codes.setdefault(
            row["code_id"],
            {
                "id": row["code_id"],
                "name": row["code__name"],
                "name_en": row["code__name_en"],
                "colour": row["code__colour"],
                "count": 0,
                "teams": {},
                "comments": [],
            },
        )
        code["count"] += row["responses"]
        code["teams"][str(row["response__team_id"])] = _count_protect(row["responses"])
    comments = codings.order_by("code_id", "-response__submitted_at", "-response_id").values_list(
        "code_id", "response__team_id", "response__channel", "response__comment"
    )
    for code_id, team_id, channel, comment in comments:
        listed = codes[code_id]["comments"]
        if comment and len(listed) < COMMENTS_PER_CODE:
            listed.append({"team_id": team_id, "channel": channel, "text": comment})
    for code in codes.values():
        code["count"] = _count_protect(code["count"])
    return sorted(codes.values(), key=lambda code: (code["name"].casefold(), code["id"]))


def _follow_ups(start: datetime.datetime, end: datetime.datetime) -> dict:
    """Items opened and closed in the month, and those overdue at its end (open then, and
    due before its last day was over)."""
    last_day = (end - datetime.timedelta(days=1)).date()
    rows = (
        FollowUp.objects.order_by()
        .values("team_id")
        .annotate(
            opened=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
            closed=Count("pk", filter=Q(closed_at__gte=start, closed_at__lt=end)),
            overdue=Count(
                "pk",
                filter=Q(created_at__lt=end, due_date__lte=last_day)
                & (Q(closed_at__isnull=True) | Q(closed_at__gte=end)),
            ),
        )
        .filter(Q(opened__gt=0) | Q(closed__gt=0) | Q(overdue__gt=0))
    )
    teams = {
        str(row["team_id"]): {name: row[name] for name in ("opened", "closed", "overdue")}
        for row in rows
    }
    total = {
        name: sum(team[name] for team in teams.values()) for name in ("opened", "closed", "overdue")
    }
    return {"total": total, "teams": teams}


def _adjustments(month: datetime.date) -> list[dict]:
    """The adjustments decided from the previous month's report, with their status now."""
    adjustments = ReportAdjustment.objects.filter(
        report__month=month_add(month, -1)
    ).select_related("action")
    return [
        {
            "action_id": adjustment.action_id,
            "title": adjustment.action.title,
            "owner": adjustment.action.owner,
            "due_date": adjustment.action.due_date.isoformat()
            if adjustment.action.due_date
            else None,
            "status": adjustment.action.status,
        }
        for adjustment in adjustments
    ]


@transaction.atomic
def monthly_report_data(*, month: datetime.date) -> dict:
    """Compute a month's report (not stored): the figures with the threshold applied.

    On PostgreSQL the grouped queries of this one transaction may sort and hash in memory
    (REPORT_WORK_MEM instead of the 4 MB default, which spills a million rows to disk) and
    skip JIT compilation (which costs more than it saves on these short scans)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
            cursor.execute("SET LOCAL jit = off")
    month = month_start(month)
    start, end = month_bounds(month, month)
    return {
        "month": month.isoformat(),
        "threshold": PRIVACY_THRESHOLD,
        **_figures(month),
        "codes": _codes(start, end),
        "follow_ups": _follow_ups(start, end),
        "adjustments": _adjustments(month),
    }


def monthly_report_build(*, month: datetime.date) -> MonthlyReport:
    """The report of `month`, built the first time and returned unchanged ever after: a
    report is frozen once stored (two builds at once: the unique month keeps one)."""
    month = month_start(month)
    existing = MonthlyReport.objects.filter(month=month).first()
    if existing is not None:
        return existing
    data = monthly_report_data(month=month)
    try:
        with transaction.atomic():
            return MonthlyReport.objects.create(month=month, data=data)
    except IntegrityError:
        return MonthlyReport.objects.get(month=month)


def report_recipients() -> list[User]:
    """Who receives the report: active administrators and team leads who lead a team or a
    region."""
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__name=Role.ADMIN)
            | Q(groups__name=Role.TEAM_LEAD)
            & (Q(led_teams__isnull=False) | Q(led_regions__isnull=False))
        )
        .distinct()
        .order_by("pk")
    )


def report_title(month: datetime.date) -> dict[str, str]:
    titles = {}
    for language in ("nl", "en"):
        with translation.override(language):
            titles[language] = formats.date_format(month, "YEAR_MONTH_FORMAT")
    return titles


@transaction.atomic
def monthly_report_announce(*, report: MonthlyReport) -> bool:
    """Tell team leads and administrators that the report is ready, once: the report's
    `mailed_at` is claimed by one conditional UPDATE, so a second run (or two at once) sends
    nothing. The notifications mail those who want it (NotificationKind.FEEDBACK_REPORT)."""
    claimed = MonthlyReport.objects.filter(pk=report.pk, mailed_at__isnull=True).update(
        mailed_at=timezone.now()
    )
    if not claimed:
        return False
    notifications_create(
        recipients=report_recipients(),
        kind=NotificationKind.FEEDBACK_REPORT,
        title=report_title(report.month),
        url=reverse("feedback_report_redirect", args=[report.pk]),
    )
    return True


def monthly_report_run(*, today: datetime.date | None = None) -> MonthlyReport:
    """Build last month's report if it is missing and announce it once; safe to run daily
    and twice."""
    report = monthly_report_build(month=report_month_due(today))
    monthly_report_announce(report=report)
    return report


@transaction.atomic
def report_adjustment_create(
    *,
    user: User,
    report: MonthlyReport,
    title: str,
    owner: str,
    due_date: datetime.date | None = None,
    description: str = "",
) -> ReportAdjustment:
    """Record an adjustment decided from a report as an insights action (without an
    insight). The same title for the same report again (a double submit) gives back the
    first one instead of a second action."""
    MonthlyReport.objects.select_for_update().get(pk=report.pk)
    existing = (
        ReportAdjustment.objects.filter(report=report, action__title__iexact=title.strip())
        .select_related("action")
        .first()
    )
    if existing is not None:
        return existing
    action = action_create(
        user=user,
        insight=None,
        title=title,
        owner=owner,
        due_date=due_date,
        description=description,
    )
    return ReportAdjustment.objects.create(report=report, action=action)


def report_for_user(*, report: MonthlyReport, user: User) -> dict:
    """The part of a stored report the user may see: every section for administrators; for
    team leads the organisation total, the channels, and their own teams and regions."""
    data = dict(report.data)
    if is_feedback_admin(user):
        return data
    team_ids = set(visible_teams(user).values_list("pk", flat=True))
    region_ids = set(visible_regions(user).values_list("pk", flat=True))
    keys = {str(pk) for pk in team_ids}
    data["teams"] = [team for team in data.get("teams", []) if team["id"] in team_ids]
    data["regions"] = [region for region in data.get("regions", []) if region["id"] in region_ids]
    data["codes"] = [
        {
            **code,
            "teams": {key: n for key, n in code["teams"].items() if key in keys},
            "comments": [c for c in code["comments"] if c["team_id"] in team_ids],
        }
        for code in data.get("codes", [])
    ]
    follow_ups = data.get("follow_ups", {"total": {}, "teams": {}})
    data["follow_ups"] = {
        "total": follow_ups["total"],
        "teams": {key: row for key, row in follow_ups["teams"].items() if key in keys},
    }
    return data


def report_adjustments(*, report: MonthlyReport) -> list[Action]:
    """The adjustments recorded from this report so far, as their actions (status now)."""
    return [
        adjustment.action
        for adjustment in ReportAdjustment.objects.filter(report=report).select_related("action")
    ]
