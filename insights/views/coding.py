"""The coding view of a topic in the Wagtail admin: every post as plain text, the codes to
apply and the excerpts coded so far (outside blind rounds, which have their own view).

Without JavaScript each post's form codes the whole post; static/js/insights_coding.js fills
the form's start and end when a passage is selected. The page costs the same number of
queries whatever the number of posts and excerpts.
"""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from insights.models import Code, Coding, Excerpt
from insights.models.coding import MEMO_MAX_LENGTH
from insights.rules import can_code
from insights.services.coding import (
    coding_remove,
    excerpt_code,
    excerpt_delete,
    excerpt_memo_update,
)
from projects.models import Post, PostStatus, TopicPage
from projects.post_text import post_plain_text


class CodingAction:
    CODE = "code"
    UNCODE = "uncode"
    DELETE = "delete"
    MEMO = "memo"


class ExcerptCodeForm(forms.Form):
    """Codes for a post: the whole post, or the passage from start to end of its plain text.

    The service checks the codes, offsets and memo; `quote` is the passage as the browser
    showed it, to notice a post that changed since the page was loaded.
    """

    post = forms.IntegerField(widget=forms.HiddenInput)
    start = forms.IntegerField(required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, widget=forms.HiddenInput)
    quote = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    codes = forms.ModelMultipleChoiceField(queryset=Code.objects.all(), required=False)
    memo = forms.CharField(required=False)


