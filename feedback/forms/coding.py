"""Forms of coding feedback comments and citing them for actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from insights.models import Action, ActionStatus, Code


class ResponseCodesForm(forms.Form):
    """The global codes a comment has: ticked ones are given, unticked ones taken off."""

    codes = forms.ModelMultipleChoiceField(
        label=_("Codes"),
        required=False,
        queryset=Code.objects.active().filter(project__isnull=True),
        widget=forms.CheckboxSelectMultiple,
    )


def open_actions():
    """Actions that can still take evidence: planned or in progress."""
    return Action.objects.filter(status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])


class CiteForActionForm(forms.Form):
    action = forms.ModelChoiceField(label=_("Cite as evidence for"), queryset=open_actions())


class ActionEvidenceForm(forms.Form):
    """The action side: which comment (among those the user sees) the action cites."""

    response = forms.ModelChoiceField(label=_("Comment"), queryset=None)

    def __init__(self, *args, responses, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["response"].queryset = responses
        self.fields["response"].label_from_instance = lambda response: (
            f"{response.submitted_at:%Y-%m-%d} · {response.comment[:80]}"
        )
