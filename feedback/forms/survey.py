"""The parent's micro-survey: the questions of the channel's current survey version, checked on
the server as strictly as the browser checks them (the page needs no JavaScript, and a hand-made
POST must not get further than a browser's)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

from feedback.models import COMMENT_MAX_LENGTH, QuestionAnswered, SurveyVersion
from feedback.models.surveys import CONTACT_DETAIL_MAX_LENGTH

# A phone number as people type it: digits with spaces, dots, dashes, slashes, brackets and
# a leading + or 00; between 8 digits (a Belgian landline without 0) and 15 (ITU E.164).
PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ./()\-]+$")
PHONE_DIGITS = (8, 15)


class Score(models.IntegerChoices):
    """The satisfaction scale, each step with its face and its word."""

    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neutral")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


def _score_choices() -> list[tuple[int, str]]:
    return Score.choices


def _question_answered_choices() -> list[tuple[str, str]]:
    return QuestionAnswered.choices


def score_from_query(value: str | None) -> int | None:
    """The score an e-mail link chose (`?score=4`), if it is one of the scale's."""
    if value and value.isdigit() and int(value) in Score.values:
        return int(value)
    return None


def contact_detail_validate(value: str) -> None:
    """A phone number or an e-mail address, whichever it looks like."""
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                _("Enter a valid e-mail address, such as name@example.com."), code="invalid"
            ) from None
        return
    digits = sum(character.isdigit() for character in value)
    if not PHONE_CHARACTERS.match(value) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ValidationError(
            _("Enter a phone number (such as 0470 12 34 56) or an e-mail address."),
            code="invalid",
        )


class CommentField(forms.CharField):
    """Plain text; a line break counts as one character, as the browser's maxlength counts
    it (it sends CR LF, which would otherwise make a full textarea one too long per line)."""

    def to_python(self, value: object) -> str:
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return super().to_python(value)


class SurveyForm(forms.Form):
    """One screen, one Send button: the score, "question answered?" when the version asks it,
    an optional comment and an optional way to be contacted."""

    # Choices given as functions: every form deep-copies its fields, and a list of choices
    # with translatable labels cost more to copy than the rest of the form (bench/survey.py).
    score = forms.TypedChoiceField(
        choices=_score_choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    question_answered = forms.ChoiceField(
        choices=_question_answered_choices, widget=forms.RadioSelect, required=False
    )
    comment = CommentField(
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Keep it to %(limit_value)d characters (you wrote %(show_value)d).")
        },
    )
    may_contact = forms.BooleanField(required=False)
    contact_detail = forms.CharField(
        required=False,
        max_length=CONTACT_DETAIL_MAX_LENGTH,
        label=_("Your phone number or e-mail address"),
    )

    def __init__(self, *args, version: SurveyVersion, english: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.version = version

        def text(name: str) -> str:
            return getattr(version, f"{name}_en" if english else name) or getattr(version, name)

        self.fields["score"].label = text("satisfaction_question")
        self.fields["comment"].label = text("improvement_question")
        self.fields["may_contact"].label = text("contact_question")
        if version.asks_question_answered:
            self.fields["question_answered"].label = text("answered_question")
        else:
            del self.fields["question_answered"]

    def full_clean(self) -> None:
        super().full_clean()
        # The message above a text box is read out with it (the radio groups' fieldsets
        # point at theirs in the template).
        for name in self.errors:
            if name in self.fields and name not in ("score", "question_answered"):
                self.fields[name].widget.attrs["aria-describedby"] = f"error-{name}"

    def clean(self) -> dict:
        cleaned = super().clean()
        detail = cleaned.get("contact_detail", "")
        if not cleaned.get("may_contact"):
            # Typed, then the box unticked: they changed their mind, so it is not kept.
            cleaned["contact_detail"] = ""
            self.errors.pop("contact_detail", None)
        elif "contact_detail" in self.errors:
            pass
        elif not detail:
            self.add_error(
                "contact_detail",
                ValidationError(
                    _("Tell us how we can reach you: a phone number or an e-mail address."),
                    code="required",
                ),
            )
        else:
            try:
                contact_detail_validate(detail)
            except ValidationError as error:
                self.add_error("contact_detail", error)
        return cleaned

    def answers(self) -> dict:
        """The cleaned answers as response_submit takes them."""
        data = self.cleaned_data
        return {
            "score": data["score"],
            "question_answered": data.get("question_answered", ""),
            "comment": data["comment"],
            "may_contact": data["may_contact"],
            "contact_detail": data["contact_detail"] if data["may_contact"] else "",
        }
