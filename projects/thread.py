"""The thread of a topic page, its answers and replies: rendered once for every member who
reads the same posts, then finished for each reader.

Rendering a page of a hundred posts costs tens of milliseconds, and most readers of a topic
see exactly the same posts: the published ones. That rendering is kept in the shared cache
per topic, page, language and whether the reader may write, and the last few in each
process's memory as well. What differs per reader is filled in on every request: each
post's footer (react, edit, delete, report; see post_actions.html), the form token and the
reply boxes' one-time keys (projects.submission).

The shared rendering serves only readers who see exactly the published posts: a member, not
staff, in an open or poll topic, or in an answer-first topic once they answered, with no post
of their own waiting for a moderator or hidden by one. Everyone else gets a thread rendered
for them alone by the same code, never stored.

A rendering is stale once a post or reaction in its topic changes, or an author's name:
each topic has a version token in the cache, authors share one, and both are in the key
(projects.signals and the post services renew them; see projects.renderings). A member's
standing in the topic (their own posts and reactions there) is kept under the topic's token
as well, so a page read again costs no query for it.
"""

import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext

from community.models import Role
from config.versions import code_fingerprint, kept_while_current, version_renew, version_tokens
from projects.models import Post, PostStatus, Reaction, TopicPage, TopicStanding
from projects.renderings import CACHE_SECONDS, Renderings, indentation_removed
from projects.rules import TopicReader
from projects.submission import SUBMISSION_KEY_MARK, submission_keys_fill

POSTS_PER_PAGE = 50
AUTHORS_KEY = "thread-authors"
AUTHOR_FIELDS_NOT_SHOWN = [
    f"author__{name}" for name in ("password", "last_login", "last_name", "email", "date_joined")
]
# Marks in a rendered thread, replaced per reader. NUL never reaches a post: Django's form
# fields refuse it, and bleach's output cannot contain it.
_CSRF_MARK = "\x00csrf\x00"
_MARKS = re.compile("\x00(\\d+|csrf)\x00")
# Stand-ins in a rendered footer: an id that reverse() accepts, a count and a text.
_PK_STAND_IN = 987654321987
_COUNT_STAND_IN = "\x01count\x01"
_TEXT_STAND_IN = "\x01text\x01"


# --- staleness ---


def _topic_key(topic_id: int) -> str:
    return f"thread-version:{topic_id}"


def thread_changed(*, topic_id: int) -> None:
    """Forget the renderings of one topic's thread, after a post or reaction in it changed."""
    version_renew(_topic_key(topic_id))


def thread_authors_changed() -> None:
    """Forget every rendered thread, after an author's name (or an account) changed."""
    version_renew(AUTHORS_KEY)


def thread_tokens(topic_id: int) -> tuple[str, str]:
    """The version tokens of a topic's posts and reactions, and of the authors' names."""
    topic_token, authors_token = version_tokens(_topic_key(topic_id), AUTHORS_KEY)
    return topic_token, authors_token


# The renderings this process served last are kept in its memory: that saves reading and
# unpickling about 125 KB from the cache on every visit.
_renderings = Renderings(kept_in_process=32)


def standing_for(user, topic: TopicPage) -> tuple[TopicStanding, tuple[str, str]]:
    """PostQuerySet.standing_of, kept in the cache until a post or reaction in the topic
    changes (what the standing is made of renews the topic's token); with thread_tokens,
    read in the same cache read."""
    standing, tokens = kept_while_current(
        f"standing:{topic.pk}:{user.pk}",
        (_topic_key(topic.pk), AUTHORS_KEY),
        lambda: Post.objects.standing_of(user, topic),
        CACHE_SECONDS,
    )
    topic_token, authors_token = tokens
    return standing, (topic_token, authors_token)


# --- reading the posts ---


