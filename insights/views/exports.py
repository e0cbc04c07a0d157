"""Staff views in the Wagtail admin for export jobs: starting one, the person's own exports
with their progress, and the download of a finished file."""

from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from insights.models import ExportFormat, ExportJob, ExportKind
from insights.rules import can_download_export, can_list_exports, can_start_export
from insights.services.exports import (
    export_download_token,
    export_download_token_check,
    export_job_start,
)
from projects.models import ProjectPage

# The newest exports shown on the list; older ones have expired long ago.
EXPORTS_LISTED = 50
CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_http_methods(["GET", "POST"])
def admin_export_start(
    request: HttpRequest, project_id: int, file_format: str, kind: str
) -> HttpResponse:
    """POST starts the export and answers at once with the list of the person's exports;
    GET (an old link or bookmark) shows the button that starts it."""
    if not can_start_export(request.user, kind):
        raise PermissionDenied
    project = get_object_or_404(ProjectPage, pk=project_id)
    kind, file_format = ExportKind(kind), ExportFormat(file_format)
    if request.method == "POST":
        _job, created = export_job_start(
            user=request.user, project=project, kind=kind, file_format=file_format
        )
        if created:
            messages.success(
                request,
                gettext("Your export has started. You get a notification when the file is ready."),
            )
        else:
            messages.info(request, gettext("This export is already being made."))
        return redirect("insights_admin_exports")
    return render(
        request,
        "insights/exports/export_start.html",
        {"project": project, "kind": kind, "file_format": file_format},
    )


@require_GET
def admin_export_list(request: HttpRequest) -> HttpResponse:
    """The person's own exports, newest first, with their progress and download links."""
    if not can_list_exports(request.user):
        raise PermissionDenied
    jobs = list(
        ExportJob.objects.filter(requested_by=request.user).select_related("project")[
            :EXPORTS_LISTED
        ]
    )
    for job in jobs:
        job.download_token = export_download_token(job=job) if job.is_downloadable else ""
    return render(
        request,
        "insights/exports/export_list.html",
        {"jobs": jobs, "has_active": any(job.is_active for job in jobs)},
    )


def _link_expired(request: HttpRequest) -> HttpResponse:
    return render(request, "insights/exports/export_expired.html", status=HTTPStatus.GONE)


@never_cache
@require_GET
def admin_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The finished file, as an attachment, never cached: only for the person who asked (or
    an administrator), through a link that expires."""
    if not can_list_exports(request.user):
        raise PermissionDenied
    job = get_object_or_404(ExportJob.objects.select_related("project"), pk=pk)
    if not can_download_export(request.user, job):
        # As if it did not exist: another researcher's export is none of their business.
        raise Http404
    if job.is_expired or not export_download_token_check(
        job=job, token=request.GET.get("token", "")
    ):
        return _link_expired(request)
    if not job.is_downloadable:
        raise Http404
    try:
        file = job.file_path.open("rb")
    except FileNotFoundError:
        return _link_expired(request)
    return FileResponse(
        file,
        as_attachment=True,
        filename=job.download_name,
        content_type=CONTENT_TYPES[ExportFormat(job.file_format)],
    )
