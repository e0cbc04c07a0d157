"""The team and region view, the monthly reports and coding comments, in the Feedback menu
for team leads and administrators."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from feedback.rules import can_view_team_feedback
from feedback.views import coding, reports, team


def _team_feedback_allowed(request) -> bool:
    """Asked once per request for the three items (each answer reads the user's roles)."""
    if not hasattr(request, "_feedback_team_allowed"):
        request._feedback_team_allowed = can_view_team_feedback(request.user)
    return request._feedback_team_allowed


class TeamFeedbackMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return _team_feedback_allowed(request)


class CodingMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        # can_code_feedback is can_view_team_feedback today (feedback.rules).
        return _team_feedback_allowed(request)


@hooks.register("register_admin_urls")
def register_report_urls() -> list:
    return [
        path("feedback/team/", team.admin_team_view, name="feedback_admin_team"),
        path("feedback/reports/", reports.admin_report_list, name="feedback_admin_reports"),
        path(
            "feedback/reports/<int:pk>/", reports.admin_report_detail, name="feedback_admin_report"
        ),
        path(
            "feedback/reports/<int:pk>/download/<str:file_format>/",
            reports.admin_report_download,
            name="feedback_admin_report_download",
        ),
        path(
            "feedback/reports/<int:pk>/adjustments/",
            reports.admin_report_adjustment_create,
            name="feedback_admin_report_adjustment_create",
        ),
        path(
            "feedback/reports/<int:pk>/adjustments/<int:action_id>/status/",
            reports.admin_report_adjustment_status,
            name="feedback_admin_report_adjustment_status",
        ),
        path("feedback/comments/", coding.admin_comment_list, name="feedback_admin_comments"),
        path(
            "feedback/comments/<int:response_id>/codes/",
            coding.admin_comment_codes,
            name="feedback_admin_comment_codes",
        ),
        path(
            "feedback/comments/<int:response_id>/cite/",
            coding.admin_comment_cite,
            name="feedback_admin_comment_cite",
        ),
        path(
            "feedback/actions/<int:action_id>/evidence/",
            coding.admin_action_evidence,
            name="feedback_admin_action_evidence",
        ),
    ]


@hooks.register("register_feedback_menu_item")
def register_team_menu_item() -> MenuItem:
    return TeamFeedbackMenuItem(
        _("Team results"), reverse("feedback_admin_team"), name="feedback-team", order=300
    )


@hooks.register("register_feedback_menu_item")
def register_reports_menu_item() -> MenuItem:
    return TeamFeedbackMenuItem(
        _("Monthly reports"), reverse("feedback_admin_reports"), name="feedback-reports", order=310
    )


@hooks.register("register_feedback_menu_item")
def register_coding_menu_item() -> MenuItem:
    return CodingMenuItem(
        _("Code comments"), reverse("feedback_admin_comments"), name="feedback-comments", order=320
    )
