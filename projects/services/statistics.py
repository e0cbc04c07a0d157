"""Project statistics for staff: audience, who joined, who answered each topic, and posts per
day. Every figure is counted by the database, so the page costs the same number of queries
however many members and posts a project has.

These counts are exact: they are shown only to staff inside the admin, not published, so the
privacy threshold for published aggregates does not apply.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from community.models import Role, Segment, User
from projects.models import (
    Audience,
    PollVote,
    Post,
    PostStatus,
    ProjectPage,
    ResponseMode,
    TopicPage,
)

# The chart shows at most this many days, ending on the last day with a post.
CHART_DAYS = 92
CHART_HEIGHT = 120
CHART_BAR_WIDTH = 8
CHART_BAR_GAP = 2


def _staff_author_q(prefix: str = "author__") -> Q:
    return Q(**{f"{prefix}is_superuser": True}) | Q(**{f"{prefix}groups__name__in": Role.values})


@dataclass(frozen=True)
class TopicAnswered:
    topic: TopicPage
    answered: int


@dataclass(frozen=True)
class ChartBar:
    day: datetime.date
    posts: int
    x: int
    y: int
    height: int


@dataclass(frozen=True)
class ProjectStatistics:
    audience: int
    joined: int
    topics: list[TopicAnswered]
    days: list[ChartBar]
    chart_width: int
    chart_height: int
    busiest_day: int


def project_audience_count(project: ProjectPage) -> int:
    """Members (parents who take part) in the project's audience, exactly."""
    members = User.objects.members()
    if project.audience == Audience.ALL:
        return members.count()
    segments: list[Segment] = list(project.segments.prefetch_related("rules"))
    if not segments:
        return 0
    in_any = Q(pk__in=[])
    for segment in segments:
        in_any |= segment.members_q()
    return members.filter(in_any).distinct().count()


def _answered_subquery(model_posts: QuerySet, field: str) -> Coalesce:
    counted = (
        model_posts.order_by().values(field).annotate(count=Count("author", distinct=True))
    ).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def project_topics_answered(project: ProjectPage) -> list[TopicAnswered]:
    """Per topic, in page-tree order: distinct members who answered (a post that is not a reply,
    not removed and not hidden; in a poll, a vote)."""
    answers = (
        Post.objects.filter(topic=OuterRef("pk"), parent__isnull=True, removed_at__isnull=True)
        .exclude(status=PostStatus.HIDDEN)
        .exclude(author__isnull=True)
        .exclude(_staff_author_q())
    )
    voters = (
        PollVote.objects.filter(option__topic=OuterRef("pk"))
        .exclude(_staff_author_q("user__"))
        .order_by()
        .values("option__topic")
        .annotate(count=Count("user", distinct=True))
        .values("count")
    )
    topics = (
        TopicPage.objects.child_of(project)
        .annotate(
            answer_count=_answered_subquery(answers, "topic"),
            voter_count=Coalesce(Subquery(voters, output_field=IntegerField()), 0),
        )
        .order_by("path")
    )
    return [
        TopicAnswered(
            topic=topic,
            answered=topic.voter_count
            if topic.response_mode == ResponseMode.POLL
            else topic.answer_count,
        )
        for topic in topics
    ]


def project_joined_count(project: ProjectPage) -> int:
    """Members who posted at least once in the project (any post, any status)."""
    return (
        Post.objects.filter(project=project, author__isnull=False)
        .exclude(_staff_author_q())
        .values("author")
        .distinct()
        .count()
    )


def project_posts_per_day(project: ProjectPage) -> dict[datetime.date, int]:
    """Posts (answers and replies, by anyone) per day in the site's time zone."""
    rows = (
        Post.objects.filter(project=project)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("day")
        .annotate(posts=Count("pk"))
    )
    return {row["day"]: row["posts"] for row in rows}


def chart_bars(per_day: dict[datetime.date, int]) -> tuple[list[ChartBar], int]:
    """One bar per day from the first day with a post (at most CHART_DAYS back from the last)
    to the last, days without posts included; heights scaled to the busiest day."""
    if not per_day:
        return [], 0
    last = max(per_day)
    first = max(min(per_day), last - datetime.timedelta(days=CHART_DAYS - 1))
    busiest = max(per_day.values())
    bars = []
    for index in range((last - first).days + 1):
        day = first + datetime.timedelta(days=index)
        posts = per_day.get(day, 0)
        height = round(CHART_HEIGHT * posts / busiest)
        bars.append(
            ChartBar(
                day=day,
                posts=posts,
                x=index * (CHART_BAR_WIDTH + CHART_BAR_GAP),
                y=CHART_HEIGHT - height,
                height=height,
            )
        )
    return bars, busiest


def project_statistics(*, project: ProjectPage) -> ProjectStatistics:
    """Everything the statistics page shows, in a fixed number of queries."""
    bars, busiest = chart_bars(project_posts_per_day(project))
    return ProjectStatistics(
        audience=project_audience_count(project),
        joined=project_joined_count(project),
        topics=project_topics_answered(project),
        days=bars,
        chart_width=max(len(bars) * (CHART_BAR_WIDTH + CHART_BAR_GAP) - CHART_BAR_GAP, 0),
        chart_height=CHART_HEIGHT,
        busiest_day=busiest,
    )
