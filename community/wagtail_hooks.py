from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from community.models import Role


class RoleChangeFormatter(LogFormatter):
    def format_message(self, log_entry) -> str:
        role = log_entry.data.get("role", "")
        label = Role(role).label if role in Role.values else role
        return self.message % {"role": label, "user": log_entry.label}


@hooks.register("register_log_actions")
def register_role_change_actions(actions) -> None:
    @actions.register_action("community.role_given")
    class RoleGiven(RoleChangeFormatter):
        label = _("Role given")
        message = _("Role %(role)s given to %(user)s")

    @actions.register_action("community.role_taken")
    class RoleTaken(RoleChangeFormatter):
        label = _("Role taken away")
        message = _("Role %(role)s taken away from %(user)s")
