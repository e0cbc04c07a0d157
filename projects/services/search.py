"""Full-text search over posts, through Wagtail's search backend (PostgreSQL full text in
production, SQLite FTS in development and tests).

The backend only knows the indexed filter fields, so it cannot apply the visibility rule
(answer-first, private topics, pending and hidden posts). Search therefore runs in two steps:
the backend ranks the matching posts of a project, then one SQL query keeps only those that
`Post.objects.visible_to(user)` allows. A post a member may not read can match, but it is
never returned.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.search.backends import get_search_backend

from community.models import User
from projects.models import Post, PostStatus, ProjectPage, TopicPage

# The best-ranked matches considered per search: enough for a person to read through.
SEARCH_LIMIT = 200


def search_words(query: str) -> str:
    """The words of what was typed, lower case: quotes, operators and other symbols are no
    query syntax here (SQLite's FTS would reject a lone quote; "AND" would be an operator)."""
    return " ".join(re.findall(r"\w+", query.lower()))


def _ranked_ids(query: str, queryset: QuerySet) -> list[int]:
    """The ids of the posts in `queryset` that match, best match first."""
    words = search_words(query)
    if not words:
        return []
    results = get_search_backend().search(words, queryset.order_by(), order_by_relevance=True)
    return [post.pk for post in results[:SEARCH_LIMIT]]


def _in_rank_order(ids: list[int], posts: QuerySet) -> list[Post]:
    found = {post.pk: post for post in posts}
    return [found[pk] for pk in ids if pk in found]


def posts_search_for_member(*, user: User, project: ProjectPage, query: str) -> list[Post]:
    """Posts of one project that match and that this member may read, best match first.

    The caller checks that the project is open to the user. Removed posts, posts in topics
    that are not live and replies to hidden posts are left out as well.
    """
    ids = _ranked_ids(query, Post.objects.filter(project_id=project.pk))
    if not ids:
        return []
    posts = (
        Post.objects.visible_to(user)
        .filter(pk__in=ids, project_id=project.pk, removed_at__isnull=True, topic__live=True)
        .filter(Q(parent__isnull=True) | ~Q(parent__status=PostStatus.HIDDEN))
        .select_related("author", "topic")
    )
    return _in_rank_order(ids, posts)


@dataclass(frozen=True)
class StaffPostFilters:
    query: str
    project: ProjectPage | None = None
    topic: TopicPage | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def posts_search_for_staff(*, filters: StaffPostFilters) -> list[Post]:
    """Every matching post across projects (pending, hidden and removed ones included, with
    their status), narrowed by project, topic and posting date; best match first."""
    posts = Post.objects.all()
    if filters.project is not None:
        posts = posts.filter(project_id=filters.project.pk)
    if filters.topic is not None:
        posts = posts.filter(topic_id=filters.topic.pk)
    if filters.date_from is not None:
        posts = posts.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to is not None:
        posts = posts.filter(created_at__lt=_day_start(filters.date_to + datetime.timedelta(1)))
    ids = _ranked_ids(filters.query, posts)
    if not ids:
        return []
    return _in_rank_order(
        ids, Post.objects.filter(pk__in=ids).select_related("author", "topic", "project")
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight in the site's time zone (Brussels): dates are chosen as staff see them."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
