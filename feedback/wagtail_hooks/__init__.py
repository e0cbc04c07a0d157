"""The feedback app in the Wagtail admin: one "Feedback" menu whose items each feature
registers in its own module with the hook `register_feedback_menu_item` (an item shows only
to whom its `is_shown` allows; the menu hides when it has none)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from feedback.views.request_roles import user_roles_remember
from feedback.wagtail_hooks import organisation, own_feedback, reports, surveys  # noqa: F401

FEEDBACK_MENU_HOOK = "register_feedback_menu_item"


class FeedbackMenuItem(SubmenuMenuItem):
    def is_shown(self, request) -> bool:
        # Each item asks a rule about the user's roles: read their groups once for all.
        user_roles_remember(request.user)
        return super().is_shown(request)


@hooks.register("register_admin_menu_item")
def register_feedback_menu() -> SubmenuMenuItem:
    return FeedbackMenuItem(
        _("Feedback"),
        Menu(register_hook_name=FEEDBACK_MENU_HOOK),
        name="feedback",
        icon_name="comment",
        order=700,
    )
