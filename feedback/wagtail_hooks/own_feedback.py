"""My feedback (staff members) and follow-up items (team leads): admin pages, menu items and
the staff member's panel on the admin home."""

from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from feedback.rules import can_view_own_feedback, can_view_team_feedback, staff_member_of
from feedback.services.own_feedback import own_new_count
from feedback.views import follow_ups as follow_up_views
from feedback.views import own_feedback as own_feedback_views


@hooks.register("register_admin_urls")
def register_own_feedback_urls() -> list:
    return [
        path(
            "feedback/my-feedback/",
            own_feedback_views.my_feedback,
            name="feedback_admin_my_feedback",
        ),
        path(
            "feedback/my-feedback/<int:pk>/read/",
            own_feedback_views.my_feedback_read,
            name="feedback_admin_my_feedback_read",
        ),
        path(
            "feedback/my-feedback/<int:pk>/taken-up/",
            own_feedback_views.my_feedback_taken_up,
            name="feedback_admin_my_feedback_taken_up",
        ),
        path(
            "feedback/my-feedback/<int:pk>/follow-up/",
            own_feedback_views.my_feedback_follow_up,
            name="feedback_admin_my_feedback_follow_up",
        ),
        path(
            "feedback/follow-ups/", follow_up_views.follow_up_list, name="feedback_admin_follow_ups"
        ),
        path(
            "feedback/follow-ups/<int:pk>/",
            follow_up_views.follow_up_detail,
            name="feedback_admin_follow_up",
        ),
        path(
            "feedback/follow-ups/<int:pk>/<slug:action>/",
            follow_up_views.follow_up_action,
            name="feedback_admin_follow_up_action",
        ),
    ]


class RuleMenuItem(MenuItem):
    """A Feedback submenu item shown to whom its rule allows."""

    def __init__(self, *args: Any, rule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule = rule

    def is_shown(self, request) -> bool:
        return self.rule(request.user)


@hooks.register("register_feedback_menu_item")
def register_my_feedback_menu_item() -> MenuItem:
    return RuleMenuItem(
        _("My feedback"),
        reverse("feedback_admin_my_feedback"),
        name="feedback-my-feedback",
        icon_name="comment",
        order=100,
        rule=can_view_own_feedback,
    )


@hooks.register("register_feedback_menu_item")
def register_follow_ups_menu_item() -> MenuItem:
    return RuleMenuItem(
        _("Follow-up items"),
        reverse("feedback_admin_follow_ups"),
        name="feedback-follow-ups",
        icon_name="tasks",
        order=200,
        rule=can_view_team_feedback,
    )


class MyFeedbackPanel(Component):
    """ "N new responses" on the admin home, for staff members only (one count query)."""

    name = "feedback_my_feedback"
    template_name = "feedback/admin/my_feedback_panel.html"
    order = 40

    def __init__(self, new_count: int) -> None:
        self.new_count = new_count

    def get_context_data(self, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"new_count": self.new_count}


@hooks.register("construct_homepage_panels")
def add_my_feedback_panel(request, panels: list) -> None:
    staff = staff_member_of(request.user)
    if staff is not None:
        panels.append(MyFeedbackPanel(own_new_count(staff)))
