"""The complaints app in the Wagtail admin: one "Complaints" menu whose items each feature
registers in its own module with the hook `register_complaints_menu_item` (an item shows only
to whom its `is_shown` allows; the menu hides when it has none)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from complaints.wagtail_hooks import handling, registration, reports  # noqa: F401
from feedback.views.request_roles import user_roles_remember

COMPLAINTS_MENU_HOOK = "register_complaints_menu_item"


class ComplaintsMenuItem(SubmenuMenuItem):
    def is_shown(self, request) -> bool:
        # Each item asks a rule about the user's roles: read their groups once for all.
        user_roles_remember(request.user)
        return super().is_shown(request)


@hooks.register("register_admin_menu_item")
def register_complaints_menu() -> SubmenuMenuItem:
    return ComplaintsMenuItem(
        _("Complaints"),
        Menu(register_hook_name=COMPLAINTS_MENU_HOOK),
        name="complaints",
        icon_name="warning",
        order=750,
    )
