"""The moderation queue in the Wagtail admin: moderators and administrators only.

"To review" lists posts waiting for approval and published posts with open flags, oldest
first (by when they entered the queue); "Hidden" lists hidden posts so they can be restored.
Each page of the list costs the same number of queries whatever its length.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from projects.models import Flag, ModerationAction, ModerationDecision, Post, PostStatus
from projects.services.moderation import (
    DECISION_TEXT_MAX_LENGTH,
    moderation_decide,
    user_can_moderate,
)

POSTS_PER_PAGE = 20


class QueueTab:
    REVIEW = "review"
    HIDDEN = "hidden"


def moderation_queue_posts(tab: str = QueueTab.REVIEW) -> QuerySet[Post]:
    """The posts a moderator works through, with everything the queue shows prefetched."""
    open_flags = Flag.objects.filter(post=OuterRef("pk"), resolved_at__isnull=True)
    posts = Post.objects.filter(removed_at__isnull=True)
    if tab == QueueTab.HIDDEN:
        posts = posts.filter(status=PostStatus.HIDDEN).order_by("-created_at", "-pk")
    else:
        posts = (
            posts.filter(
                Q(status=PostStatus.PENDING) | Q(Exists(open_flags), status=PostStatus.PUBLISHED)
            )
            .annotate(
                first_flag_at=Subquery(open_flags.order_by("created_at").values("created_at")[:1])
            )
            .annotate(
                queued_at=Case(
                    When(status=PostStatus.PENDING, then=F("created_at")),
                    default=F("first_flag_at"),
                )
            )
            .order_by("queued_at", "pk")
        )
    return posts.select_related(
        "topic", "project", "author", "parent", "parent__author"
    ).prefetch_related(
        Prefetch(
            "flags",
            queryset=Flag.objects.filter(resolved_at__isnull=True).order_by("created_at"),
            to_attr="open_flags",
        ),
        Prefetch(
            "decisions",
            queryset=ModerationDecision.objects.select_related("moderator"),
            to_attr="decision_list",
        ),
    )


class ModerationDecisionForm(forms.Form):
    """One decision about one post; which fields count depends on the action."""

    post = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=ModerationAction.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason, shown to the author"),
        required=False,
        max_length=DECISION_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("Note for the moderator team"),
        required=False,
        max_length=DECISION_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == ModerationAction.HIDE and not cleaned.get("reason", "").strip():
            self.add_error("reason", gettext("Tell the author why their post is hidden."))
        if action == ModerationAction.NOTE and not cleaned.get("note", "").strip():
            self.add_error("note", gettext("Write the note."))
        return cleaned


SUCCESS_MESSAGES = {
    ModerationAction.APPROVE: _("The post is approved and visible."),
    ModerationAction.HIDE: _("The post is hidden. The author can see why."),
    ModerationAction.RESTORE: _("The post is visible again."),
    ModerationAction.NOTE: _("Your note is saved. Only moderators can read it."),
}


class ModerationQueueView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "projects/admin/moderation_queue.html"
    page_title = _("Moderation")
    header_icon = "warning"
    breadcrumbs_items = [
        *WagtailAdminTemplateMixin.breadcrumbs_items,
        {"url": "", "label": _("Moderation")},
    ]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not user_can_moderate(request.user):
            raise PermissionDenied
        self.tab = (
            QueueTab.HIDDEN if request.GET.get("show") == QueueTab.HIDDEN else QueueTab.REVIEW
        )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ModerationDecisionForm(request.POST)
        post = None
        if form.is_valid():
            post = Post.objects.filter(pk=form.cleaned_data["post"]).first()
            if post is None:
                messages.error(request, gettext("This post no longer exists."))
                return HttpResponseRedirect(request.get_full_path())
            try:
                moderation_decide(
                    moderator=request.user,
                    post=post,
                    action=form.cleaned_data["action"],
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, SUCCESS_MESSAGES[form.cleaned_data["action"]])
                return HttpResponseRedirect(request.get_full_path())
        # Show the list again with the errors at the post's form and the typed text kept.
        return self.render_to_response(self.get_context_data(failed_form=form), status=400)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page: Page = Paginator(moderation_queue_posts(self.tab), POSTS_PER_PAGE).get_page(
            self.request.GET.get("p")
        )
        failed_form = kwargs.get("failed_form")
        failed_post = failed_form.data.get("post") if failed_form is not None else None
        for post in page.object_list:
            post.failed_form = failed_form if str(post.pk) == failed_post else None
        context.update(
            {
                "page": page,
                "tab": self.tab,
                "tabs": [
                    (QueueTab.REVIEW, gettext("To review"), reverse("moderation_queue")),
                    (
                        QueueTab.HIDDEN,
                        gettext("Hidden"),
                        f"{reverse('moderation_queue')}?show={QueueTab.HIDDEN}",
                    ),
                ],
                "actions": ModerationAction,
                "statuses": PostStatus,
                "reason_max_length": DECISION_TEXT_MAX_LENGTH,
            }
        )
        return context


moderation_queue = ModerationQueueView.as_view()
