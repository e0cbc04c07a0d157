"""The JSON bodies the contact centre and the e-mail desk post (feedback.views.api), checked
field by field. A field of the wrong JSON type is refused rather than turned into a string.

Keypad digits of a helpline call: `satisfaction` 1–5 (1 very dissatisfied … 5 very satisfied,
required) and `answered` 1 yes, 2 partly, 3 no (optional).
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from feedback.models import Channel, Contact, QuestionAnswered, StaffMember

ANSWERED_DIGITS = {1: QuestionAnswered.YES, 2: QuestionAnswered.PARTLY, 3: QuestionAnswered.NO}
SATISFACTION_DIGITS = range(1, 6)
BULK_CHANNELS = (Channel.CONSULTATION, Channel.HOME_VISIT)
BULK_MAX_CONTACTS = 500
REFERENCE_MAX_LENGTH = Contact._meta.get_field("external_reference").max_length
# A contact from the future is a clock or a typing error, beyond a few minutes' drift.
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)


class JsonForm(forms.Form):
    """A form over a parsed JSON object: strings must be strings, and times carry their
    offset (a time without one is read in the site's time zone)."""

    string_fields: tuple[str, ...] = ()

    def __init__(self, data: dict) -> None:
        super().__init__(data=data)
        self.json_data = data

    def clean(self) -> dict:
        for name in self.string_fields:
            value = self.json_data.get(name)
            if value is not None and not isinstance(value, str):
                self.add_error(name, ValidationError("Must be a JSON string.", code="not_a_string"))
        return super().clean()


def _contact_time(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError("The time lies in the future.", code="future")
    return value


class ContactFields(JsonForm):
    """What every posted contact has: its time and the staff member's number."""

    time = forms.DateTimeField()
    staff_id = forms.CharField(max_length=StaffMember._meta.get_field("staff_number").max_length)

    def clean_time(self) -> datetime.datetime:
        return _contact_time(self.cleaned_data["time"])


def staff_by_number(numbers: set[str]) -> dict[str, StaffMember]:
    """The staff members with these numbers, with their team (one query)."""
    return {
        staff.staff_number: staff
        for staff in StaffMember.objects.select_related("team").filter(staff_number__in=numbers)
    }


class HelplineCallForm(ContactFields):
    string_fields = ("call_id", "time", "staff_id")

    call_id = forms.CharField(max_length=REFERENCE_MAX_LENGTH)


def helpline_digits(digits: object) -> tuple[dict, dict[str, list[dict]]]:
    """The answers behind a call's keypad digits, or the errors per digit. Digits may be JSON
    numbers or one-digit strings; an unknown key is an error (a typo would lose an answer)."""
    if not isinstance(digits, dict):
        return {}, {"digits": [{"code": "invalid", "message": "Must be a JSON object."}]}
    errors: dict[str, list[dict]] = {}
    answers: dict = {}
    for key in sorted(set(digits) - {"satisfaction", "answered"}):
        errors[f"digits.{key}"] = [{"code": "unknown", "message": "Unknown question."}]
    satisfaction = _digit(digits.get("satisfaction"))
    if satisfaction not in SATISFACTION_DIGITS:
        errors["digits.satisfaction"] = [
            {"code": "invalid", "message": "Required: a digit from 1 to 5."}
        ]
    else:
        answers["score"] = satisfaction
    if digits.get("answered") is not None:
        answered = _digit(digits["answered"])
        if answered not in ANSWERED_DIGITS:
            errors["digits.answered"] = [
                {"code": "invalid", "message": "1 (yes), 2 (partly) or 3 (no)."}
            ]
        else:
            answers["question_answered"] = ANSWERED_DIGITS[answered]
    return answers, errors


def _digit(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and len(value) == 1 and value.isdigit():
        return int(value)
    return None


class EmailAnswerForm(ContactFields):
    string_fields = ("ticket_id", "time", "staff_id", "email")

    ticket_id = forms.CharField(max_length=REFERENCE_MAX_LENGTH)
    email = forms.EmailField()


class BulkInvitationForm(ContactFields):
    string_fields = ("reference", "time", "staff_id", "channel")

    channel = forms.ChoiceField(choices=[(c.value, c.label) for c in BULK_CHANNELS])
    reference = forms.CharField(max_length=REFERENCE_MAX_LENGTH)
