"""Form targets on the topic page: answer, reply, follow-up question, edit, delete, react.

Each view checks the predicate from projects.rules, lets the service write, and goes back to
the post on the topic page. Bad input shows the topic page again with the message at the
field and the text kept. A new post's form carries a one-time key (projects.submission): sent
twice, it makes one post and the same page comes back.
"""

import functools
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from projects import rules
from projects.forms.posts import PostCreateForm, PostForm
from projects.models import HoldReason, Post, PostStatus, TopicPage
from projects.services.posts import (
    post_create,
    post_delete,
    post_edit,
    probe_create,
    reaction_set,
    reaction_toggle,
)
from projects.topic_page import topic_page_again


def _topic_or_404(user, pk: int) -> TopicPage:
    topic = get_object_or_404(TopicPage, pk=pk)
    if not rules.can_view_topic(user, topic):
        raise Http404
    return topic


def post_or_404(user, pk: int) -> Post:
    """A post the user may read in a topic they may see; anything else does not exist."""
    post = get_object_or_404(Post.objects.visible_to(user).select_related("topic", "author"), pk=pk)
    if not rules.can_view_topic(user, post.topic):
        raise Http404
    post._visible_to_user_id = user.pk
    return post


def _topic_url(topic: TopicPage, anchor: str = "") -> str:
    return f"{topic.get_url() or '/'}{anchor}"


def _post_url(post: Post) -> str:
    return _topic_url(post.topic, f"#post-{post.pk}")


def form_target(url_of: Callable[..., str]):
    """A form target on the topic page: POST does the work; GET (reloading or bookmarking the
    page a form error left in the address bar, or switching its language) goes to where the
    form is, never a blank 405. `url_of(request, **url_kwargs)` finds that address and
    raises Http404 where the reader may not look."""

    def decorate(view):
        @functools.wraps(view)
        @require_http_methods(["GET", "POST"])
        def wrapped(request: HttpRequest, **kwargs) -> HttpResponse:
            if request.method == "GET":
                return HttpResponseRedirect(url_of(request, **kwargs))
            return view(request, **kwargs)

        return wrapped

    return decorate


def topic_address(request: HttpRequest, topic_id: int) -> str:
    return _topic_url(_topic_or_404(request.user, topic_id))


def post_address(request: HttpRequest, pk: int) -> str:
    return _post_url(post_or_404(request.user, pk))


def _held_message(request: HttpRequest, post: Post) -> None:
    if post.status != PostStatus.PENDING:
        messages.success(request, _("Thank you, your post is online."))
    elif post.held_for == HoldReason.PERSONAL_DATA:
        messages.warning(
            request,
            _(
                "Your post waits for a moderator: it seems to hold an e-mail address or phone "
                "number. To protect your privacy (and others'), a moderator checks it first. "
                "You can edit it and leave them out."
            ),
        )
    else:
        messages.info(
            request,
            _("Thank you. A moderator reads every post in this project before others see it."),
        )


def _errors_to_form(form: PostForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error("text" if field in ("text", "body") else None, errors)
    else:
        form.add_error(None, error.messages)


def _write(
    request: HttpRequest, form: PostForm, write: Callable[[str], Post]
) -> HttpResponse | None:
    """Let the service write the form's text; on success tell the author and go to the post,
    otherwise put the service's refusal on the form (None: show the form again).

    A form sent twice gets the same post back from the service, so the same message and
    address as the first time."""
    try:
        post = write(form.cleaned_data["text"])
    except ValidationError as error:
        _errors_to_form(form, error)
        return None
    _held_message(request, post)
    return HttpResponseRedirect(_post_url(post))


@login_required
@form_target(topic_address)
def post_answer(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = _topic_or_404(request.user, topic_id)
    if not rules.can_post(request.user, topic):
        raise PermissionDenied
    form = PostCreateForm(request.POST, auto_id="id_answer_%s")
    if form.is_valid():
        key = form.cleaned_data["submission_key"]
        written = _write(
            request,
            form,
            lambda text: post_create(
                author=request.user, topic=topic, text=text, submission_key=key
            ),
        )
        if written:
            return written
    return topic_page_again(request, topic, answer_form=form)


def _reply(request: HttpRequest, pk: int, *, probe: bool) -> HttpResponse:
    parent = post_or_404(request.user, pk)
    allowed = rules.can_probe if probe else rules.can_reply
    if not allowed(request.user, parent):
        raise PermissionDenied
    form = PostCreateForm(request.POST, auto_id=f"id_reply_{parent.pk}_%s", label=_("Your reply"))
    if form.is_valid():
        key = form.cleaned_data["submission_key"]

        def write(text: str) -> Post:
            if probe:
                return probe_create(author=request.user, post=parent, text=text, submission_key=key)
            return post_create(
                author=request.user,
                topic=parent.topic,
                text=text,
                parent=parent,
                submission_key=key,
            )

        written = _write(request, form, write)
        if written:
            return written
    return topic_page_again(request, parent.topic, reply_form=form, reply_to=parent.pk)


@login_required
@form_target(post_address)
def post_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _reply(request, pk, probe=False)


@login_required
@form_target(post_address)
def post_probe(request: HttpRequest, pk: int) -> HttpResponse:
    return _reply(request, pk, probe=True)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    post = post_or_404(request.user, pk)
    if not rules.can_edit_post(request.user, post):
        raise PermissionDenied
    form = PostForm(request.POST or None, initial={"text": post.text})
    if request.method == "POST" and form.is_valid():
        written = _write(
            request, form, lambda text: post_edit(user=request.user, post=post, text=text)
        )
        if written:
            return written
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/post_edit.html", {"form": form, "post": post}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def post_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    post = post_or_404(request.user, pk)
    if not rules.can_delete_post(request.user, post):
        raise PermissionDenied
    if request.method == "POST":
        topic = post.topic
        anchor = f"#post-{post.parent_id}" if post.parent_id else ""
        deleted = post_delete(user=request.user, post=post)
        messages.success(request, _("Your post is deleted."))
        if not deleted:
            anchor = f"#post-{post.pk}"
        return HttpResponseRedirect(_topic_url(topic, anchor))
    return render(request, "projects/post_delete.html", {"post": post})


@login_required
@form_target(post_address)
def post_react(request: HttpRequest, pk: int) -> HttpResponse:
    post = post_or_404(request.user, pk)
    if not rules.can_react(request.user, post):
        raise PermissionDenied
    wanted = request.POST.get("on")
    if wanted in ("0", "1"):
        reaction_set(user=request.user, post=post, on=wanted == "1")
    else:
        # A form from a page opened before the forms said which state they want.
        reaction_toggle(user=request.user, post=post)
    return HttpResponseRedirect(_post_url(post))
