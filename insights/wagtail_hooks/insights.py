"""Wagtail admin hooks for insights and actions: the board, the report and their log."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from insights.rules import can_edit_insights
from insights.views import insights as insight_views
from insights.views import insights_board, insights_report
from projects.models import ProjectPage


class InsightsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_edit_insights(request.user)


@hooks.register("register_admin_urls")
def register_insight_urls() -> list:
    return [
        path("insights/", insights_board.admin_insights_board, name="insights_board"),
        path("insights/new/", insight_views.admin_insight_create, name="insights_insight_create"),
        path(
            "insights/<int:insight_id>/",
            insight_views.admin_insight_detail,
            name="insights_insight_detail",
        ),
        path(
            "insights/<int:insight_id>/edit/",
            insight_views.admin_insight_edit,
            name="insights_insight_edit",
        ),
        path(
            "insights/<int:insight_id>/status/",
            insight_views.admin_insight_status,
            name="insights_insight_status",
        ),
        path(
            "insights/<int:insight_id>/evidence/add/",
            insight_views.admin_insight_evidence_add,
            name="insights_evidence_add",
        ),
        path(
            "insights/<int:insight_id>/evidence/<int:excerpt_id>/remove/",
            insight_views.admin_insight_evidence_remove,
            name="insights_evidence_remove",
        ),
        path(
            "insights/<int:insight_id>/actions/new/",
            insight_views.admin_action_form,
            name="insights_action_create",
        ),
        path(
            "insights/actions/<int:action_id>/edit/",
            insight_views.admin_action_form,
            name="insights_action_edit",
        ),
        path(
            "insights/actions/<int:action_id>/status/",
            insight_views.admin_action_status,
            name="insights_action_status",
        ),
        path(
            "insights/actions/<int:action_id>/entries/",
            insight_views.admin_action_entry,
            name="insights_action_entry",
        ),
        path(
            "insights/projects/<int:project_id>/report/",
            insights_report.admin_project_insights_report,
            name="insights_project_report",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_insights_menu_item():
    return InsightsMenuItem(
        gettext_lazy("Insights"), reverse("insights_board"), icon_name="pick", order=330
    )


def _insights_report_buttons(page, user) -> list:
    if page.specific_class is not ProjectPage or not can_edit_insights(user):
        return []
    return [
        Button(
            gettext_lazy("Insights report"),
            reverse("insights_project_report", args=[page.pk]),
            icon_name="doc-full",
            priority=28,
        )
    ]


@hooks.register("register_page_listing_more_buttons")
def insights_report_listing_buttons(page, user, next_url=None):
    yield from _insights_report_buttons(page, user)


@hooks.register("register_page_header_buttons")
def insights_report_header_buttons(page, user, view_name, next_url=None):
    yield from _insights_report_buttons(page, user)


@hooks.register("register_log_actions")
def register_insight_log_actions(actions) -> None:
    for action, label in (
        ("insights.insight_created", gettext_lazy("Insight created")),
        ("insights.insight_changed", gettext_lazy("Insight changed")),
        ("insights.evidence_added", gettext_lazy("Evidence added to an insight")),
        ("insights.evidence_removed", gettext_lazy("Evidence taken off an insight")),
        ("insights.status_changed", gettext_lazy("Insight status changed")),
        ("insights.action_created", gettext_lazy("Action added")),
        ("insights.action_changed", gettext_lazy("Action changed")),
        ("insights.action_status_changed", gettext_lazy("Action status changed")),
        ("insights.action_entry_added", gettext_lazy("Action timeline entry added")),
    ):
        actions.register_action(action, label, label)
