"""The request's user's roles, read once per request.

User.roles reads the account's groups on every call, and every rule asks it (the view's check,
each item of the admin menu): the groups are prefetched on the request's user once, so the
rest of the request asks no more.
"""

from django.db.models import prefetch_related_objects
from django.http import HttpRequest

from community.models import User


def roles_remember(request: HttpRequest) -> None:
    user_roles_remember(request.user)


def user_roles_remember(user: User) -> None:
    if user.is_authenticated and "groups" not in getattr(user, "_prefetched_objects_cache", {}):
        prefetch_related_objects([user], "groups")
