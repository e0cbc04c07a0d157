"""The team and region view in the Wagtail admin: CSAT, mean, responses, response rate and
"question answered" per month, channel, team and region, for team leads (their teams and
regions) and administrators (all). Figures come protected from feedback.services.aggregates:
a group below the threshold has no numbers to show. Staff members are never listed here."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from feedback.forms.reports import TeamViewForm
from feedback.rules import can_view_team_feedback, is_feedback_admin, visible_regions, visible_teams
from feedback.services.aggregates import figures_table

SUPPRESSED = {"suppressed": True}

# Geometry of the server-rendered SVG bar charts (user units of the viewBox).
CHART_WIDTH = 640
CHART_HEIGHT = 260
CHART_LEFT = 44
CHART_RIGHT = 8
CHART_TOP = 12
CHART_BOTTOM = 48
GRID_STEPS = (0, 25, 50, 75, 100)


@dataclass
class Bar:
    series: str
    value: float | None
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


@dataclass
class BarGroup:
    label: str
    bars: list[Bar]
    label_x: float = 0


@dataclass
class BarChart:
    """A bar chart of shares (0–100 %), drawn as SVG by templates/feedback/charts/bars.html;
    a bar without a value (below the threshold) is drawn as a dash, never as zero."""

    chart_id: str
    title: str
    groups: list[BarGroup]
    series: list[tuple[str, str]] = field(default_factory=list)
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    grid: list[tuple[int, float]] = field(default_factory=list)
    axis_x: int = CHART_LEFT
    axis_y: float = CHART_HEIGHT - CHART_BOTTOM
    label_y: float = CHART_HEIGHT - CHART_BOTTOM + 18


def bar_chart(
    *,
    chart_id: str,
    title: str,
    groups: list[tuple[str, list[tuple[str, float | None]]]],
    series: list[tuple[str, str]] | None = None,
) -> BarChart:
    """Lay out grouped bars: `groups` is [(label, [(series, value or None), …]), …]."""
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    bottom = CHART_TOP + plot_height
    slot = plot_width / max(len(groups), 1)
    laid_out = []
    for index, (label, values) in enumerate(groups):
        bar_width = slot * 0.8 / max(len(values), 1)
        start = CHART_LEFT + index * slot + slot * 0.1
        bars = []
        for position, (name, value) in enumerate(values):
            height = 0 if value is None else plot_height * max(0, min(value, 100)) / 100
            bars.append(
                Bar(
                    series=name,
                    value=value,
                    x=round(start + position * bar_width, 1),
                    y=round(bottom - height, 1),
                    width=round(bar_width * 0.9, 1),
                    height=round(height, 1),
                )
            )
        laid_out.append(BarGroup(label=label, bars=bars, label_x=round(start + slot * 0.4, 1)))
    return BarChart(
        chart_id=chart_id,
        title=title,
        groups=laid_out,
        series=series or [],
        grid=[(step, round(bottom - plot_height * step / 100, 1)) for step in GRID_STEPS],
    )


def _csat(figures: dict) -> float | None:
    return None if figures["suppressed"] else figures["csat"]


@require_GET
def admin_team_view(request: HttpRequest) -> HttpResponse:
    """The figures of the teams and regions the user sees, for a period and a channel."""
    user = request.user
    if not can_view_team_feedback(user):
        raise PermissionDenied
    teams_qs = visible_teams(user).select_related("region").order_by("region__name", "name")
    regions_qs = visible_regions(user).order_by("name")
    form = TeamViewForm(request.GET, teams=teams_qs, regions=regions_qs)
    if not form.is_valid():
        return render(request, "feedback/admin/team_view.html", {"form": form}, status=400)
    data = form.cleaned_data
    teams = list(teams_qs)
    regions = list(regions_qs)
    if data["team"]:
        teams = [data["team"]]
        regions = []
    elif data["region"]:
        teams = [team for team in teams if team.region_id == data["region"].pk]
        regions = [data["region"]]
    everything = is_feedback_admin(user) and not data["team"] and not data["region"]
    figures = figures_table(
        first=data["first"],
        last=data["last"],
        team_ids=None if everything else [team.pk for team in teams],
        region_ids=[region.pk for region in regions],
        channel=data["channel"],
    )
    months = figures["months"]
    charts = {
        "months": bar_chart(
            chart_id="chart-months",
            title=gettext("CSAT per month (%)"),
            groups=[
                (formats.date_format(row["month"], "m/y"), [("now", _csat(row))]) for row in months
            ],
        ),
        "channels": bar_chart(
            chart_id="chart-channels",
            title=gettext("CSAT per channel (%)"),
            groups=[(str(row["label"]), [("now", _csat(row))]) for row in figures["channels"]],
        ),
    }
    return render(
        request,
        "feedback/admin/team_view.html",
        {
            "form": form,
            "first": data["first"],
            "last": data["last"],
            "total": figures["total"],
            "months": months,
            "channels": figures["channels"],
            "teams": [(team, figures["teams"].get(team.pk, SUPPRESSED)) for team in teams],
            "regions": [
                (region, figures["regions"].get(region.pk, SUPPRESSED)) for region in regions
            ],
            "charts": charts,
        },
    )
