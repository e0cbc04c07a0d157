"""Template context about the signed-in member, computed only when a template asks."""

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from community.models import Notification


def member_notifications(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """`unread_notification_count` for the header, only when a template uses it and only for a
    signed-in user (templates call it; it remembers its answer). The request's user carries
    the count (community.auth_backends); any other user costs one COUNT query."""

    @cache
    def unread_notification_count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        if hasattr(user, "unread_notification_count"):  # loaded with the user row
            return user.unread_notification_count
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notification_count": unread_notification_count}
