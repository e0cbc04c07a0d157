"""Wagtail admin hooks for export jobs: where they start, the list of one's exports and the
download.

No menu item: its check would cost a roles query on every admin page. The list is reached
from the export buttons, the redirect after starting one and the "export ready"
notification."""

from django.urls import path, re_path
from wagtail import hooks

from insights.models import ExportKind
from insights.views import exports as export_views


@hooks.register("register_admin_urls")
def register_export_urls() -> list:
    return [
        # The statistics page's export buttons (templates/projects/admin/project_statistics
        # .html) keep their address and name; insights owns the jobs, so it serves them
        # (projects never imports insights).
        re_path(
            r"^projects/(?P<project_id>\d+)/export\.(?P<file_format>csv|xlsx)$",
            export_views.admin_export_start,
            {"kind": ExportKind.POSTS},
            name="projects_admin_export",
        ),
        path("insights/exports/", export_views.admin_export_list, name="insights_admin_exports"),
        path(
            "insights/exports/<int:pk>/download/",
            export_views.admin_export_download,
            name="insights_admin_export_download",
        ),
    ]
