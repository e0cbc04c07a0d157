"""Rules for what members type about themselves."""

import functools
import re
import unicodedata

import icu
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PSEUDONYM_MIN_LENGTH = 3
PSEUDONYM_MAX_LENGTH = 30
_PSEUDONYM_CHARACTERS = re.compile(r"^[\w \-]+$")
_EMAIL_LIKE = re.compile(r"\S@\S|\bat\b.*\bdot\b", re.IGNORECASE)
_URL_LIKE = re.compile(
    r"https?:|www\.|\w\.(com|be|nl|net|org|eu|info|io|app|me|tv|gent|brussels|vlaanderen)\b",
    re.IGNORECASE,
)


def pseudonym_normalize(value: str) -> str:
    """The pseudonym as stored: composed characters (NFC, as a keyboard types them) and single
    spaces, none at the ends."""
    return unicodedata.normalize("NFC", " ".join(value.split()))


@functools.cache
def _spoof_checker() -> icu.SpoofChecker:
    return icu.SpoofChecker()  # immutable once made, so one per process serves every thread


@functools.cache
def _nfkc_casefold() -> icu.Normalizer2:
    return icu.Normalizer2.getNFKCCasefoldInstance()


def pseudonym_skeleton(value: str) -> str:
    """What a pseudonym looks like, for "is it taken?": two pseudonyms that a reader could
    mistake for each other have the same skeleton ("Zonnebloem", "ZONNEBLOEM", "Zonneb1oem" and
    "Zоnnebloem" with a Cyrillic о all give "zonnebloern").

    The confusable skeleton of Unicode TS #39 (section 4), from ICU's SpoofChecker, on the
    NFKC case fold of the pseudonym. A skeleton may hold upper-case prototypes ("0" becomes
    "O"), so folding and mapping repeat until nothing changes; two rounds are enough in
    practice. "" for an empty pseudonym.
    """
    text = _nfkc_casefold().normalize(" ".join(value.split()))
    for _round in range(4):
        folded = _nfkc_casefold().normalize(_spoof_checker().getSkeleton(0, text))
        if folded == text:
            break
        text = folded
    return text


def validate_pseudonym(value: str) -> None:
    """A pseudonym says nothing about who the member is and cannot be used to reach them.

    3–30 characters: letters (any alphabet), digits, spaces, "-" and "_"; nothing that looks
    like an e-mail address or a web address.
    """
    if len(value) < PSEUDONYM_MIN_LENGTH or len(value) > PSEUDONYM_MAX_LENGTH:
        raise ValidationError(
            _("Choose a pseudonym of %(min)d to %(max)d characters."),
            code="pseudonym_length",
            params={"min": PSEUDONYM_MIN_LENGTH, "max": PSEUDONYM_MAX_LENGTH},
        )
    if "@" in value or _EMAIL_LIKE.search(value):
        raise ValidationError(
            _("A pseudonym cannot look like an e-mail address: other parents would see it."),
            code="pseudonym_email",
        )
    if _URL_LIKE.search(value):
        raise ValidationError(
            _("A pseudonym cannot look like a web address."),
            code="pseudonym_url",
        )
    if not _PSEUDONYM_CHARACTERS.match(value):
        raise ValidationError(
            _("Use only letters, digits, spaces, “-” and “_” in your pseudonym."),
            code="pseudonym_characters",
        )
