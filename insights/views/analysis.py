"""Staff views in the Wagtail admin: a project's analysis of coded excerpts, the export of
its coded data (CSV, XLSX, REFI-QDA) and the import of a REFI-QDA project."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from community.models import Language, Province
from community.models.profiles import AgeBand
from insights.models import ExportKind
from insights.rules import can_export_coded_data, can_import_coded_data, can_view_analysis
from insights.services.analysis import (
    ExcerptFilter,
    ProfileVariable,
    analysed_excerpts,
    code_cross_table,
    code_frequencies,
    coder_label,
    excerpt_list,
    project_coders,
    project_codes,
)
from insights.services.qdpx import coded_qdpx, qdpx_import
from insights.views.exports import admin_export_start
from projects.models import ProjectPage, TopicPage

EXCERPTS_PER_PAGE = 25
QDPX_CONTENT_TYPE = "application/zip"


def _blank(choices) -> list:
    return [("", _("all")), *choices]


class AnalysisFilterForm(forms.Form):
    """The analysis filters, read from the query string; choices are given by the view so
    that validating costs no query."""

    topic = forms.TypedMultipleChoiceField(label=_("Topic"), coerce=int, required=False)
    code = forms.TypedMultipleChoiceField(label=_("Code"), coerce=int, required=False)
    coder = forms.TypedMultipleChoiceField(label=_("Coder"), coerce=int, required=False)
    age_band = forms.ChoiceField(
        label=_("Has a child aged"), choices=_blank(AgeBand.choices), required=False
    )
    province = forms.ChoiceField(
        label=_("Lives in"), choices=_blank(Province.choices), required=False
    )
    language = forms.ChoiceField(
        label=_("Speaks at home"), choices=_blank(Language.choices), required=False
    )
    variable = forms.ChoiceField(
        label=_("Cross the codes with"), choices=ProfileVariable.choices, required=False
    )

    def __init__(self, data, *, topics, codes, coders) -> None:
        super().__init__(data)
        self.fields["topic"].choices = [(topic.pk, topic.title) for topic in topics]
        self.fields["code"].choices = [(code.pk, code.localized_name) for code in codes]
        self.fields["coder"].choices = [(coder.pk, coder_label(coder)) for coder in coders]

    def excerpt_filter(self) -> ExcerptFilter:
        data = self.cleaned_data
        return ExcerptFilter(
            topic_ids=tuple(data["topic"]),
            code_ids=tuple(data["code"]),
            coder_ids=tuple(data["coder"]),
            age_band=data["age_band"],
            province=data["province"],
            language=data["language"],
        )


@require_GET
def admin_project_analysis(request: HttpRequest, project_id: int) -> HttpResponse:
    """Filters, a code frequency table, a code × profile cross-table and the excerpts."""
    if not can_view_analysis(request.user):
        raise PermissionDenied
    project = get_object_or_404(ProjectPage, pk=project_id)
    form = AnalysisFilterForm(
        request.GET,
        topics=TopicPage.objects.descendant_of(project).order_by("path"),
        codes=project_codes(project=project),
        coders=project_coders(project=project),
    )
    excerpt_filter = form.excerpt_filter() if form.is_valid() else ExcerptFilter()
    variable = (form.cleaned_data.get("variable") if form.is_valid() else "") or (
        ProfileVariable.AGE_BAND
    )
    excerpts = analysed_excerpts(project=project, excerpt_filter=excerpt_filter)
    frequencies = code_frequencies(project=project, excerpt_filter=excerpt_filter)
    page = Paginator(excerpt_list(excerpts=excerpts), EXCERPTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "insights/analysis/project_analysis.html",
        {
            "project": project,
            "form": form,
            "frequencies": frequencies,
            "cross_table": code_cross_table(
                project=project,
                excerpt_filter=excerpt_filter,
                variable=variable,
                frequencies=frequencies,
            ),
            "variable_label": ProfileVariable(variable).label,
            "excerpt_total": page.paginator.count,
            "parent_total": excerpts.parent_count(),
            "page": page,
            "excerpts": [(excerpt, coder_label(excerpt.coder)) for excerpt in page.object_list],
            "query": query.urlencode(),
            "can_export": can_export_coded_data(request.user),
            "can_import": can_import_coded_data(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def admin_project_coded_export(
    request: HttpRequest, project_id: int, file_format: str
) -> HttpResponse:
    """CSV and XLSX start an export job (insights.views.exports); a REFI-QDA project is
    still built in the request, as it needs every excerpt at once to form its cases."""
    if file_format != "qdpx":
        return admin_export_start(
            request, project_id=project_id, file_format=file_format, kind=ExportKind.CODED_EXCERPTS
        )
    if not can_export_coded_data(request.user):
        raise PermissionDenied
    project = get_object_or_404(ProjectPage, pk=project_id)
    response = HttpResponse(coded_qdpx(project=project), content_type=QDPX_CONTENT_TYPE)
    filename = f"project-{project.pk}-coded-{timezone.localdate().isoformat()}.qdpx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class QdpxImportForm(forms.Form):
    file = forms.FileField(
        label=_("REFI-QDA project (.qdpx)"),
        help_text=_(
            "Codings are added to the posts of this project with exactly the same text. "
            "You are recorded as their coder."
        ),
    )


@require_http_methods(["GET", "POST"])
def admin_project_qdpx_import(request: HttpRequest, project_id: int) -> HttpResponse:
    """Upload a REFI-QDA project and add its codebook and codings to this project."""
    if not can_import_coded_data(request.user):
        raise PermissionDenied
    project = get_object_or_404(ProjectPage, pk=project_id)
    form = QdpxImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = qdpx_import(user=request.user, project=project, file=form.cleaned_data["file"])
        except ValidationError as error:
            # A model error may name its field (a code's name): show them all at the file.
            form.add_error("file", error.messages)
        else:
            messages.success(
                request,
                gettext(
                    "Imported: %(codes)s new codes, %(excerpts)s excerpts, %(codings)s codings."
                )
                % {
                    "codes": result.codes_created,
                    "excerpts": result.excerpts_created,
                    "codings": result.codings_created,
                },
            )
            if result.sources_unmatched:
                messages.warning(
                    request,
                    gettext("%(count)s texts matched no post of this project and were skipped.")
                    % {"count": len(result.sources_unmatched)},
                )
            return HttpResponseRedirect(reverse("insights_admin_analysis", args=[project.pk]))
    return render(request, "insights/analysis/qdpx_import.html", {"project": project, "form": form})
