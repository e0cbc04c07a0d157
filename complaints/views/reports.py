"""The annual complaints report in the Wagtail admin: a printable page, its PDF and XLSX, for
a year and a version. The internal version (every number) is for the complaints lead and
administrators; the published one (figures about fewer than 5 complaints hidden) also for
complaints officers."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from complaints.forms.reports import AnnualReportForm
from complaints.rules import can_view_annual_report, can_view_published_annual_report
from complaints.services.annual_report import (
    INTERNAL,
    PUBLISHED,
    VERSIONS,
    annual_report_build,
    annual_report_default_year,
    annual_report_years,
)
from complaints.services.report_files import (
    annual_report_html,
    annual_report_pdf,
    annual_report_xlsx,
)
from complaints.services.statistics import today_local
from feedback.views.request_roles import user_roles_remember

FILE_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FIRST_YEAR = 2000


def _allowed(request: HttpRequest, version: str) -> None:
    user_roles_remember(request.user)
    if version == INTERNAL and can_view_annual_report(request.user):
        return
    if version == PUBLISHED and can_view_published_annual_report(request.user):
        return
    raise PermissionDenied


def _year_checked(year: int) -> int:
    if not FIRST_YEAR <= year <= today_local().year:
        raise Http404
    return year


@require_GET
def admin_annual_report_choose(request: HttpRequest) -> HttpResponse:
    """The report of the chosen year and version (the year selector's target); without a
    choice, last year's, in the fullest version the user may see."""
    user_roles_remember(request.user)
    if not can_view_published_annual_report(request.user):
        raise PermissionDenied
    internal_allowed = can_view_annual_report(request.user)
    form = AnnualReportForm(
        request.GET or None, years=annual_report_years(), internal_allowed=internal_allowed
    )
    if form.is_valid():
        year, version = form.cleaned_data["year"], form.cleaned_data["version"]
    else:
        year = annual_report_default_year(today_local())
        version = INTERNAL if internal_allowed else PUBLISHED
    return redirect("complaints_admin_annual_report", year=year, version=version)


@require_GET
def admin_annual_report(request: HttpRequest, year: int, version: str) -> HttpResponse:
    """The printable page of a year's report."""
    if version not in VERSIONS:
        raise Http404
    _allowed(request, version)
    report = annual_report_build(year=_year_checked(year), version=version)
    internal_allowed = can_view_annual_report(request.user)
    form = AnnualReportForm(
        initial={"year": year, "version": version},
        years=annual_report_years(),
        internal_allowed=internal_allowed,
    )
    return HttpResponse(
        annual_report_html(report, request=request, form=form, internal_allowed=internal_allowed)
    )


@require_GET
def admin_annual_report_download(
    request: HttpRequest, year: int, version: str, file_format: str
) -> HttpResponse:
    """The year's report as PDF or XLSX, in the version asked for."""
    if version not in VERSIONS or file_format not in FILE_TYPES:
        raise Http404
    _allowed(request, version)
    report = annual_report_build(year=_year_checked(year), version=version)
    body = annual_report_pdf(report) if file_format == "pdf" else annual_report_xlsx(report)
    response = HttpResponse(body, content_type=FILE_TYPES[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="klachten-jaarverslag-{year}-{version}.{file_format}"'
    )
    return response
