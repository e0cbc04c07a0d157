"""The public complaint form: what happened, what would help, how to reach the parent, up to
three files. Plain text only; the server checks everything the browser checks, since the page
works without JavaScript. A hidden one-time key makes one complaint per form sent
(services.intake), and a field hidden from people catches robots (the honeypot)."""

import datetime
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Service
from complaints.models.register import WHAT_HAPPENED_MAX_LENGTH, WISH_MAX_LENGTH
from complaints.services.attachments import (
    ATTACHMENTS_MAX,
    CheckedFile,
    attachment_check,
)
from feedback.forms.survey import PHONE_CHARACTERS, PHONE_DIGITS, CommentField

SUBMISSION_KEY_FIELD = "submission_key"
HONEYPOT_FIELD = "website"
ACCEPTED_FILES = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
TOO_LONG = _("Keep it to %(limit_value)d characters (you wrote %(show_value)d).")


def submission_key_parse(value: object) -> uuid.UUID | None:
    """The key a form sent, or None when it is missing or not a UUID."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


class AttachmentsInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to three files, each checked by its content (services.attachments); cleaned to a
    list of CheckedFile. Every file's problem is told, by the file's name."""

    widget = AttachmentsInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("allow_empty_file", True)  # attachment_check says which file
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": ACCEPTED_FILES, "multiple": True})

    def clean(self, data, initial=None) -> list[CheckedFile]:
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(files) > ATTACHMENTS_MAX:
            raise ValidationError(
                _("Choose at most 3 files. You chose %(count)d."),
                code="too_many",
                params={"count": len(files)},
            )
        checked, errors = [], []
        for file in files:
            super().clean(file, initial)
            try:
                checked.append(attachment_check(file))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return checked


def phone_validate(value: str) -> None:
    digits = sum(character.isdigit() for character in value)
    if not PHONE_CHARACTERS.match(value) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ValidationError(
            _("Enter a phone number with its area code, such as 0470 12 34 56."), code="invalid"
        )


class ComplaintDetailsForm(forms.Form):
    """What a complaint holds, whoever writes it down: the parent (the public form) or a
    complaints officer (the registration form)."""

    # At least one way to reach the complainant (the officer's form may go without).
    contact_required = True

    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)
    what_happened = CommentField(
        label=_("What happened?"),
        help_text=_(
            "Tell it in your own words: what went wrong, where, and who was involved. "
            "At most 5000 characters."
        ),
        max_length=WHAT_HAPPENED_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Tell us what happened."),
            "max_length": TOO_LONG,
        },
    )
    happened_on = forms.DateField(
        label=_("When did it happen?"),
        help_text=_("The date, if you know it."),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date, such as 14-03-2026.")},
    )
    service = forms.ChoiceField(
        label=_("Which service is it about?"),
        help_text=_("Choose one if you know it."),
        required=False,
        choices=[("", _("I don't know"))] + Service.choices,
        error_messages={"invalid_choice": _("Choose a service from the list.")},
    )
    desired_solution = CommentField(
        label=_("What would you like us to do?"),
        help_text=_(
            "For example: an apology, an explanation, a new appointment, or a change so it "
            "does not happen again. At most 2000 characters."
        ),
        required=False,
        max_length=WISH_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": TOO_LONG},
    )
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": TOO_LONG},
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send the receipt and the link to follow your complaint here."),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Enter a valid e-mail address, such as name@example.com."),
            "max_length": TOO_LONG,
        },
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=40,
        validators=[phone_validate],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": TOO_LONG},
    )
    postal_address = CommentField(
        label=_("Postal address"),
        help_text=_("Street and number, postcode and town."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        error_messages={"max_length": TOO_LONG},
    )
    attachments = AttachmentsField(
        label=_("Files"),
        help_text=_(
            "Optional: up to 3 files, such as a letter or a photo. PDF, JPEG or PNG, "
            "at most 10 MB each."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if self.is_bound and submission_key_parse(self.data.get(SUBMISSION_KEY_FIELD)) is None:
            # A fresh key, so that the page shown again with an error carries one as well.
            self.data = self.data.copy()
            self.data[SUBMISSION_KEY_FIELD] = str(uuid.uuid4())
        self.fields["happened_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_happened_on(self) -> datetime.date | None:
        happened_on = self.cleaned_data.get("happened_on")
        if happened_on and happened_on > timezone.localdate():
            raise ValidationError(_("This date is in the future."), code="future")
        return happened_on

    def clean(self) -> dict:
        cleaned = super().clean()
        routes = ("email", "phone", "postal_address")
        if (
            self.contact_required
            and not any(cleaned.get(name) for name in routes)
            and not any(name in self.errors for name in routes)
        ):
            self.add_error(
                "email",
                ValidationError(
                    _(
                        "Give at least one way to reach you: an e-mail address, a phone "
                        "number or a postal address."
                    ),
                    code="no_contact",
                ),
            )
        return cleaned

    def details(self) -> dict:
        """The cleaned fields as the intake services take them."""
        data = self.cleaned_data
        return {
            "submission_key": data["submission_key"],
            "what_happened": data["what_happened"],
            "happened_on": data["happened_on"],
            "service": data["service"],
            "desired_solution": data["desired_solution"],
            "name": data["name"].strip(),
            "email": data["email"],
            "phone": data["phone"].strip(),
            "postal_address": data["postal_address"].strip(),
            "attachments": data["attachments"],
        }


class ComplaintForm(ComplaintDetailsForm):
    """The parent's form on the site. `website` is the honeypot: hidden from people (CSS,
    aria-hidden, out of the tab order), filled in only by robots."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def caught_a_robot(self) -> bool:
        return bool(self.is_bound and str(self.data.get(HONEYPOT_FIELD, "")).strip())
