"""Forms of the follow-up pages: the list's filter, choosing an owner and closing an item."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import User
from feedback.models import FollowUpStatus, Team
from feedback.services.followups import OUTCOME_MAX_LENGTH


def account_label(user: User) -> str:
    """How staff see a colleague's account: name and e-mail address (staff only, never
    parents)."""
    name = user.get_full_name().strip()
    return f"{name} ({user.email})" if name else user.email


class FollowUpFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All that are not closed")), *FollowUpStatus.choices, ("all", _("All"))],
    )
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, teams: list[Team], **kwargs) -> None:
        """`teams`: the teams the user sees, already read (the choices cost no query)."""
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [
            ("", _("All my teams")),
            *((team.pk, str(team)) for team in teams),
        ]


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return account_label(obj)


class FollowUpAssignForm(forms.Form):
    owner = OwnerChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        help_text=_("One of the team's leads."),
    )

    def __init__(self, *args, leads: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(
            pk__in=[lead.pk for lead in leads]
        ).order_by("email")


class FollowUpCloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("What was done"),
        max_length=OUTCOME_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example: called the parent, talked it over in the team, changed the way we "
            "work. The monthly report shows it."
        ),
        error_messages={"required": _("Write what was done before you close the item.")},
    )