def _rows(text: str) -> int:
    """Enough rows of the read-only text box to show a post without scrolling."""
    return max(2, min(20, sum(1 + len(line) // 90 for line in text.split("\n"))))


@dataclass
class CodeGroup:
    code: Code | None
    children: list[Code] = field(default_factory=list)


def code_groups(codes: list[Code]) -> list[CodeGroup]:
    """Main codes with the codes under them; a code whose main code is not offered (archived)
    stands on its own."""
    by_pk = {code.pk: code for code in codes}
    groups = {code.pk: CodeGroup(code) for code in codes if code.parent_id is None}
    loose: list[CodeGroup] = []
    for code in codes:
        if code.parent_id is None:
            continue
        if code.parent_id in by_pk:
            groups[code.parent_id].children.append(code)
        else:
            loose.append(CodeGroup(code))
    ordered = sorted([*groups.values(), *loose], key=lambda group: group.code.localized_name)
    for group in ordered:
        group.children.sort(key=lambda code: code.localized_name)
    return ordered


def topic_coding_posts(topic: TopicPage) -> list[Post]:
    """The topic's answers, oldest first, each with `.reply_list` under it, its `.plain` text
    and its `.excerpt_list` (outside blind rounds) with codings and codes: three queries."""
    codings = Coding.objects.select_related("code").order_by("code__name", "pk")
    excerpts = (
        Excerpt.objects.filter(coding_round__isnull=True)
        .select_related("coder")
        .prefetch_related(Prefetch("codings", queryset=codings, to_attr="coding_list"))
        .order_by("start", "end", "pk")
    )
    posts = list(
        Post.objects.filter(topic=topic)
        .select_related("author")
        .prefetch_related(Prefetch("excerpts", queryset=excerpts, to_attr="excerpt_list"))
        .order_by("created_at", "pk")
    )
    replies: dict[int, list[Post]] = {}
    for post in posts:
        post.plain = post_plain_text(post.body)
        post.rows = _rows(post.plain)
        post.reply_list = []
        if post.parent_id is not None:
            replies.setdefault(post.parent_id, []).append(post)
    answers = [post for post in posts if post.parent_id is None]
    for answer in answers:
        answer.reply_list = replies.get(answer.pk, [])
    return answers


class TopicCodingView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "insights/coding/topic_coding.html"
    header_icon = "tag"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_code(request.user):
            raise PermissionDenied
        self.topic = get_object_or_404(TopicPage, pk=kwargs["topic_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return gettext("Coding: %(topic)s") % {"topic": self.topic.localized_title}

    def get_breadcrumbs_items(self) -> list[dict]:
        return [
            *super().get_breadcrumbs_items()[:1],
            {
                "url": reverse("wagtailadmin_explore", args=[self.topic.pk]),
                "label": self.topic.localized_title,
            },
            {"url": "", "label": gettext("Coding")},
        ]

    def _url(self, anchor: str = "") -> str:
        url = reverse("insights_topic_coding", args=[self.topic.pk])
        return f"{url}#{anchor}" if anchor else url

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action")
        if action == CodingAction.CODE:
            return self._code(request)
        if action == CodingAction.UNCODE:
            coding = get_object_or_404(
                Coding.objects.select_related("excerpt", "code"),
                pk=request.POST.get("coding") or 0,
                excerpt__topic=self.topic,
                excerpt__coding_round__isnull=True,
            )
            coding_remove(user=request.user, coding=coding)
            messages.success(
                request,
                gettext("The code “%(code)s” is taken off the passage.")
                % {"code": coding.code.localized_name},
            )
            return HttpResponseRedirect(self._url(f"post-{coding.excerpt.post_id}"))
        excerpt = get_object_or_404(
            Excerpt,
            pk=request.POST.get("excerpt") or 0,
            topic=self.topic,
            coding_round__isnull=True,
        )
        if action == CodingAction.DELETE:
            excerpt_delete(user=request.user, excerpt=excerpt)
            messages.success(request, gettext("The excerpt is deleted."))
            return HttpResponseRedirect(self._url(f"post-{excerpt.post_id}"))
        if action == CodingAction.MEMO:
            try:
                excerpt_memo_update(
                    user=request.user, excerpt=excerpt, memo=request.POST.get("memo", "")
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, gettext("The memo is saved."))
            return HttpResponseRedirect(self._url(f"excerpt-{excerpt.pk}"))
        return HttpResponse(status=400)

    def _code(self, request: HttpRequest) -> HttpResponse:
        form = ExcerptCodeForm(request.POST)
        if form.is_valid():
            post = get_object_or_404(Post, pk=form.cleaned_data["post"], topic=self.topic)
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            quote = form.cleaned_data["quote"]
            shown = post_plain_text(post.body)[max(start or 0, 0) : max(end or 0, 0)]
            if start is not None and end is not None and quote and shown != quote:
                form.add_error(
                    None,
                    gettext(
                        "The post changed since this page was loaded. "
                        "Look at it again and select the passage anew."
                    ),
                )
            if form.is_valid():
                try:
                    excerpt_code(
                        coder=request.user,
                        post=post,
                        start=start,
                        end=end,
                        codes=form.cleaned_data["codes"],
                        memo=form.cleaned_data["memo"],
                    )
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    messages.success(request, gettext("The passage is coded."))
                    return HttpResponseRedirect(self._url(f"post-{post.pk}"))
        return self.render_to_response(self.get_context_data(failed_form=form), status=400)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        project = self.topic.project
        codes = list(Code.objects.active().for_project(project.pk).order_by("name", "pk"))
        failed_form = kwargs.get("failed_form")
        failed_post = str(failed_form.data.get("post")) if failed_form is not None else None
        failed_codes = set(failed_form.data.getlist("codes")) if failed_form is not None else set()
        answers = topic_coding_posts(self.topic)
        for answer in answers:
            for post in [answer, *answer.reply_list]:
                post.failed_form = failed_form if str(post.pk) == failed_post else None
        context.update(
            {
                "topic": self.topic,
                "project": project,
                "answers": answers,
                "code_groups": code_groups(codes),
                "failed_codes": failed_codes,
                "statuses": PostStatus,
                "actions": CodingAction,
                "memo_max_length": MEMO_MAX_LENGTH,
            }
        )
        return context


topic_coding = TopicCodingView.as_view()
