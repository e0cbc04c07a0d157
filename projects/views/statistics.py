"""Staff views in the Wagtail admin: a project's statistics. Its export buttons start an export
job (insights.views.exports), which writes the file in the background."""

import datetime
import math
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET

from projects.models import ProjectPage
from projects.rules import can_export_posts, can_view_project_statistics
from projects.services.statistics import ChartBar, project_statistics

# The posts-per-day chart, in SVG user units: the plot area and the room for the axes' labels.
PLOT_WIDTH = 640
PLOT_HEIGHT = 180
MARGIN_LEFT = 44
MARGIN_TOP = 12
MARGIN_RIGHT = 12
MARGIN_BOTTOM = 36
MAX_Y_TICKS = 5
MAX_X_LABELS = 8


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class PostsChart:
    """A bar chart of posts per day with both axes, laid out on the server (no script)."""

    width: int
    height: int
    plot_left: int
    plot_top: int
    plot_right: int
    plot_bottom: int
    bars: list[Bar]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    description: str


def _short_date(day: datetime.date) -> str:
    """ "30 nov" in Dutch, in the active language."""
    return date_format(day, "j b")


def _long_date(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def _y_step(busiest: int) -> int:
    """A round step (1, 2, 5, 10, 20, 50…) that needs at most MAX_Y_TICKS ticks above 0."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(busiest / step) <= MAX_Y_TICKS:
                return step
        magnitude *= 10


def posts_chart(days: list[ChartBar], busiest: int) -> PostsChart | None:
    """Lay out the chart of posts per day: one bar per day, the y axis in round numbers and
    at most MAX_X_LABELS dates under the x axis, in the active language."""
    if not days or busiest <= 0:
        return None
    step = _y_step(busiest)
    top = math.ceil(busiest / step) * step
    slot = PLOT_WIDTH / len(days)
    bar_width = max(slot * 0.7, 1)
    bottom = MARGIN_TOP + PLOT_HEIGHT
    bars = []
    for index, day in enumerate(days):
        height = PLOT_HEIGHT * day.posts / top
        posts = ngettext("%(count)d post", "%(count)d posts", day.posts) % {"count": day.posts}
        bars.append(
            Bar(
                x=round(MARGIN_LEFT + index * slot + (slot - bar_width) / 2, 1),
                y=round(bottom - height, 1),
                width=round(bar_width, 1),
                height=round(height, 1),
                label=f"{_long_date(day.day)}: {posts}",
            )
        )
    every = math.ceil(len(days) / MAX_X_LABELS)
    x_ticks = [
        Tick(position=round(MARGIN_LEFT + (index + 0.5) * slot, 1), label=_short_date(day.day))
        for index, day in enumerate(days)
        if index % every == 0
    ]
    y_ticks = [
        Tick(position=round(bottom - PLOT_HEIGHT * value / top, 1), label=str(value))
        for value in range(0, top + 1, step)
    ]
    description = gettext(
        "Answers and replies per day from %(first)s to %(last)s. The busiest day had "
        "%(busiest)s; %(total)s in all."
    ) % {
        "first": _long_date(days[0].day),
        "last": _long_date(days[-1].day),
        "busiest": ngettext("%(count)d post", "%(count)d posts", busiest) % {"count": busiest},
        "total": ngettext("%(count)d post", "%(count)d posts", sum(d.posts for d in days))
        % {"count": sum(d.posts for d in days)},
    }
    return PostsChart(
        width=MARGIN_LEFT + PLOT_WIDTH + MARGIN_RIGHT,
        height=MARGIN_TOP + PLOT_HEIGHT + MARGIN_BOTTOM,
        plot_left=MARGIN_LEFT,
        plot_top=MARGIN_TOP,
        plot_right=MARGIN_LEFT + PLOT_WIDTH,
        plot_bottom=bottom,
        bars=bars,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        description=description,
    )


@require_GET
def admin_project_statistics(request: HttpRequest, project_id: int) -> HttpResponse:
    if not can_view_project_statistics(request.user):
        raise PermissionDenied
    project = get_object_or_404(ProjectPage, pk=project_id)
    statistics = project_statistics(project=project)
    return render(
        request,
        "projects/admin/project_statistics.html",
        {
            "project": project,
            "statistics": statistics,
            "chart": posts_chart(statistics.days, statistics.busiest_day),
            "can_export": can_export_posts(request.user),
        },
    )
