"""Forms of the team and region view and of the monthly report's adjustments."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models import Channel
from feedback.services.aggregates import month_add, month_start
from insights.models import ActionStatus

MONTHS_SHOWN_AT_MOST = 36
MONTHS_SHOWN_BY_DEFAULT = 12


class MonthField(forms.DateField):
    """A month as YYYY-MM (the browser's month picker), cleaned to the month's first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]

    def to_python(self, value) -> datetime.date | None:
        day = super().to_python(value)
        return month_start(day) if day else None


class TeamViewForm(forms.Form):
    """The period (months), channel, and a team or region among those the user sees."""

    first = MonthField(label=_("From month"), required=False)
    last = MonthField(label=_("To month"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All channels")), *Channel.choices],
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=None, empty_label=_("All my teams")
    )
    region = forms.ModelChoiceField(
        label=_("Region"), required=False, queryset=None, empty_label=_("All my regions")
    )

    def __init__(self, *args, teams, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["region"].queryset = regions

    def clean(self) -> dict:
        data = super().clean()
        this_month = month_start(timezone.localdate())
        last = data.get("last") or this_month
        first = data.get("first") or month_add(last, 1 - MONTHS_SHOWN_BY_DEFAULT)
        if "first" in self.errors or "last" in self.errors:
            return data
        if first > last:
            self.add_error(
                "first",
                ValidationError(_("The first month comes before the last."), code="order"),
            )
        elif month_add(first, MONTHS_SHOWN_AT_MOST) <= last:
            self.add_error(
                "first",
                ValidationError(
                    _("Choose at most %(months)d months.") % {"months": MONTHS_SHOWN_AT_MOST},
                    code="too_long",
                ),
            )
        if data.get("team") and data.get("region"):
            self.add_error(
                "region",
                ValidationError(_("Choose a team or a region, not both."), code="both"),
            )
        data["first"], data["last"] = first, last
        return data


class AdjustmentForm(forms.Form):
    """An adjustment decided from a report: what changes, who owns it, by when."""

    title = forms.CharField(label=_("What we change"), max_length=200)
    owner = forms.CharField(label=_("Owner"), max_length=120)
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea
    )


class AdjustmentStatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=ActionStatus.choices)
    reason = forms.CharField(
        label=_("Why dropped"), required=False, max_length=5000, widget=forms.Textarea
    )
