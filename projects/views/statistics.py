"""Staff views in the Wagtail admin: a project's statistics and the export of its posts."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from projects.models import ProjectPage
from projects.rules import can_export_posts, can_view_project_statistics
from projects.services.export import (
    export_csv_lines,
    export_rows,
    export_xlsx,
)
from projects.services.statistics import project_statistics

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def admin_project_statistics(request: HttpRequest, project_id: int) -> HttpResponse:
    if not can_view_project_statistics(request.user):
        raise PermissionDenied
    project = get_object_or_404(ProjectPage, pk=project_id)
    return render(
        request,
        "projects/admin/project_statistics.html",
        {
            "project": project,
            "statistics": project_statistics(project=project),
            "can_export": can_export_posts(request.user),
        },
    )


def _export_filename(project: ProjectPage, extension: str) -> str:
    return f"project-{project.pk}-posts-{timezone.localdate().isoformat()}.{extension}"


@require_GET
def admin_project_export(request: HttpRequest, project_id: int, file_format: str) -> HttpResponse:
    """All published posts of a project as CSV (streamed) or XLSX."""
    if not can_export_posts(request.user):
        raise PermissionDenied
    project = get_object_or_404(ProjectPage, pk=project_id)
    rows = export_rows(project=project)
    if file_format == "csv":
        response = StreamingHttpResponse(
            export_csv_lines(rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(export_xlsx(rows), content_type=XLSX_CONTENT_TYPE)
    filename = _export_filename(project, file_format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
