"""The pseudonym field, as onboarding asks it and as a member changes it later."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import User
from community.services.pseudonyms import PSEUDONYM_TAKEN_MESSAGE, pseudonym_taken
from community.validators import PSEUDONYM_MAX_LENGTH, pseudonym_normalize, validate_pseudonym

PSEUDONYM_HELP_TEXT = _(
    "The name other parents see next to what you write. 3 to 30 characters: letters, "
    "digits, spaces, “-” and “_”. Do not use your real name or e-mail address."
)


def pseudonym_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=PSEUDONYM_HELP_TEXT,
        error_messages={"required": _("Choose a pseudonym.")},
        # dir="auto": a pseudonym in Arabic or Hebrew is typed right to left.
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "maxlength": PSEUDONYM_MAX_LENGTH,
                "spellcheck": "false",
                "dir": "auto",
            }
        ),
    )


def pseudonym_clean(value: str, *, user: User) -> str:
    """The typed pseudonym, normalised, valid and free for this member (field errors)."""
    pseudonym = pseudonym_normalize(value)
    validate_pseudonym(pseudonym)
    if pseudonym_taken(pseudonym, exclude_user=user):
        raise forms.ValidationError(PSEUDONYM_TAKEN_MESSAGE, code="taken")
    return pseudonym


class PseudonymChangeForm(forms.Form):
    """A new pseudonym. The monthly rule is the service's: the page says it before asking."""

    pseudonym = pseudonym_field(_("New pseudonym"))

    def __init__(self, *args, user: User, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_pseudonym(self) -> str:
        return pseudonym_clean(self.cleaned_data["pseudonym"], user=self.user)
