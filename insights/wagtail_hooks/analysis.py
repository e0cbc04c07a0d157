"""Wagtail admin hooks for a project's analysis, the coded-data export and QDPX import."""

from django.urls import path, re_path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.widgets import Button

from insights.rules import can_view_analysis
from insights.views import analysis as analysis_views
from projects.models import ProjectPage


@hooks.register("register_admin_urls")
def register_analysis_urls() -> list:
    return [
        path(
            "insights/projects/<int:project_id>/analysis/",
            analysis_views.admin_project_analysis,
            name="insights_admin_analysis",
        ),
        re_path(
            r"^insights/projects/(?P<project_id>\d+)/coded\.(?P<file_format>csv|xlsx|qdpx)$",
            analysis_views.admin_project_coded_export,
            name="insights_admin_coded_export",
        ),
        path(
            "insights/projects/<int:project_id>/import-qdpx/",
            analysis_views.admin_project_qdpx_import,
            name="insights_admin_qdpx_import",
        ),
    ]


@hooks.register("register_page_listing_more_buttons")
def analysis_listing_buttons(page, user, next_url=None):
    yield from _analysis_buttons(page, user)


@hooks.register("register_page_header_buttons")
def analysis_header_buttons(page, user, view_name, next_url=None):
    yield from _analysis_buttons(page, user)


def _analysis_buttons(page, user) -> list:
    if page.specific_class is not ProjectPage or not can_view_analysis(user):
        return []
    return [
        Button(
            gettext_lazy("Analysis"),
            reverse("insights_admin_analysis", args=[page.pk]),
            icon_name="tag",
            priority=27,
        )
    ]


@hooks.register("register_log_actions")
def register_analysis_log_actions(actions) -> None:
    actions.register_action(
        "insights.coded_data_imported",
        gettext_lazy("Coded data imported"),
        gettext_lazy("Codebook and codings imported from a REFI-QDA project"),
    )
