"""Full-text search over posts, in the index Wagtail's search backend keeps (PostgreSQL full
text in production, SQLite FTS in development and tests).

The index only knows the indexed filter fields, so it cannot apply the visibility rule
(answer-first, private topics, pending and hidden posts). Search therefore runs in two steps:
one query ranks the matching posts of a project, then one SQL query keeps only those that
`Post.objects.visible_to(user)` allows. A post a member may not read can match, but it is
never returned.

On PostgreSQL the first step is our own query on Wagtail's index table rather than the
backend's, because the backend's cannot stay fast at a million posts (docs/architecture.md,
"Search at size"): it matches `title || body`, which no index covers, and ranks every match.
Ours matches `body` (Wagtail's GIN index), joins the posts both ways through an index on the
post's id as text (Post.Meta.indexes), and ranks only the newest RANK_CANDIDATES matches.
"""

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from wagtail.search.backends import get_search_backend

from community.models import User
from projects.models import Post, PostStatus, ProjectPage, TopicPage

# The best-ranked matches considered per search: enough for a person to read through.
SEARCH_LIMIT = 200
# The newest matches that are ranked (PostgreSQL). Ranking reads every ranked row, and a
# common word matches a fifth of a million posts; the best 200 of the newest 1,000 are what a
# person looking for a discussion wants, and a rarer word has fewer matches than this anyway.
RANK_CANDIDATES = 1000


def search_words(query: str) -> str:
    """The words of what was typed, lower case: quotes, operators and other symbols are no
    query syntax here (SQLite's FTS would reject a lone quote; "AND" would be an operator)."""
    return " ".join(re.findall(r"\w+", query.lower()))


def _ranked_ids(query: str, queryset: QuerySet) -> list[int]:
    """The ids of at most SEARCH_LIMIT posts in `queryset` that match every word, best match
    first (on PostgreSQL: best among the newest RANK_CANDIDATES matches). One query."""
    words = search_words(query)
    if not words:
        return []
    if connections[queryset.db].vendor == "postgresql":
        return _ranked_ids_postgresql(words, queryset)
    results = get_search_backend().search(words, queryset.order_by(), order_by_relevance=True)
    return [post.pk for post in results[:SEARCH_LIMIT]]


def _ranked_ids_postgresql(words: str, queryset: QuerySet) -> list[int]:
    """`_ranked_ids` as one PostgreSQL query on Wagtail's index entries.

    The newest matches come first, through the planner's choice: for a common word it walks
    the posts newest first and looks each one's entry up (stopping at RANK_CANDIDATES); for a
    rare word it takes the matching entries from the GIN index on `body` and looks their
    posts up by the index on the post's id as text. Only those candidates are ranked.
    Post has no "title" search field, so its words are all in `body` (a test holds this).
    """
    tsquery = SearchQuery(words, search_type="plain", config=get_search_backend().config)
    newest_matches = queryset.filter(index_entries__body=tsquery).order_by("-pk").values("pk")
    ranked = (
        Post.objects.filter(pk__in=newest_matches[:RANK_CANDIDATES])
        .order_by(SearchRank(F("index_entries__body"), tsquery).desc(), "-pk")
        .values_list("pk", flat=True)
    )
    with _planned_for_its_words(queryset.db):
        return list(ranked[:SEARCH_LIMIT])


@contextmanager
def _planned_for_its_words(alias: str) -> Iterator[None]:
    """Never run the search as a prepared statement (config/settings/base.py prepares a query
    on its fifth run). The best plan depends on how common the words are, and PostgreSQL may
    switch a prepared statement to one generic plan for every word: after a few searches for a
    rare word, a common word then took 700 ms instead of 60 (docs/benchmarks.md)."""
    connection = connections[alias]
    connection.ensure_connection()
    driver = connection.connection
    threshold = driver.prepare_threshold
    driver.prepare_threshold = None
    try:
        yield
    finally:
        driver.prepare_threshold = threshold


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
