"""Template context about the signed-in member, computed only when a template asks."""

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from community.models import Notification


def member_notifications(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """`unread_notification_count` for the header: one COUNT query, only when a template uses
    it and only for a signed-in user (templates call it; it remembers its answer)."""

    @cache
    def unread_notification_count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notification_count": unread_notification_count}
