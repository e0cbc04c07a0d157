"""Insights and actions in the Wagtail admin: an insight with its evidence, status history
and actions, and the edit form that refuses a save based on an older version. Community
staff only (insights.rules). The board and the printable report have their own modules."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insights.models import (
    Action,
    ActionStatus,
    Code,
    Excerpt,
    Insight,
    InsightEvidence,
    InsightStatus,
    InsightStatusChange,
)
from insights.models.insights import TEXT_MAX_LENGTH
from insights.rules import can_edit_insights
from insights.services.insights import (
    ACTION_TRANSITIONS,
    INSIGHT_STATUSES_WITH_ACTIONS,
    INSIGHT_TRANSITIONS,
    InsightConflict,
    action_create,
    action_entry_add,
    action_status_change,
    action_update,
    insight_create,
    insight_evidence_add,
    insight_evidence_remove,
    insight_status_change,
    insight_update,
)
from projects.models import ProjectPage, TopicPage

# The evidence picker shows at most this many excerpts; filters narrow it down.
EXCERPT_CHOICES_LIMIT = 50


def staff_only(request: HttpRequest) -> None:
    if not can_edit_insights(request.user):
        raise PermissionDenied


# --- forms ---


class InsightForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"), queryset=ProjectPage.objects.order_by("title")
    )

    class Meta:
        model = Insight
        fields = ["title", "finding", "recommended_action", "owner_team", "priority", "projects"]

    def _post_clean(self) -> None:
        # The service validates the insight; the form only checks what was typed.
        pass


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    comment = forms.CharField(
        label=_("Comment (the reason, when you reject)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = choices


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "description", "owner", "due_date", "progress"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def _post_clean(self) -> None:
        pass


class ActionStatusForm(StatusForm):
    reason = forms.CharField(
        label=_("Why dropped"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ActionEntryForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(
        label=_("What happened"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _choices(status_class: type, transitions: dict, status: str) -> list[tuple[str, str]]:
    return [(value, label) for value, label in status_class.choices if value in transitions[status]]


def _errors_to_form(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- one insight ---


def _insight_for_page(insight_id: int) -> Insight:
    evidence = InsightEvidence.objects.select_related(
        "excerpt__post", "excerpt__topic"
    ).prefetch_related("excerpt__codes")
    return get_object_or_404(
        Insight.objects.select_related("created_by", "updated_by").prefetch_related(
            "projects",
            Prefetch("evidence_links", queryset=evidence.order_by("added_at", "pk")),
            Prefetch(
                "status_changes",
                queryset=InsightStatusChange.objects.select_related("changed_by"),
            ),
            Prefetch("actions", queryset=Action.objects.prefetch_related("entries")),
        ),
        pk=insight_id,
    )


def _excerpt_choices(request: HttpRequest, insight: Insight) -> tuple[QuerySet, dict]:
    """Excerpts of the insight's projects that are not evidence yet, filtered by topic and
    code, with the topics and codes to filter by."""
    project_ids = [project.pk for project in insight.projects.all()]
    excerpts = (
        Excerpt.objects.filter(project_id__in=project_ids, coding_round__isnull=True)
        .exclude(evidence_links__insight=insight)
        .select_related("post", "topic")
        .prefetch_related("codes")
        .order_by("-created_at", "-pk")
    )
    topic = request.GET.get("topic", "")
    code = request.GET.get("code", "")
    if topic.isdigit():
        excerpts = excerpts.filter(topic_id=topic)
    if code.isdigit():
        excerpts = excerpts.filter(codes=code)
    filters = {
        "topics": TopicPage.objects.filter(excerpts__project_id__in=project_ids)
        .distinct()
        .order_by("title"),
        "codes": Code.objects.filter(excerpts__project_id__in=project_ids)
        .distinct()
        .order_by("name"),
        "topic": topic,
        "code": code,
    }
    return excerpts[:EXCERPT_CHOICES_LIMIT], filters


def _insight_page(
    request: HttpRequest, insight: Insight, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    excerpts, filters = _excerpt_choices(request, insight)
    failed_action = forms_.pop("failed_action", None)
    for action in insight.actions.all():
        if failed_action is not None and failed_action[0] == action.pk:
            action.failed_form = failed_action[1]
        action.next_statuses = _choices(ActionStatus, ACTION_TRANSITIONS, action.status)
    context = {
        "insight": insight,
        "status_form": StatusForm(
            choices=_choices(InsightStatus, INSIGHT_TRANSITIONS, insight.status)
        ),
        "can_have_actions": insight.status in INSIGHT_STATUSES_WITH_ACTIONS,
        "excerpts": excerpts,
        "excerpt_filters": filters,
        "action_statuses": ActionStatus,
        **forms_,
    }
    return render(request, "insights/insights/insight_detail.html", context, status=status)


@require_GET
def admin_insight_detail(request: HttpRequest, insight_id: int) -> HttpResponse:
    staff_only(request)
    return _insight_page(request, _insight_for_page(insight_id))


@require_http_methods(["GET", "POST"])
def admin_insight_create(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    form = InsightForm(request.POST or None, initial={"projects": request.GET.getlist("project")})
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        try:
            insight = insight_create(user=request.user, **data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, gettext("The insight is saved as a draft."))
            return HttpResponseRedirect(reverse("insights_insight_detail", args=[insight.pk]))
    return render(
        request,
        "insights/insights/insight_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def admin_insight_edit(request: HttpRequest, insight_id: int) -> HttpResponse:
    """Edit an insight. The form carries the version it was loaded with: when someone saved
    meanwhile the save is refused and both texts are shown (theirs as saved, yours in the
    form, now based on their version so that saving again is a conscious choice)."""
    staff_only(request)
    insight = get_object_or_404(Insight.objects.prefetch_related("projects"), pk=insight_id)
    theirs = None
    if request.method == "POST":
        form = InsightForm(request.POST, instance=insight)
        if form.is_valid():
            data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
            try:
                insight_update(
                    user=request.user,
                    insight=insight,
                    version=form.cleaned_data["version"] or 0,
                    **data,
                )
            except InsightConflict as conflict:
                theirs = conflict.current
                form.add_error(None, conflict.message)
                form.data = form.data.copy()
                form.data["version"] = theirs.version
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, gettext("The insight is saved."))
                return HttpResponseRedirect(reverse("insights_insight_detail", args=[insight.pk]))
        status = 409 if theirs is not None else 400
    else:
        form = InsightForm(instance=insight, initial={"version": insight.version})
        status = 200
    return render(
        request,
        "insights/insights/insight_form.html",
        {"form": form, "insight": insight, "theirs": theirs},
        status=status,
    )


@require_POST
def admin_insight_status(request: HttpRequest, insight_id: int) -> HttpResponse:
    staff_only(request)
    insight = get_object_or_404(Insight, pk=insight_id)
    form = StatusForm(
        request.POST, choices=[(value, label) for value, label in InsightStatus.choices]
    )
    if form.is_valid():
        try:
            insight_status_change(user=request.user, insight=insight, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request,
                gettext("The insight is now “%(status)s”.")
                % {"status": insight.get_status_display()},
            )
            return HttpResponseRedirect(reverse("insights_insight_detail", args=[insight.pk]))
    # Show the form again with the typed comment, offering only the allowed statuses.
    insight = _insight_for_page(insight_id)
    form.fields["to_status"].choices = _choices(InsightStatus, INSIGHT_TRANSITIONS, insight.status)
    return _insight_page(request, insight, status=400, status_form=form)


@require_POST
def admin_insight_evidence_add(request: HttpRequest, insight_id: int) -> HttpResponse:
    staff_only(request)
    insight = get_object_or_404(Insight, pk=insight_id)
    excerpt_id = request.POST.get("excerpt", "")
    excerpt = get_object_or_404(Excerpt, pk=excerpt_id) if excerpt_id.isdigit() else None
    try:
        if excerpt is None:
            raise ValidationError(gettext("Choose an excerpt."))
        insight_evidence_add(user=request.user, insight=insight, excerpt=excerpt)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("The excerpt is added as evidence."))
    return HttpResponseRedirect(reverse("insights_insight_detail", args=[insight.pk]))


@require_POST
def admin_insight_evidence_remove(
    request: HttpRequest, insight_id: int, excerpt_id: int
) -> HttpResponse:
    staff_only(request)
    insight = get_object_or_404(Insight, pk=insight_id)
    excerpt = get_object_or_404(Excerpt, pk=excerpt_id)
    try:
        insight_evidence_remove(user=request.user, insight=insight, excerpt=excerpt)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("The excerpt is no longer evidence."))
    return HttpResponseRedirect(reverse("insights_insight_detail", args=[insight.pk]))


# --- actions ---


@require_http_methods(["GET", "POST"])
def admin_action_form(
    request: HttpRequest, insight_id: int | None = None, action_id: int | None = None
) -> HttpResponse:
    """Add an action to an accepted insight, or change one."""
    staff_only(request)
    action = get_object_or_404(Action, pk=action_id, insight__isnull=False) if action_id else None
    insight = action.insight if action else get_object_or_404(Insight, pk=insight_id)
    form = ActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            if action is None:
                action_create(user=request.user, insight=insight, **form.cleaned_data)
            else:
                action_update(user=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, gettext("The action is saved."))
            return HttpResponseRedirect(reverse("insights_insight_detail", args=[insight.pk]))
    return render(
        request,
        "insights/insights/action_form.html",
        {"form": form, "insight": insight, "action": action},
        status=400 if form.is_bound else 200,
    )


@require_POST
def admin_action_status(request: HttpRequest, action_id: int) -> HttpResponse:
    staff_only(request)
    action = get_object_or_404(Action, pk=action_id, insight__isnull=False)
    form = ActionStatusForm(request.POST, choices=ActionStatus.choices)
    if form.is_valid():
        try:
            action_status_change(user=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request,
                gettext("The action is now “%(status)s”.")
                % {"status": action.get_status_display()},
            )
            return HttpResponseRedirect(
                reverse("insights_insight_detail", args=[action.insight_id])
            )
    return _insight_page(
        request,
        _insight_for_page(action.insight_id),
        status=400,
        failed_action=(action.pk, form),
    )


@require_POST
def admin_action_entry(request: HttpRequest, action_id: int) -> HttpResponse:
    staff_only(request)
    action = get_object_or_404(Action, pk=action_id, insight__isnull=False)
    form = ActionEntryForm(request.POST)
    if form.is_valid():
        try:
            action_entry_add(user=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, gettext("The entry is added to the timeline."))
            return HttpResponseRedirect(
                reverse("insights_insight_detail", args=[action.insight_id])
            )
    return _insight_page(
        request,
        _insight_for_page(action.insight_id),
        status=400,
        failed_action=(action.pk, form),
    )
