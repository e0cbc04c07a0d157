"""Feedback figures per channel, month, team and region, computed in the database.

One grouped query over responses (and one over invitations) per period — per month when the
monthly report asks for a few months: the counts, the sum of scores, the satisfied (4 and 5)
and the "question answered" tallies per month × channel × team × region. Every other grouping
(per channel, per team, the organisation) is a sum of those few groups, never a loop over
responses.

The privacy threshold is applied here and only here (`figures_protect`): a group with fewer
than PRIVACY_THRESHOLD responses comes out with `suppressed=True` and no numbers at all, so a
table, chart or export built on this output cannot show them by mistake.

Response rate: responses ÷ invitations created in the same period, for the channels that hand
out invitations (consultation, home visit, e-mail answer). A helpline call is rated on the
phone right after the call, without an invitation: the helpline has no rate, and its
responses are left out of the rate of a team or the organisation (but counted everywhere
else). Invitations, like responses, count for the team their staff member was in when they
were made (copied onto the row).
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from feedback.models import Channel, Invitation, QuestionAnswered, Response
from insights.models import PRIVACY_THRESHOLD

# Months are calendar months in Belgium, whatever the server's or the database's zone.
REPORT_TIME_ZONE = zoneinfo.ZoneInfo("Europe/Brussels")
SATISFIED_FROM = 4  # scores 4 and 5
# Channels whose responses answer an invitation (the response rate's numerator).
INVITED_CHANNELS = (Channel.CONSULTATION, Channel.HOME_VISIT, Channel.EMAIL)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_add(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_bounds(first: datetime.date, last: datetime.date) -> tuple:
    """The aware datetimes [start, end) of the months from `first` to `last` in Brussels."""
    start = datetime.datetime.combine(month_start(first), datetime.time(), REPORT_TIME_ZONE)
    end_month = month_add(month_start(last), 1)
    end = datetime.datetime.combine(end_month, datetime.time(), REPORT_TIME_ZONE)
    return start, end


@dataclass
class Tally:
    """The additive counts of one group; figures are derived from them (and sums of them)."""

    responses: int = 0
    invited_responses: int = 0
    invitations: int = 0
    score_sum: int = 0
    satisfied: int = 0
    answered_yes: int = 0
    answered_asked: int = 0

    def add(self, other: "Tally") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class GroupRow:
    month: datetime.date
    channel: str
    team_id: int
    region_id: int
    tally: Tally = field(default_factory=Tally)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def figures_protect(tally: Tally) -> dict:
    """The figures of a group as shown anywhere: numbers only from PRIVACY_THRESHOLD
    responses on, else `suppressed` and nothing else (not even the count)."""
    if tally.responses < PRIVACY_THRESHOLD:
        return {"suppressed": True}
    return {
        "suppressed": False,
        "responses": tally.responses,
        "invitations": tally.invitations if tally.invitations else None,
        "rate": _percent(tally.invited_responses, tally.invitations),
        "csat": _percent(tally.satisfied, tally.responses),
        "mean": round(tally.score_sum / tally.responses, 2),
        "answered": _percent(tally.answered_yes, tally.answered_asked),
    }


def response_groups(
    *,
    first: datetime.date,
    last: datetime.date,
    months: Iterable[datetime.date] | None = None,
    team_ids: Iterable[int] | None = None,
    channel: str = "",
) -> list[GroupRow]:
    """The tallies per month × channel × team × region from `first` to `last`, or only in
    the listed `months` (one plain time range per month: cheaper for a few months than
    truncating every row to its month). Two grouped queries per range: responses and
    invitations."""
    team_ids = None if team_ids is None else list(team_ids)
    if months is None:
        return _range_groups(first, last, None, team_ids, channel)
    return [
        group for month in months for group in _range_groups(month, month, month, team_ids, channel)
    ]


def _range_groups(
    first: datetime.date,
    last: datetime.date,
    single: datetime.date | None,
    team_ids: list[int] | None,
    channel: str,
) -> list[GroupRow]:
    start, end = month_bounds(first, last)
    responses = Response.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    invitations = Invitation.objects.filter(
        created_at__gte=start, created_at__lt=end, channel__in=INVITED_CHANNELS
    )
    if team_ids is not None:
        responses = responses.filter(team_id__in=team_ids)
        invitations = invitations.filter(team_id__in=team_ids)
    if channel:
        responses = responses.filter(channel=channel)
        invitations = invitations.filter(channel=channel)
    keys = ["channel", "team_id", "region_id"]
    if single is None:
        responses = responses.annotate(month=TruncMonth("submitted_at", tzinfo=REPORT_TIME_ZONE))
        invitations = invitations.annotate(month=TruncMonth("created_at", tzinfo=REPORT_TIME_ZONE))
        keys.insert(0, "month")
    rows = (
        responses.order_by()
        .values(*keys)
        .annotate(
            responses=Count("pk"),
            score_sum=Sum("score"),
            satisfied=Count("pk", filter=Q(score__gte=SATISFIED_FROM)),
            answered_yes=Count("pk", filter=Q(question_answered=QuestionAnswered.YES)),
            answered_asked=Count("pk", filter=~Q(question_answered="")),
        )
    )
    groups: dict[tuple, GroupRow] = {}
    for row in rows:
        month = single or _as_date(row["month"])
        key = (month, row["channel"], row["team_id"], row["region_id"])
        groups[key] = GroupRow(
            *key,
            tally=Tally(
                responses=row["responses"],
                # Grouped by channel: a group's responses answer invitations or none do.
                invited_responses=row["responses"] if row["channel"] in INVITED_CHANNELS else 0,
                score_sum=row["score_sum"] or 0,
                satisfied=row["satisfied"],
                answered_yes=row["answered_yes"],
                answered_asked=row["answered_asked"],
            ),
        )
    invited = invitations.order_by().values(*keys).annotate(invitations=Count("pk"))
    for row in invited:
        month = single or _as_date(row["month"])
        key = (month, row["channel"], row["team_id"], row["region_id"])
        group = groups.setdefault(key, GroupRow(*key))
        group.tally.invitations += row["invitations"]
    return list(groups.values())


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.astimezone(REPORT_TIME_ZONE).date()
    return value


def groups_sum(groups: Iterable[GroupRow], key) -> dict:
    """Sum the groups' tallies by `key(group)` (None for the whole): {key: Tally}."""
    sums: dict = {}
    for group in groups:
        sums.setdefault(key(group), Tally()).add(group.tally)
    return sums


