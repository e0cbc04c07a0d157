"""The topic page: the question, the posts this reader may see, and the forms they may use.

Wagtail serves the page (TopicPage.serve / get_context call in here). The posts come from
one query for the answers and one for their replies, both through Post.objects.visible_to,
so the page costs the same number of queries for 5 or 500 posts and the template none.
"""

import datetime
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import ngettext

from community.models import Role
from projects import rules
from projects.forms.polls import PollVoteForm
from projects.forms.posts import PostForm
from projects.models import Post, Reaction, ResponseMode, TopicPage
from projects.services.polls import PollState, poll_state

POSTS_PER_PAGE = 50
AUTHOR_FIELDS_NOT_SHOWN = [
    f"author__{name}" for name in ("password", "last_login", "last_name", "email", "date_joined")
]


def topic_serve_guard(request: HttpRequest, topic: TopicPage) -> HttpResponse | None:
    """Visitors log in first; a topic outside the reader's audience does not exist for them."""
    if getattr(request, "is_preview", False):
        return None  # only editors in the admin reach a preview
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not rules.can_view_topic(request.user, topic):
        raise Http404
    return None


def cursor_parse(value: str | None) -> tuple[datetime.datetime, int] | None:
    """`?after=<created_at in microseconds since 1970>,<id>`; anything else means page one."""
    try:
        micros, pk = (int(part) for part in (value or "").split(","))
        moment = datetime.datetime.fromtimestamp(micros / 1_000_000, tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return moment, pk


def cursor_for(post: Post) -> str:
    micros = int(post.created_at.timestamp()) * 1_000_000 + post.created_at.microsecond
    return f"{micros},{post.pk}"


def _with_reactions(posts, user):
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
        .annotate(
            reaction_count=Coalesce(Subquery(reaction_count, output_field=IntegerField()), 0),
            reacted=Exists(Reaction.objects.filter(post=OuterRef("pk"), user_id=user.pk)),
        )
    )


def topic_posts(
    user, topic: TopicPage, after: str | None = None, answered: bool | None = None
) -> tuple[list[Post], str]:
    """One page of the answers this user may see, oldest first, with their visible replies.

    Keyset pagination on (created_at, id): page 100 costs what page 1 costs. Returns the
    posts and the cursor of the next page ("" on the last).
    """
    visible = Post.objects.visible_to(user, topic=topic, answered=answered)
    replies = _with_reactions(visible, user).order_by("created_at", "pk")
    answers = _with_reactions(visible.filter(parent__isnull=True), user).prefetch_related(
        Prefetch("replies", queryset=replies, to_attr="visible_replies")
    )
    cursor = cursor_parse(after)
    if cursor:
        moment, pk = cursor
        answers = answers.filter(Q(created_at__gt=moment) | Q(created_at=moment, pk__gt=pk))
    posts = list(answers.order_by("created_at", "pk")[: POSTS_PER_PAGE + 1])
    next_cursor = cursor_for(posts[POSTS_PER_PAGE - 1]) if len(posts) > POSTS_PER_PAGE else ""
    return posts[:POSTS_PER_PAGE], next_cursor


