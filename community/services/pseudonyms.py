"""The name a member shows to other parents."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from community.models import User
from community.validators import validate_pseudonym

# The same words as the database constraint's message.
PSEUDONYM_TAKEN_MESSAGE = _("This pseudonym is taken. Choose another one.")


def pseudonym_taken(pseudonym: str, *, exclude_user: User | None = None) -> bool:
    """True when another account uses this pseudonym, compared as the database constraint
    compares it (case-insensitively)."""
    others = User.objects.alias(lowered=Lower("pseudonym")).filter(lowered=Lower(Value(pseudonym)))
    if exclude_user is not None:
        others = others.exclude(pk=exclude_user.pk)
    return others.exists()


@transaction.atomic
def member_pseudonym_set(*, user: User, pseudonym: str) -> User:
    """Give the member the name other parents see.

    Runs of spaces are collapsed; the pseudonym must pass `validate_pseudonym` and be unique
    case-insensitively. Errors are raised for the `pseudonym` field.
    """
    pseudonym = " ".join(pseudonym.split())
    try:
        validate_pseudonym(pseudonym)
    except ValidationError as error:
        raise ValidationError({"pseudonym": error.error_list}) from error
    if pseudonym_taken(pseudonym, exclude_user=user):
        raise ValidationError({"pseudonym": ValidationError(PSEUDONYM_TAKEN_MESSAGE, code="taken")})
    previous, user.pseudonym = user.pseudonym, pseudonym
    try:
        with transaction.atomic():
            user.save(update_fields=["pseudonym"])
    except IntegrityError as error:  # chosen by someone else at the same moment
        user.pseudonym = previous
        raise ValidationError({"pseudonym": PSEUDONYM_TAKEN_MESSAGE}) from error
    return user
