"""Writes on members and staff accounts."""

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from community.models import Role, User


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    roles: Iterable[Role] = (),
    first_name: str = "",
    last_name: str = "",
    email_verified: bool = False,
) -> User:
    """Create a login with its primary e-mail address and staff roles.

    Administrators also get Django's staff flag, for the technical admin at /django-admin/.
    """
    roles = list(roles)
    user = User(
        email=User.objects.normalize_email(email),
        first_name=first_name,
        last_name=last_name,
        is_staff=Role.ADMIN in roles,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    if roles:
        user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    return user
