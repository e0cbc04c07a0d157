"""The research profile form: every field optional, each one saying why it is asked."""

import datetime

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from community.models import FamilySituation, Language, MemberProfile, Province, ServiceChannel
from community.models.profiles import (
    EARLIEST_BIRTH_MONTH,
    LONGEST_PREGNANCY_MONTHS,
    age_band,
    month_start,
    months_added,
)

CHILD_ROWS_EXTRA = 2  # empty rows always shown, so adding a child works without JavaScript
CHILDREN_MAX = 12
RATHER_NOT_SAY = ("", _("I'd rather not say"))


class ChildStatus(models.TextChoices):
    BORN = "born", _("Born")
    EXPECTING = "expecting", _("Expecting (due month)")


MONTH_CHOICES = [
    ("", _("Choose a month")),
    *((str(number), name) for number, name in MONTHS.items()),
]


def age_band_label(month: datetime.date, today: datetime.date | None = None) -> str:
    band = age_band(month, today)
    return str(band.label) if band else str(_("12 years or older"))


class ChildForm(forms.Form):
    """One child, or one pregnancy: only the month and year are asked, never the day."""

    status = forms.ChoiceField(
        label=_("Born or expecting?"),
        choices=ChildStatus.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    month = forms.TypedChoiceField(
        label=_("Month of birth or due month"),
        choices=MONTH_CHOICES,
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("Choose a month from the list.")},
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4}),
        error_messages={"invalid": _("Fill in the year as four digits, for example 2024.")},
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    @property
    def saved_month(self) -> datetime.date | None:
        return self.initial.get("saved_month")

    @property
    def age_band_label(self) -> str:
        """The age band of the child as saved, derived today (empty for new rows)."""
        return age_band_label(self.saved_month, self.today) if self.saved_month else ""

    def clean(self) -> dict:
        cleaned = super().clean()
        status, month, year = (cleaned.get(name) for name in ("status", "month", "year"))
        if self.errors or not (status or month or year):
            return cleaned  # a row left empty is no child, not an error
        if not status:
            self.add_error("status", _("Choose 'born' or 'expecting'."))
        if not month:
            self.add_error("month", _("Choose the month."))
        if year is None:
            self.add_error("year", _("Fill in the year."))
        elif not 1000 <= year <= 9999:
            self.add_error("year", _("Fill in the year as four digits, for example 2024."))
        if self.errors:
            return cleaned

        chosen = datetime.date(year, month, 1)
        current = month_start(self.today)
        if chosen < EARLIEST_BIRTH_MONTH:
            self.add_error("year", _("Choose a month from January 1990 onwards."))
        elif status == ChildStatus.BORN and chosen > current:
            self.add_error("status", _("A child that is not born yet: choose 'expecting'."))
        elif status == ChildStatus.EXPECTING and chosen < current:
            self.add_error(
                "month", _("This due month has passed. Is your child born? Then choose 'born'.")
            )
        elif status == ChildStatus.EXPECTING and chosen > months_added(
            current, LONGEST_PREGNANCY_MONTHS
        ):
            self.add_error(
                "month",
                _("A due month can be at most %(months)d months from now.")
                % {"months": LONGEST_PREGNANCY_MONTHS},
            )
        else:
            cleaned["child_month"] = chosen
        return cleaned


class BaseChildFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this child from my profile")

    def months(self) -> list[datetime.date]:
        """The birth or due months of the children to keep (rows left empty are skipped)."""
        return [
            form.cleaned_data["child_month"]
            for form in self.forms
            if "child_month" in form.cleaned_data and not self._should_delete_form(form)
        ]


ChildFormSet = forms.formset_factory(
    ChildForm,
    formset=BaseChildFormSet,
    extra=CHILD_ROWS_EXTRA,
    can_delete=True,
    can_delete_extra=False,
    max_num=CHILDREN_MAX,
    validate_max=True,
)


def children_initial(
    profile: MemberProfile | None, today: datetime.date | None = None
) -> list[dict]:
    """The saved children as form rows: expected while the due month is still ahead."""
    if profile is None:
        return []
    current = month_start(today)
    return [
        {
            "status": ChildStatus.EXPECTING if child.month > current else ChildStatus.BORN,
            "month": child.month.month,
            "year": child.month.year,
            "saved_month": child.month,
        }
        for child in profile.children.all()
    ]


def children_formset(
    data: dict | None, profile: MemberProfile | None, today: datetime.date | None = None
) -> BaseChildFormSet:
    return ChildFormSet(
        data,
        initial=children_initial(profile, today),
        prefix="children",
        form_kwargs={"today": today},
        error_messages={"too_many_forms": _("You can add at most %(num)d children.")},
    )


class ProfileForm(forms.Form):
    """Everything but the children. Each field says in one sentence why we ask it."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    province = forms.ChoiceField(
        label=_("Where do you live?"),
        help_text=_(
            "So we can invite parents from every region and hear what differs between them."
        ),
        choices=[RATHER_NOT_SAY, *Province.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Which languages do you speak at home?"),
        help_text=_(
            "So we also hear from families who speak another language at home, and can offer "
            "projects in a language that suits them."
        ),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    family_situation = forms.ChoiceField(
        label=_("What is your family situation?"),
        help_text=_("Families live in many ways; this helps us listen to all of them."),
        choices=[RATHER_NOT_SAY, *FamilySituation.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    service_channel = forms.ChoiceField(
        label=_("How did you come to know Kind en Gezin?"),
        help_text=_("This shows us which of our services reach parents, and which do not yet."),
        choices=[RATHER_NOT_SAY, *ServiceChannel.choices],
        widget=forms.RadioSelect,
        required=False,
    )

    @classmethod
    def initial_for(cls, profile: MemberProfile | None) -> dict:
        if profile is None:
            return {}
        return {
            "province": profile.province,
            "languages": profile.languages,
            "family_situation": profile.family_situation,
            "service_channel": profile.service_channel,
        }


# Shown above the children rows; the other fields carry their own help text.
CHILDREN_HELP_TEXT = _(
    "With the month your child was born, or is due, we can invite you to projects about "
    "children of that age. We never ask for the exact day."
)