def figures_table(
    *,
    first: datetime.date,
    last: datetime.date,
    team_ids: Iterable[int] | None = None,
    region_ids: Iterable[int] | None = None,
    channel: str = "",
) -> dict:
    """What the team and region view shows for a period: protected figures per month, per
    channel, per team, per region and for the whole selection. `region_ids` limits the
    regions listed (a team lead sees the regions they lead only)."""
    groups = response_groups(first=first, last=last, team_ids=team_ids, channel=channel)
    months = []
    month = month_start(first)
    by_month = groups_sum(groups, lambda g: g.month)
    while month <= last:
        months.append({"month": month, **figures_protect(by_month.get(month, Tally()))})
        month = month_add(month, 1)
    by_channel = groups_sum(groups, lambda g: g.channel)
    channels = [
        {"channel": value, "label": label, **figures_protect(by_channel.get(value, Tally()))}
        for value, label in Channel.choices
        if not channel or value == channel
    ]
    by_team = groups_sum(groups, lambda g: g.team_id)
    by_region = groups_sum(groups, lambda g: g.region_id)
    allowed_regions = None if region_ids is None else set(region_ids)
    return {
        "months": months,
        "channels": channels,
        "teams": {team_id: figures_protect(tally) for team_id, tally in by_team.items()},
        "regions": {
            region_id: figures_protect(tally)
            for region_id, tally in by_region.items()
            if allowed_regions is None or region_id in allowed_regions
        },
        "total": figures_protect(groups_sum(groups, lambda g: None).get(None, Tally())),
    }
