"""The signed-in user with their request state, kept in the cache between requests.

Every request loads its user with the request state (community.auth_backends): staff role,
current consent, unread notifications. That query is the one most pages would still run, so
the loaded user is kept in the shared cache under two version tokens (config.versions): the
user's own, renewed by any change to their account, roles, consent or notifications, and one
for everyone, renewed by changes that can touch every user's state (a group renamed, a
consent document published or withdrawn). community.signals renews them on saves and deletes;
services that write with QuerySet.update() or bulk_create() renew them themselves.
"""

from collections.abc import Iterable

from community.models import User
from config.versions import kept_while_current, version_renew

EVERYONE_KEY = "request-state-version"
# Only a bound on what is kept for users who stopped coming; the tokens keep it fresh.
CACHE_SECONDS = 60 * 60


def _user_key(user_id: int) -> str:
    return f"request-state-version:{user_id}"


def request_state_changed(user_ids: Iterable[int]) -> None:
    """Forget the kept request state of these users."""
    version_renew(*(_user_key(user_id) for user_id in set(user_ids)))


def request_state_changed_for_everyone() -> None:
    """Forget every kept request state."""
    version_renew(EVERYONE_KEY)


def user_with_request_state(user_id: int) -> User | None:
    """User.objects.get_with_request_state, from the cache when nothing changed since."""
    user, _tokens = kept_while_current(
        f"request-state:{user_id}",
        (_user_key(user_id), EVERYONE_KEY),
        lambda: User.objects.get_with_request_state(user_id),
        CACHE_SECONDS,
    )
    return user
