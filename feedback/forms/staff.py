"""The staff member's phone page: which kind of contact it was (the button tapped) and an
optional reference, with a one-time submission key so that a double tap makes one contact
(as projects.submission does for posts: a fresh key each time the page is shown, the same key
when it comes back with an error, a fresh one for a missing or malformed key)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.models import Channel, Contact

# The channels where the parent is in front of the staff member and can scan a QR code.
IN_PERSON_CHANNELS = (Channel.CONSULTATION, Channel.HOME_VISIT)
REFERENCE_MAX_LENGTH = Contact._meta.get_field("external_reference").max_length
# A contact made on the phone page without a typed reference is registered under its tap's
# key; a typed reference may not look like one.
SUBMISSION_REFERENCE_PREFIX = "staff-page:"


def _uuid_or_none(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


class InvitationForm(forms.Form):
    """One tap: the channel comes from the button, the reference from the folded field."""

    channel = forms.ChoiceField(
        choices=[(channel.value, channel.label) for channel in IN_PERSON_CHANNELS]
    )
    reference = forms.CharField(
        label=_("Reference (optional)"),
        help_text=_("The appointment number in the agenda, to find this contact back later."),
        required=False,
        max_length=REFERENCE_MAX_LENGTH,
    )
    # A callable initial: called each time an unbound form is shown.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and _uuid_or_none(self.data.get("submission_key")) is None:
            self.data = self.data.copy()
            self.data["submission_key"] = str(uuid.uuid4())

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"]
        if reference.startswith(SUBMISSION_REFERENCE_PREFIX):
            raise forms.ValidationError(_("Type the appointment number only."), code="reserved")
        return reference

    def contact_reference(self) -> str:
        """What the contact is registered under: the reference typed, or else the tap's key,
        so that the same tap sent twice finds the same contact (the database allows one
        contact per channel and reference)."""
        reference = self.cleaned_data["reference"]
        return reference or f"{SUBMISSION_REFERENCE_PREFIX}{self.cleaned_data['submission_key']}"

    def renew_key(self) -> None:
        """A new key for the page shown again after this tap was used up."""
        self.data = self.data.copy()
        self.data["submission_key"] = str(uuid.uuid4())
