"""Forms of the complaints dashboard (the period) and the annual report (year and version)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints.services.annual_report import INTERNAL, PUBLISHED
from complaints.services.statistics import today_local
from feedback.forms.reports import MonthField
from feedback.services.aggregates import month_add, month_start

MONTHS_SHOWN_BY_DEFAULT = 12
MONTHS_SHOWN_AT_MOST = 60


class DashboardForm(forms.Form):
    """The period of the dashboard's figures: from month, to month (default the last 12)."""

    first = MonthField(label=_("From month"), required=False)
    last = MonthField(label=_("To month"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        if "first" in self.errors or "last" in self.errors:
            return data
        last = data.get("last") or month_start(today_local())
        first = data.get("first") or month_add(last, 1 - MONTHS_SHOWN_BY_DEFAULT)
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
        data["first"], data["last"] = first, last
        return data


def version_choices(*, internal_allowed: bool) -> list[tuple[str, str]]:
    published = (PUBLISHED, _("Published: fewer than 5 hidden"))
    if not internal_allowed:
        return [published]
    return [(INTERNAL, _("Internal: all numbers")), published]


class AnnualReportForm(forms.Form):
    """Which year's report, in which version (the internal one only for whom may see it)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    version = forms.ChoiceField(label=_("Version"))

    def __init__(self, *args, years: list[int], internal_allowed: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["version"].choices = version_choices(internal_allowed=internal_allowed)
