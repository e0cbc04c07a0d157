"""Community's sections of the member dashboard: taking part, notifications, profile.

Imported from CommunityConfig.ready(). Projects adds its own sections (see projects/dashboard.py).
"""

from django.http import HttpRequest

from community.dashboard import DashboardSection, register
from community.models import Notification
from community.services.consent import member_can_take_part
from community.services.profiles import profile_completeness, profile_for_member

NOTIFICATIONS_SHOWN = 5


def taking_part_context(request: HttpRequest) -> dict:
    """Parents without current consent are told so; staff never take part as parents."""
    user = request.user
    return {"taking_part": user.is_staff_member or member_can_take_part(user)}


def notifications_context(request: HttpRequest) -> dict:
    notifications = Notification.objects.filter(recipient=request.user).select_related("actor")
    return {"notifications": list(notifications[:NOTIFICATIONS_SHOWN])}


def profile_prompt_context(request: HttpRequest) -> dict:
    """How complete the research profile is, for a gentle prompt (parents only)."""
    if request.user.is_staff_member:
        return {"completeness": None}
    return {"completeness": profile_completeness(profile_for_member(request.user))}


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
