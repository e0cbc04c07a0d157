"""The topic page: the question, the posts this reader may see, and the forms they may use.

Wagtail serves the page (TopicPage.serve / get_context call in here). The thread comes from
projects.thread, rendered for every member who reads the same posts or for this reader alone,
so the page costs the same number of queries for 5 or 500 posts and the template none.

The page around a shared thread is the same for all of those readers as well, so it is
rendered once for them and kept like the thread (projects.renderings), with holes for what is
each reader's own: the form token, the answer box's one-time key (projects.submission) and
the thread with their footers. Such a page is kept under everything the template shows that
can differ between them (_PAGE_KEY_FLAGS, language, address, the page tree's generation,
unread notifications). Anything else personal must not go into topic_page.html or the
layout.
"""

import functools
import hashlib
import re

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from config.versions import code_fingerprint
from projects import rules
from projects.forms.polls import PollVoteForm
from projects.forms.posts import PostCreateForm, PostForm
from projects.models import ResponseMode, TopicPage
from projects.renderings import Renderings, indentation_removed
from projects.routing import tree_generation
from projects.services.polls import PollState, poll_state
from projects.submission import SUBMISSION_KEY_MARK, submission_keys_fill
from projects.thread import cursor_parse, standing_for, thread_for, thread_tokens


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
    reader = rules.TopicReader(user, topic)
    is_staff = reader.is_staff
    may_post = reader.may_post
    has_answered = True
    shared = False
    reacted: set[int] = set()
    if is_staff:
        tokens = thread_tokens(topic.pk)
    else:
        # A member reads the rendering shared by all who see just the published posts,
        # unless a post of their own waits for a moderator or was hidden (they see it, with
        # its status), or the topic is private or waits for their answer.
        standing, tokens = standing_for(user, topic)
        if mode == ResponseMode.ANSWER_FIRST:
            has_answered = standing.answered
        shared = standing.all_published and has_answered and mode != ResponseMode.PRIVATE
        reacted = standing.reacted
    thread, next_cursor = thread_for(
        request,
        topic,
        reader,
        shared=shared,
        answered=has_answered,
        reacted=reacted,
        tokens=tokens,
        reply_to=reply_to,
        reply_form=reply_form,
    )
    return {
        "project": project,
        "shared": shared,
        "thread": thread,
        "next_cursor": next_cursor,
        "is_first_page": cursor_parse(request.GET.get("after")) is None,
        "writable": reader.writable,
        "project_closed": not project.is_open,
        "topic_expired": rules.topic_is_expired(topic),
        "may_post": may_post,
        "may_answer": may_post and mode != ResponseMode.POLL,
        "answer_first_waiting": mode == ResponseMode.ANSWER_FIRST and not has_answered,
        "private_notice": mode == ResponseMode.PRIVATE and not is_staff,
        "is_staff": is_staff,
        "answer_fields": answer_fields(answer_form),
        "reply_form": reply_form,
        "reply_to": reply_to,
        "poll": poll_with_form(request, topic) if mode == ResponseMode.POLL else None,
        "now": timezone.now(),
    }


# What the topic template shows that can differ between readers of the shared thread.
_PAGE_KEY_FLAGS = (
    "next_cursor",
    "is_first_page",
    "writable",
    "project_closed",
    "topic_expired",
    "may_post",
    "may_answer",
    "answer_first_waiting",
    "private_notice",
    "is_staff",
)
_PAGE_HOLES = re.compile("\x00(csrf|thread)\x00")
_pages = Renderings(kept_in_process=64)


def topic_page_response(
    request: HttpRequest, topic: TopicPage, template: str, context: dict
) -> HttpResponse:
    """The topic page: kept for every reader of the shared thread (see the module's
    docstring) when nothing else on it is theirs alone (a poll, a message), else rendered."""
    user = request.user
    unread = getattr(user, "unread_notification_count", None)
    generation = tree_generation(request)
    if (
        not context.get("shared")
        or user.is_staff_member  # their header differs (staff area, second-factor notice)
        or context["poll"] is not None
        or unread is None
        or generation is None
        or len(messages.get_messages(request))
    ):
        return TemplateResponse(request, template, context)
    varying = (
        generation,
        code_fingerprint(),
        get_language(),
        request.get_host(),
        request.path,
        template,
        unread,
        *(context[name] for name in _PAGE_KEY_FLAGS),
    )
    # Hashed: an address may be long or hold characters a cache key may not.
    digest = hashlib.sha256(repr(varying).encode()).hexdigest()
    key = f"topic-page:{topic.pk}:{digest}"
    parts = _pages.get(key, lambda: _page_with_holes(request, template, context))
    fills = {"csrf": get_token(request), "thread": context["thread"]}
    return HttpResponse(
        submission_keys_fill(
            "".join(part if index % 2 == 0 else fills[part] for index, part in enumerate(parts))
        )
    )


def _page_with_holes(request: HttpRequest, template: str, context: dict) -> list[str]:
    # Only pages without a form sent are kept, so the answer box is the empty one: with the
    # key's mark, filled for each reader above.
    html = render_to_string(
        template,
        {
            **context,
            "answer_fields": answer_fields(None, kept=True),
            "thread": mark_safe("\x00thread\x00"),
            "csrf_token": "\x00csrf\x00",
        },
        request,
    )
    return _PAGE_HOLES.split(indentation_removed(html))


def answer_fields(form: PostForm | None, *, kept: bool = False) -> SafeString:
    """The answer box: the form that was sent, with its errors, text and key, or the empty one
    with a fresh key (`kept`: with the key's mark, for a page kept for many readers)."""
    if form is not None:
        return render_to_string("components/form_fields.html", {"form": form})
    empty = _empty_answer_fields(get_language())
    return empty if kept else submission_keys_fill(empty)


@functools.lru_cache(maxsize=8)
def _empty_answer_fields(language: str) -> SafeString:
    # The same for every reader in a language, and a form renders through several templates:
    # rendered once per process and language.
    form = PostCreateForm(auto_id="id_answer_%s", initial={"submission_key": SUBMISSION_KEY_MARK})
    return render_to_string("components/form_fields.html", {"form": form})


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
        "thread": render_to_string(
            "projects/includes/topic_posts.html",
            {"posts": [], "answer_first_waiting": mode == ResponseMode.ANSWER_FIRST},
        ),
        "is_preview": True,
        "project_closed": not topic.project.is_open,
        "topic_expired": rules.topic_is_expired(topic),
        "may_answer": mode != ResponseMode.POLL,
        "answer_first_waiting": mode == ResponseMode.ANSWER_FIRST,
        "private_notice": mode == ResponseMode.PRIVATE,
        "answer_fields": answer_fields(None),
        "poll": poll,
    }
