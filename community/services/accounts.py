"""Writes on members and staff accounts."""

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from community.models import Role, User
from community.personal_data import SOURCES


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


def _traces_scrub(value: object, traces: set[str], replacement: str) -> object:
    """The value with every string that mentions one of the traces replaced (JSON-shaped)."""
    if isinstance(value, dict):
        return {key: _traces_scrub(item, traces, replacement) for key, item in value.items()}
    if isinstance(value, list):
        return [_traces_scrub(item, traces, replacement) for item in value]
    if isinstance(value, str) and any(trace in value.lower() for trace in traces):
        return replacement
    return value


def _audit_logs_scrub(*, user: User) -> None:
    """Keep the audit trail about the account (role changes …) but without who it was.

    Wagtail's log entries carry the e-mail address as their label; Django's admin log carries
    it as object_repr. The entries stay, so admins still see that something happened.
    """
    with translation.override(settings.LANGUAGE_CODE):
        former_member = translation.gettext("former member")
    addresses = user.emailaddress_set.values_list("email", flat=True)
    held = user.pseudonym_holds.values_list("pseudonym", flat=True)  # earlier pseudonyms
    traces = {trace.lower() for trace in [user.email, user.pseudonym, *addresses, *held] if trace}
    content_type = ContentType.objects.get_for_model(user, for_concrete_model=False)
    for entry in ModelLogEntry.objects.filter(content_type=content_type, object_id=str(user.pk)):
        entry.label = former_member
        entry.data = _traces_scrub(entry.data, traces, former_member)
        entry.save(update_fields=["label", "data"])
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
    ).update(object_repr=former_member)


@transaction.atomic
def account_delete(*, user: User, remove_contributions: bool) -> None:
    """Erase a member's account: login, e-mail addresses, profile, consent, sessions.

    Every registered personal-data source erases its part first; posts stay under "a former
    member" with their text kept (research data) unless `remove_contributions`. Staff accounts
    are removed by an administrator in the Wagtail admin, not here.
    """
    if user.is_staff_member:
        raise ValidationError(_("Staff accounts are removed by an administrator."))
    for source in SOURCES.values():
        if source.erase is not None:
            source.erase(user, remove_contributions)
    _audit_logs_scrub(user=user)
    user.delete()
