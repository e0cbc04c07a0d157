"""Writes on a member's research profile."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from community.models import Child, HomeLanguage, Language, MemberProfile, User
from community.models.profiles import EARLIEST_BIRTH_MONTH


@transaction.atomic
def profile_update(
    *,
    user: User,
    province: str,
    family_situation: str,
    service_channel: str,
    languages: Iterable[str],
    children: Iterable[datetime.date],
) -> MemberProfile:
    """Save the whole research profile at once: children and languages replace the old ones.

    Children are kept as the first day of their birth (or due) month only; age bands are
    derived from it when asked, never stored.
    """
    profile, _created = MemberProfile.objects.select_for_update().get_or_create(user=user)
    profile.province = province
    profile.family_situation = family_situation
    profile.service_channel = service_channel
    profile.full_clean()
    profile.save()

    months = [month.replace(day=1) for month in children]
    if any(month < EARLIEST_BIRTH_MONTH for month in months):
        raise ValidationError(_("Choose a month from January 1990 onwards."), code="too_early")
    profile.children.all().delete()
    Child.objects.bulk_create(Child(profile=profile, month=month) for month in months)

    codes = list(dict.fromkeys(languages))
    if unknown := set(codes) - set(Language.values):
        raise ValidationError(f"Unknown language codes: {sorted(unknown)}", code="invalid")
    profile.home_languages.all().delete()
    HomeLanguage.objects.bulk_create(HomeLanguage(profile=profile, language=code) for code in codes)
    return profile


def profile_for_member(user: User) -> MemberProfile | None:
    """The member's profile with children and languages loaded (three queries), or None
    when they never saved one. Reading never creates a profile."""
    return (
        MemberProfile.objects.filter(user=user)
        .prefetch_related("children", "home_languages")
        .first()
    )


def profile_completeness(profile: MemberProfile | None) -> dict:
    """What `MemberProfile.completeness()` says, also for a member without a profile yet."""
    if profile is not None:
        return profile.completeness()
    parts = dict.fromkeys(
        ["children", "province", "languages", "family_situation", "service_channel"], False
    )
    return {"parts": parts, "filled": 0, "total": len(parts), "percent": 0}
