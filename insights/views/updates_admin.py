"""Public updates in the Wagtail admin: write one from an accepted insight, pick the quotes
to publish, preview it on the site, publish it. Community staff only."""

import copy

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from insights.models import Excerpt, Insight, PublicUpdate
from insights.rules import can_write_updates
from insights.services.updates import (
    UPDATABLE_STATUSES,
    update_create,
    update_edit,
    update_publish,
    update_publishable_quotes,
)


class QuoteChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Excerpt) -> str:
        return f"“{obj.quote}”"


class PublicUpdateForm(forms.ModelForm):
    """The text of an update and the quotes picked from the insight's publishable evidence."""

    quotes = QuoteChoiceField(
        queryset=Excerpt.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=PublicUpdate._meta.get_field("quotes").verbose_name,
        help_text=PublicUpdate._meta.get_field("quotes").help_text,
    )

    class Meta:
        model = PublicUpdate
        fields = [
            "title",
            "title_en",
            "parents_said",
            "parents_said_en",
            "we_do",
            "we_do_en",
            "by_when",
        ]
        widgets = {
            "by_when": forms.DateInput(attrs={"type": "date"}),
            "parents_said": forms.Textarea(attrs={"rows": 4}),
            "parents_said_en": forms.Textarea(attrs={"rows": 4}),
            "we_do": forms.Textarea(attrs={"rows": 4}),
            "we_do_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, insight: Insight, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quotes"].queryset = update_publishable_quotes(insight=insight)
        self.fields["quotes"].help_text = gettext(
            "Only the quotes you tick are published, without the name of the parent."
        )
        if self.instance.pk and not self.is_bound:
            self.initial["quotes"] = list(self.instance.quotes.values_list("pk", flat=True))


def _require_writer(request: HttpRequest) -> None:
    if not can_write_updates(request.user):
        raise PermissionDenied


def admin_update_index(request: HttpRequest) -> HttpResponse:
    """Every update, drafts first, and the accepted insights an update can be written for."""
    _require_writer(request)
    updates = PublicUpdate.objects.select_related("insight").order_by(
        "-status", "-published_at", "-created_at", "-pk"
    )
    insights = (
        Insight.objects.filter(status__in=UPDATABLE_STATUSES)
        .annotate(update_count=Count("updates"))
        .order_by("-updated_at", "pk")
    )
    return render(
        request,
        "insights/updates/admin_index.html",
        {"updates": list(updates), "insights": list(insights)},
    )


def _form_error(form: PublicUpdateForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def admin_update_create(request: HttpRequest, insight_id: int) -> HttpResponse:
    _require_writer(request)
    insight = get_object_or_404(Insight, pk=insight_id)
    if insight.status not in UPDATABLE_STATUSES:
        messages.error(
            request, gettext("Write a public update only for an insight that was accepted.")
        )
        return HttpResponseRedirect(reverse("insights_admin_updates"))
    form = PublicUpdateForm(request.POST or None, insight=insight)
    if request.method == "POST" and form.is_valid():
        try:
            update = update_create(insight=insight, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, gettext("The update is saved as a draft. Preview it, then publish it.")
            )
            return HttpResponseRedirect(reverse("insights_admin_update_edit", args=[update.pk]))
    return render(
        request,
        "insights/updates/admin_form.html",
        {"form": form, "insight": insight, "update": None},
        status=400 if form.is_bound else 200,
    )


def admin_update_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_writer(request)
    update = get_object_or_404(PublicUpdate.objects.select_related("insight"), pk=pk)
    # The form fills its own copy: the service compares the saved update with the new text.
    form = PublicUpdateForm(
        request.POST or None, instance=copy.copy(update), insight=update.insight
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        quotes = fields.pop("quotes")
        try:
            update_edit(update=update, user=request.user, quotes=quotes, **fields)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, gettext("The update is saved."))
            return HttpResponseRedirect(reverse("insights_admin_update_edit", args=[update.pk]))
    return render(
        request,
        "insights/updates/admin_form.html",
        {"form": form, "insight": update.insight, "update": update},
        status=400 if form.is_bound else 200,
    )


@require_POST
def admin_update_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _require_writer(request)
    update = get_object_or_404(PublicUpdate.objects.select_related("insight"), pk=pk)
    try:
        published = update_publish(update=update, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if published:
            messages.success(
                request,
                gettext("The update is published. The parents whose words it uses are told."),
            )
        else:
            messages.info(request, gettext("This update was published already."))
    return HttpResponseRedirect(reverse("insights_admin_update_edit", args=[update.pk]))