def cursor_parse(value: str | None) -> tuple[datetime.datetime, int] | None:
    """`?after=<created_at in microseconds since 1970>,<id>`; anything else means page one."""
    try:
        micros, pk = (int(part) for part in (value or "").split(","))
        moment = datetime.datetime.fromtimestamp(micros / 1_000_000, tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return moment, pk


def cursor_for(post: Post) -> str:
    return _cursor_key((post.created_at, post.pk))


def _cursor_key(cursor: tuple[datetime.datetime, int] | None) -> str:
    if cursor is None:
        return ""
    moment, pk = cursor
    return f"{int(moment.timestamp()) * 1_000_000 + moment.microsecond},{pk}"


def _with_reaction_count(posts):
    reaction_count = (
        Reaction.objects.filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(count=Count("pk"))
        .values("count")
    )
    # The raw text is for the edit form only; of the author, the page shows the pseudonym
    # (staff: the first name, see Post.author_name).
    return (
        posts.select_related("author")
        .defer("text", *AUTHOR_FIELDS_NOT_SHOWN)
        .annotate(reaction_count=Coalesce(Subquery(reaction_count, output_field=IntegerField()), 0))
    )


def topic_posts(visible, cursor: tuple[datetime.datetime, int] | None) -> tuple[list[Post], str]:
    """One page of the answers among `visible` posts, oldest first, with their replies.

    Keyset pagination on (created_at, id): page 100 costs what page 1 costs. Returns the
    posts and the cursor of the next page ("" on the last).
    """
    replies = _with_reaction_count(visible).order_by("created_at", "pk")
    answers = _with_reaction_count(visible.filter(parent__isnull=True)).prefetch_related(
        Prefetch("replies", queryset=replies, to_attr="visible_replies")
    )
    if cursor:
        moment, pk = cursor
        answers = answers.filter(Q(created_at__gt=moment) | Q(created_at=moment, pk__gt=pk))
    posts = list(answers.order_by("created_at", "pk")[: POSTS_PER_PAGE + 1])
    next_cursor = cursor_for(posts[POSTS_PER_PAGE - 1]) if len(posts) > POSTS_PER_PAGE else ""
    return posts[:POSTS_PER_PAGE], next_cursor


# --- rendering ---


def _role_label(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return ""


def _url_for_each_post(name: str) -> Callable[[int], str]:
    """reverse() costs tens of microseconds and a page of 100 posts needs 100 addresses:
    reverse once with a stand-in id, then put each post's id in its place."""
    head, tail = reverse(name, args=[_PK_STAND_IN]).split(str(_PK_STAND_IN))
    return lambda pk: f"{head}{pk}{tail}"


class PostDecorator:
    """What the thread template needs about each post, answered in Python once per post so
    that rendering is plain output: the time as shown, the badge, the reply form's address.
    The footer is left as a mark (PostActions fills it in per reader)."""

    def __init__(self, reader: TopicReader) -> None:
        self.reader = reader
        self.reply_url = _url_for_each_post("post_reply")
        self.probe_url = _url_for_each_post("post_probe")
        # The "j F Y, H:i" date format, with the month names of the active language.
        self.months = ["", *(str(MONTHS[number]) for number in range(1, 13))]

    def __call__(self, post: Post) -> None:
        post.html_id = f"post-{post.pk}"
        post.reply_field_id = f"reply-{post.pk}"
        post.role_label = _role_label(post.author_role)
        local = timezone.localtime(post.created_at)
        post.created_iso = local.isoformat()
        post.created_display = f"{local.day} {self.months[local.month]} {local.year}, {local:%H:%M}"
        post.actions = mark_safe(f"\x00{post.pk}\x00")
        post.may_probe = self.reader.may_probe(post)
        post.url = {}
        if post.may_probe:
            post.url["answer"] = self.probe_url(post.pk)
        elif self.reader.may_reply(post):
            post.url["answer"] = self.reply_url(post.pk)


class ThreadPost(NamedTuple):
    """The facts of a shown post that its footer depends on (see TopicReader)."""

    pk: int
    author_id: int | None
    parent_id: int | None
    status: str
    removed_at: datetime.datetime | None
    created_at: datetime.datetime
    reaction_count: int


@dataclass(frozen=True)
class RenderedThread:
    """A thread as rendered: text alternating with marks, a post's id where its footer goes
    and None where the form token goes; the posts' facts; and the cursor of the next page."""

    parts: list
    posts: dict[int, ThreadPost]
    next_cursor: str


def _render(
    request: HttpRequest | None,
    reader: TopicReader,
    visible,
    cursor,
    *,
    answer_first_waiting: bool,
    reply_to: int | None,
    reply_form,
) -> RenderedThread:
    posts, next_cursor = topic_posts(visible, cursor)
    decorate = PostDecorator(reader)
    facts = {}
    for post in posts:
        for shown in (post, *post.visible_replies):
            decorate(shown)
            facts[shown.pk] = ThreadPost(
                pk=shown.pk,
                author_id=shown.author_id,
                parent_id=shown.parent_id,
                status=shown.status,
                removed_at=shown.removed_at,
                created_at=shown.created_at,
                reaction_count=shown.reaction_count,
            )
    html = render_to_string(
        "projects/includes/topic_posts.html",
        {
            "request": request,
            "posts": posts,
            "may_post": reader.may_post,
            "answer_first_waiting": answer_first_waiting,
            "reply_to": reply_to,
            "reply_form": reply_form,
            "csrf_token": _CSRF_MARK,
            "submission_key_mark": SUBMISSION_KEY_MARK,
        },
    )
    if reply_form is None:
        html = indentation_removed(html)
    parts: list = _MARKS.split(html)
    parts[1::2] = [None if mark == "csrf" else int(mark) for mark in parts[1::2]]
    return RenderedThread(parts=parts, posts=facts, next_cursor=next_cursor)


class PostActions:
    """Each post's footer for one reader: the kind of footer (what the reader may do with the
    post) picks a rendering of post_actions.html, then the post's id, count and text go in."""

    def __init__(self, reader: TopicReader, reacted: set[int], csrf_token: str) -> None:
        self.reader = reader
        self.csrf_token = csrf_token
        self.reacted = reacted
        self.now = timezone.now()
        self.language = get_language()
        self.formats: dict[tuple, str] = {}

    def __call__(self, post: ThreadPost) -> str:
        reader = self.reader
        may_react = reader.may_react(post)
        text = ""
        if post.reaction_count and not may_react:
            text = ngettext(
                "%(count)s parent recognises this",
                "%(count)s parents recognise this",
                post.reaction_count,
            ) % {"count": post.reaction_count}
        kind = (
            may_react,
            may_react and post.pk in self.reacted,
            bool(text),
            reader.may_edit(post, self.now),
            reader.may_delete(post),
            reader.may_flag(post),
        )
        footer = self.formats.get(kind)
        if footer is None:
            footer = self.formats[kind] = _footer_format(kind, self.language).replace(
                _CSRF_MARK, self.csrf_token.replace("%", "%%")
            )
        return footer % {
            "pk": post.pk,
            "count": post.reaction_count,
            "text": escape(text) if text else "",
        }


@functools.lru_cache(maxsize=256)
def _footer_format(kind: tuple, language: str) -> str:
    """post_actions.html for one kind of footer, as a %-format with the post's id, count and
    text as its fields: the same for every post of that kind, so rendered once per process
    and language."""
    may_react, reacted, has_text, may_edit, may_delete, may_flag = kind
    rendered = render_to_string(
        "projects/includes/post_actions.html",
        {
            "may_react": may_react,
            "reacted": reacted,
            "reactions_text": _TEXT_STAND_IN if has_text else "",
            "may_edit": may_edit,
            "may_delete": may_delete,
            "may_flag": may_flag,
            "pk": _PK_STAND_IN,
            "count": _COUNT_STAND_IN,
            "csrf_token": _CSRF_MARK,
        },
    )
    return (
        rendered.replace("%", "%%")
        .replace(str(_PK_STAND_IN), "%(pk)d")
        .replace(_COUNT_STAND_IN, "%(count)d")
        .replace(_TEXT_STAND_IN, "%(text)s")
    )


def thread_for(
    request: HttpRequest,
    topic: TopicPage,
    reader: TopicReader,
    *,
    shared: bool,
    answered: bool,
    reacted: set[int],
    tokens: tuple[str, str],
    reply_to: int | None = None,
    reply_form=None,
) -> tuple[SafeString, str]:
    """The thread's HTML for this reader, and the cursor of the next page ("" on the last).

    `shared`: the reader sees exactly the topic's published posts (see the module's
    docstring), so the rendering kept for all such readers serves; `answered` says whether
    the reader answered (what opens an answer-first topic); `reacted`, the posts they said
    "herkenbaar" to, and `tokens` the topic's thread_tokens (both from standing_for).
    """
    user = request.user
    cursor = cursor_parse(request.GET.get("after"))
    answer_first_waiting = not answered
    if shared and reply_form is None:
        key = ":".join(
            str(part)
            for part in (
                "thread",
                topic.pk,
                *tokens,
                code_fingerprint(),
                get_language(),
                _cursor_key(cursor),
                int(reader.may_post),  # the reply forms; the rest of what it allows is per reader
            )
        )
        rendered = _renderings.get(
            key,
            lambda: _render(
                None,  # nothing of this reader's request goes into what others will read
                reader,
                Post.objects.filter(topic_id=topic.pk, status=PostStatus.PUBLISHED),
                cursor,
                answer_first_waiting=answer_first_waiting,
                reply_to=None,
                reply_form=None,
            ),
        )
    else:
        visible = Post.objects.visible_to(user, topic=topic, answered=answered)
        rendered = _render(
            request,
            reader,
            visible,
            cursor,
            answer_first_waiting=answer_first_waiting,
            reply_to=reply_to,
            reply_form=reply_form,
        )
    token = get_token(request)
    actions = PostActions(reader, reacted, token)
    posts = rendered.posts
    html = "".join(
        part if index % 2 == 0 else token if part is None else actions(posts[part])
        for index, part in enumerate(rendered.parts)
    )
    # Each reply box gets a one-time key of this reader's own (projects.submission).
    return mark_safe(submission_keys_fill(html)), rendered.next_cursor
