"""A complaints officer registers a complaint that came by phone, letter, e-mail or at a desk:
its channel and date of receipt, and the same details as the public form."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.forms.public import ComplaintDetailsForm
from complaints.models import ComplaintChannel
from complaints.models.handling import LANGUAGES

REGISTERED_CHANNELS = [
    (value, label)
    for value, label in ComplaintChannel.choices
    if value != ComplaintChannel.WEB_FORM
]


class ComplaintRegistrationForm(ComplaintDetailsForm):
    # A letter without a return address is registered too (and counted in the annual report).
    contact_required = False

    channel = forms.ChoiceField(
        label=_("How did the complaint reach us?"),
        choices=REGISTERED_CHANNELS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how the complaint reached us."),
            "invalid_choice": _("Choose how the complaint reached us."),
        },
    )
    received_on = forms.DateField(
        label=_("Date of receipt"),
        help_text=_(
            "The day the complaint reached Kind en Gezin: the deadlines count from this date."
        ),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the date the complaint reached us."),
            "invalid": _("Enter a date, such as 14-03-2026."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language of the complainant"),
        help_text=_("The receipt, the status page and the letters use this language."),
        choices=LANGUAGES,
        initial="nl",
    )

    field_order = ["channel", "received_on", "language"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["received_on"].initial = today
        self.fields["received_on"].widget.attrs["max"] = today.isoformat()
        self.fields["what_happened"].label = _("What happened, in the complainant's words")
        self.fields["what_happened"].help_text = _(
            "Write down what the complainant told or wrote. At most 5000 characters."
        )
        self.fields["desired_solution"].label = _("What the complainant would like")
        self.fields["desired_solution"].help_text = ""
        self.fields["happened_on"].help_text = _("The date it happened, if known.")
        self.fields["name"].label = _("Name of the complainant")
        self.fields["email"].help_text = _("The receipt with the status link goes to this address.")
        self.fields["attachments"].label = _("Files the complainant sent")

    def clean_received_on(self) -> datetime.date:
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise ValidationError(_("The date of receipt cannot be in the future."), code="future")
        return received_on

    def clean(self) -> dict:
        cleaned = super().clean()
        happened_on, received_on = cleaned.get("happened_on"), cleaned.get("received_on")
        if happened_on and received_on and happened_on > received_on:
            self.add_error(
                "happened_on",
                ValidationError(
                    _("It cannot have happened after the complaint reached us."),
                    code="after_receipt",
                ),
            )
        return cleaned

    def details(self) -> dict:
        data = self.cleaned_data
        return {
            **super().details(),
            "channel": data["channel"],
            "received_on": data["received_on"],
            "language": data["language"],
        }