def _role_label(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return ""


def _url_for_each_post(name: str) -> Callable[[int], str]:
    """reverse() costs tens of microseconds and a page of 100 posts needs 400 addresses:
    reverse once with a stand-in id, then put each post's id in its place."""
    stand_in = "987654321987"
    head, tail = reverse(name, args=[int(stand_in)]).split(stand_in)
    return lambda pk: f"{head}{pk}{tail}"


class PostDecorator:
    """What the thread template needs about each post, answered in Python once per post so
    that rendering is plain output: permissions, addresses and the time as shown."""

    def __init__(self, user, topic: TopicPage) -> None:
        self.user = user
        self.topic = topic
        self.urls = {
            name: _url_for_each_post(name)
            for name in ("post_react", "post_edit", "post_delete", "post_flag")
        }
        self.reply_url = _url_for_each_post("post_reply")
        self.probe_url = _url_for_each_post("post_probe")
        # The "j F Y, H:i" date format, with the month names of the active language.
        self.months = ["", *(str(MONTHS[number]) for number in range(1, 13))]

    def __call__(self, post: Post) -> None:
        user = self.user
        post.topic = self.topic
        post._visible_to_user_id = user.pk
        post.html_id = f"post-{post.pk}"
        post.reply_field_id = f"reply-{post.pk}"
        post.role_label = _role_label(post.author_role)
        post.is_own = post.author_id == user.pk
        post.may_edit = rules.can_edit_post(user, post)
        post.may_delete = rules.can_delete_post(user, post)
        post.may_react = rules.can_react(user, post)
        post.may_flag = rules.can_flag(user, post)
        post.may_reply = rules.can_reply(user, post)
        post.may_probe = rules.can_probe(user, post)
        local = timezone.localtime(post.created_at)
        post.created_iso = local.isoformat()
        post.created_display = f"{local.day} {self.months[local.month]} {local.year}, {local:%H:%M}"
        post.url = {name: url(post.pk) for name, url in self.urls.items()}
        if post.may_probe:
            post.url["answer"] = self.probe_url(post.pk)
        elif post.may_reply:
            post.url["answer"] = self.reply_url(post.pk)
        post.reactions_text = ""
        if post.reaction_count and not post.may_react:
            post.reactions_text = ngettext(
                "%(count)s parent recognises this",
                "%(count)s parents recognise this",
                post.reaction_count,
            ) % {"count": post.reaction_count}


def topic_context(
    request: HttpRequest,
    topic: TopicPage,
    *,
    answer_form: PostForm | None = None,
    reply_form: PostForm | None = None,
    reply_to: int | None = None,
    **kwargs,
) -> dict:
    """Everything the topic template shows, evaluated here so rendering runs no queries."""
    user = request.user
    if getattr(request, "is_preview", False):
        return topic_preview_context(topic)
    project = topic.project
    mode = topic.response_mode
    is_staff = user.is_staff_member
    writable = rules.topic_is_writable(topic)
    may_post = rules.can_post(user, topic)
    has_answered = (
        Post.objects.answered_by(user, topic)
        if mode == ResponseMode.ANSWER_FIRST and not is_staff
        else True
    )
    posts, next_cursor = topic_posts(user, topic, request.GET.get("after"), has_answered)
    decorate = PostDecorator(user, topic)
    for post in posts:
        decorate(post)
        for reply in post.visible_replies:
            reply.parent = post
            decorate(reply)
    return {
        "project": project,
        "posts": posts,
        "next_cursor": next_cursor,
        "is_first_page": cursor_parse(request.GET.get("after")) is None,
        "writable": writable,
        "project_closed": not project.is_open,
        "topic_expired": rules.topic_is_expired(topic),
        "may_post": may_post,
        "may_answer": may_post and mode != ResponseMode.POLL,
        "answer_first_waiting": mode == ResponseMode.ANSWER_FIRST and not has_answered,
        "private_notice": mode == ResponseMode.PRIVATE and not is_staff,
        "is_staff": is_staff,
        "answer_form": answer_form or PostForm(auto_id="id_answer_%s"),
        "reply_form": reply_form,
        "reply_to": reply_to,
        "poll": poll_with_form(request, topic) if mode == ResponseMode.POLL else None,
        "now": timezone.now(),
    }


def poll_with_form(request: HttpRequest, topic: TopicPage) -> PollState:
    """The poll block's data, with an empty vote form when the member may still vote."""
    state = poll_state(user=request.user, topic=topic)
    state.form = PollVoteForm(topic=topic, options=state.options) if state.may_vote else None
    return state


def topic_page_again(request: HttpRequest, topic: TopicPage, **context) -> TemplateResponse:
    """The topic page once more, with a form that holds errors (status 400, what was typed
    kept): the answer, reply or vote form comes in `context`."""
    page_context = topic.get_context(request, **context)
    page_context.update(context)
    return TemplateResponse(request, topic.get_template(request), page_context, status=400)


def topic_preview_context(topic: TopicPage) -> dict:
    """A researcher's preview in the admin, as a parent who has not answered yet sees the
    topic: the question, the notices of its response mode, and the answer box or the poll,
    which cannot be sent. Other people's posts are left out. The topic may not be saved yet
    (its options then exist only in the form), so nothing here asks the database about it."""
    mode = topic.response_mode
    poll = None
    if mode == ResponseMode.POLL:
        options = list(topic.poll_options.all())
        poll = PollState(
            topic=topic, options=options, voters=0, own_option_ids=set(), may_vote=True
        )
        poll.form = PollVoteForm(topic=topic, options=options)
    return {
        "project": topic.project,
        "posts": [],
        "is_preview": True,
        "project_closed": not topic.project.is_open,
        "topic_expired": rules.topic_is_expired(topic),
        "may_answer": mode != ResponseMode.POLL,
        "answer_first_waiting": mode == ResponseMode.ANSWER_FIRST,
        "private_notice": mode == ResponseMode.PRIVATE,
        "answer_form": PostForm(auto_id="id_answer_%s"),
        "poll": poll,
    }
