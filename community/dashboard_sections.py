"""Community's sections of the member dashboard: taking part, notifications, profile.

Imported from CommunityConfig.ready(). Projects adds its own sections (see projects/dashboard.py).
"""

from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from community.dashboard import DashboardSection, register
from community.models import Notification, User
from community.services.profiles import profile_completeness, profile_for_member

NOTIFICATIONS_SHOWN = 5
SHARED_PROFILE_PROMPT = "components/profile_prompt.html"


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def taking_part_context(request: HttpRequest) -> dict:
    """Parents without current consent are told so; staff never take part as parents."""
    user = request.user
    taking_part = user.is_staff_member or User.objects.members().filter(pk=user.pk).exists()
    return {"taking_part": taking_part}


def notifications_context(request: HttpRequest) -> dict:
    notifications = Notification.objects.filter(recipient=request.user).select_related("actor")
    return {"notifications": list(notifications[:NOTIFICATIONS_SHOWN])}


def profile_prompt_context(request: HttpRequest) -> dict:
    """How complete the research profile is, for a gentle prompt (parents only)."""
    if request.user.is_staff_member:
        return {"completeness": None}
    return {
        "completeness": profile_completeness(profile_for_member(request.user)),
        "shared_prompt": _template_exists(SHARED_PROFILE_PROMPT),
    }


register(
    DashboardSection(
        key="taking_part",
        order=10,
        template="community/dashboard/taking_part.html",
        context=taking_part_context,
    )
)
register(
    DashboardSection(
        key="notifications",
        order=50,
        template="community/dashboard/notifications.html",
        context=notifications_context,
    )
)
register(
    DashboardSection(
        key="profile_prompt",
        order=60,
        template="community/dashboard/profile_prompt.html",
        context=profile_prompt_context,
    )
)
