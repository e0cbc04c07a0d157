"""Administrators' pages in the Wagtail admin for the survey questions: the four channels with
their current questions, and per channel a form that saves the next version and the history
of its versions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from feedback.forms.survey_versions import SurveyVersionForm
from feedback.models import Channel, Response, SurveyVersion
from feedback.rules import can_manage_organisation
from feedback.services.survey_versions import SURVEY_TEXT_FIELDS, survey_version_create
from feedback.services.surveys import survey_version_current


@require_GET
def admin_survey_versions(request: HttpRequest) -> HttpResponse:
    """Each channel with the questions parents get now."""
    if not can_manage_organisation(request.user):
        raise PermissionDenied
    current = [survey_version_current(channel) for channel in Channel]
    return render(request, "feedback/admin/survey_versions.html", {"versions": current})


def _with_answer_counts(channel: str):
    answers = (
        Response.objects.filter(survey_version=OuterRef("pk"))
        .order_by()
        .values("survey_version")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        SurveyVersion.objects.filter(channel=channel)
        .select_related("created_by")
        .annotate(answers=Coalesce(Subquery(answers, output_field=IntegerField()), 0))
        .order_by("-version")
    )


@require_http_methods(["GET", "POST"])
def admin_survey_version_edit(request: HttpRequest, channel: str) -> HttpResponse:
    """The channel's questions to edit (saved as its next version) and its earlier versions."""
    if not can_manage_organisation(request.user):
        raise PermissionDenied
    if channel not in Channel.values:
        raise Http404
    channel = Channel(channel)
    current = survey_version_current(channel)
    initial = {name: getattr(current, name) for name in SURVEY_TEXT_FIELDS}
    form = SurveyVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = survey_version_create(
                channel=channel, created_by=request.user, **form.texts()
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            if version.pk == current.pk:
                messages.info(request, _("Nothing changed: the questions stay as they were."))
            else:
                messages.success(
                    request,
                    _("Saved as version %(version)s of %(channel)s.")
                    % {"version": version.version, "channel": channel.label},
                )
            return redirect("feedback_admin_survey_versions")
    return render(
        request,
        "feedback/admin/survey_version_form.html",
        {
            "channel": channel,
            "current": current,
            "form": form,
            "history": list(_with_answer_counts(channel)),
        },
    )


def _errors_to_form(form: SurveyVersionForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
