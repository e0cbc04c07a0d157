"""The name a member shows to other parents: choosing it, changing it, holding the old one.

"Taken" means: another account's pseudonym, or a pseudonym another member gave up less than
90 days ago, has the same skeleton (community.validators.pseudonym_skeleton), so look-alikes
count as taken. The database has the last word: skeletons are unique on the user table and on
the hold table, and a write that loses a race is answered with the same field error.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from community.models import PseudonymHold, User
from community.models.users import PSEUDONYM_HELD_FOR
from community.validators import pseudonym_normalize, pseudonym_skeleton, validate_pseudonym

PSEUDONYM_TAKEN_MESSAGE = _(
    "This pseudonym is taken, or looks too much like one that is. Choose another one."
)


def _taken_error() -> ValidationError:
    return ValidationError({"pseudonym": ValidationError(PSEUDONYM_TAKEN_MESSAGE, code="taken")})


def _skeleton_taken(skeleton: str, *, exclude_user: User | None) -> bool:
    """One query on two unique indexes: another account has the skeleton, or holds it."""
    holders = PseudonymHold.objects.active().filter(skeleton=skeleton).values("user_id")
    others = User.objects.filter(Q(pseudonym_skeleton=skeleton) | Q(pk__in=holders))
    if exclude_user is not None:
        others = others.exclude(pk=exclude_user.pk)
    return others.exists()


def pseudonym_taken(pseudonym: str, *, exclude_user: User | None = None) -> bool:
    """True when another account uses this pseudonym or a look-alike, or gave it up less than
    90 days ago. A member's own pseudonyms, current and held, are never taken for them."""
    skeleton = pseudonym_skeleton(pseudonym)
    return bool(skeleton) and _skeleton_taken(skeleton, exclude_user=exclude_user)


def _pseudonym_clean(pseudonym: str) -> str:
    pseudonym = pseudonym_normalize(pseudonym)
    try:
        validate_pseudonym(pseudonym)
    except ValidationError as error:
        raise ValidationError({"pseudonym": error.error_list}) from error
    return pseudonym


def _pseudonym_write(*, user: User, pseudonym: str, fields: dict) -> None:
    """Save the pseudonym (and `fields`) on the user row, then look at the holds again.

    The unique skeleton settles a race between two accounts. A race with a member who is
    giving the same name up is settled by the order of writes: they insert the hold before
    their user row lets go of the skeleton, and we read the holds after our row claimed it,
    so one of the two transactions always sees the other's.
    """
    previous = {name: getattr(user, name) for name in ["pseudonym", "pseudonym_skeleton", *fields]}
    user.pseudonym = pseudonym
    for name, value in fields.items():
        setattr(user, name, value)
    try:
        with transaction.atomic():
            user.save(update_fields=["pseudonym", *fields])
            if _skeleton_taken(user.pseudonym_skeleton, exclude_user=user):
                raise IntegrityError("pseudonym held by another member")
    except IntegrityError as error:  # chosen or held by someone else at the same moment
        for name, value in previous.items():
            setattr(user, name, value)
        user._pseudonym_stored = previous["pseudonym"]
        raise _taken_error() from error


@transaction.atomic
def member_pseudonym_set(*, user: User, pseudonym: str) -> User:
    """Give a member the name other parents see: their first choice, at onboarding.

    The pseudonym is normalised (`pseudonym_normalize`), must pass `validate_pseudonym` and
    must not be taken (look-alikes included). Neither the monthly rule nor a hold applies:
    a member's own change goes through `member_pseudonym_change`. Errors are raised for the
    `pseudonym` field.
    """
    pseudonym = _pseudonym_clean(pseudonym)
    if pseudonym_taken(pseudonym, exclude_user=user):
        raise _taken_error()
    _pseudonym_write(user=user, pseudonym=pseudonym, fields={})
    return user


@transaction.atomic
def member_pseudonym_change(*, user: User, pseudonym: str) -> bool:
    """Change a member's pseudonym; False when it is the one they have (a form sent twice).

    At most once a month (`User.pseudonym_change_allowed_on`). The old pseudonym is held for
    the member for 90 days: nobody else can take it or a look-alike, and the member can take
    it back. Holds that ran out are deleted on the way, so old names are not kept longer.
    Errors are raised for the `pseudonym` field; nothing is saved then.
    """
    pseudonym = _pseudonym_clean(pseudonym)
    if pseudonym == user.pseudonym:
        return False
    allowed_on = user.pseudonym_change_allowed_on()
    if allowed_on is not None:
        raise ValidationError(
            {
                "pseudonym": ValidationError(
                    _("You can change your pseudonym once a month: again on %(date)s."),
                    code="too_soon",
                    params={"date": formats.date_format(allowed_on, "DATE_FORMAT")},
                )
            }
        )
    skeleton = pseudonym_skeleton(pseudonym)
    if _skeleton_taken(skeleton, exclude_user=user):
        raise _taken_error()

    now = timezone.now()
    PseudonymHold.objects.expired(now).delete()
    old_skeleton = user.pseudonym_skeleton
    if old_skeleton and old_skeleton != skeleton:
        PseudonymHold.objects.filter(user=user, skeleton=old_skeleton).delete()
        PseudonymHold.objects.create(
            user=user,
            pseudonym=user.pseudonym,
            skeleton=old_skeleton,
            held_until=now + PSEUDONYM_HELD_FOR,
        )
    PseudonymHold.objects.filter(user=user, skeleton=skeleton).delete()  # taken back
    _pseudonym_write(user=user, pseudonym=pseudonym, fields={"pseudonym_changed_at": now})
    return True
