"""Forms of the complaints pages in the admin: the list's filter and one form per handling
step. Choices are read by the view once per page and passed in, so a form costs no query."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import User
from complaints.forms.letters import LetterForm, StepForm
from complaints.models import (
    ComplaintChannel,
    ConciliationKind,
    LetterKind,
    OmbudsNorm,
    Outcome,
    RefusalGround,
    Service,
    Stage,
)
from complaints.services.handling import NOTE_MAX_LENGTH
from feedback.forms.follow_ups import account_label

HANDLER_MINE = "mine"
HANDLER_NONE = "none"
STAGE_OPEN = ""
STAGE_ALL = "all"


def _note(label, required_message, help_text="", required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
        error_messages={"required": required_message},
    )


class ComplaintFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[(STAGE_OPEN, _("All open ones")), *Stage.choices, (STAGE_ALL, _("All"))],
    )
    handler = forms.ChoiceField(label=_("Handler"), required=False)
    channel = forms.ChoiceField(
        label=_("Received by"),
        required=False,
        choices=[("", _("Any channel")), *ComplaintChannel.choices],
    )
    overdue = forms.BooleanField(label=_("Only overdue ones"), required=False)

    def __init__(self, *args, handlers: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = [
            ("", _("Anyone")),
            (HANDLER_MINE, _("Mine")),
            (HANDLER_NONE, _("Nobody yet")),
            *((str(user.pk), account_label(user)) for user in handlers),
        ]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return account_label(obj)


class _Choices(StepForm):
    """A form whose user choices come from a list already read (no query when rendered)."""

    def _users(self, name: str, users: list[User]) -> None:
        field = self.fields[name]
        field.queryset = User.objects.filter(pk__in=[user.pk for user in users])
        field.choices = [
            ("", field.empty_label or "---------"),
            *((user.pk, account_label(user)) for user in users),
        ]


class AssignForm(_Choices):
    step = "assign"
    handler = UserChoiceField(
        label=_("Handler"),
        queryset=User.objects.none(),
        empty_label=_("Choose a complaints officer"),
        help_text=_("A complaints officer or lead, never the person the complaint is about."),
        error_messages={"required": _("Choose who handles the complaint.")},
    )

    def __init__(self, *args, handlers: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._users("handler", handlers)


class AcknowledgeForm(LetterForm):
    step = "acknowledge"
    kind = LetterKind.ACKNOWLEDGEMENT


class RefuseForm(LetterForm):
    step = "refuse"
    kind = LetterKind.REFUSAL
    field_order = ["refusal_ground", "refusal_reason", "template", "subject", "body"]

    refusal_ground = forms.ChoiceField(
        label=_("Ground"),
        choices=[("", _("Choose the ground")), *RefusalGround.choices],
        help_text=_("The grounds the Bestuursdecreet allows (article II.79)."),
        error_messages={"required": _("Choose the ground for the refusal.")},
    )
    refusal_reason = _note(
        _("Reason, in words the parent understands"),
        _("Write the reason for the refusal."),
        help_text=_("It goes into the letter in place of {refusal_reason}."),
    )


class AnswerForm(LetterForm):
    step = "answer"
    kind = LetterKind.ANSWER
    field_order = ["outcome", "norms", "template", "subject", "body"]

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Choose the outcome")), *Outcome.choices],
        error_messages={"required": _("Choose the outcome.")},
    )
    norms = forms.MultipleChoiceField(
        label=_("Ombudsman norms at stake"),
        required=False,
        choices=OmbudsNorm.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class CloseForm(StepForm):
    step = "close"
    note = _note(
        _("Why it is closed"),
        _("Write why the complaint is closed before it was answered."),
        help_text=_("Needed when it was not answered, refused or solved: withdrawn, for example."),
        required=False,
    )


class ReopenForm(StepForm):
    step = "reopen"
    reason = _note(_("Why it is reopened"), _("Write why the complaint is reopened."))


class SolvedForm(StepForm):
    step = "solved"
    note = _note(_("How it was solved"), _("Write how it was solved."))


class NotAComplaintForm(StepForm):
    step = "not_a_complaint"
    reason = _note(
        _("Why this is not a complaint"),
        _("Write why this is not a complaint."),
        help_text=_("A question, a first request for a service or a suggestion, for example."),
    )


class SafeguardingForm(StepForm):
    step = "safeguarding"
    note = _note(
        _("The concern about the child's safety"),
        _("Write what the concern is."),
        help_text=_(
            "The safeguarding officers get a notification and an e-mail at once, and can then "
            "open this complaint."
        ),
    )


class ConciliationForm(StepForm):
    step = "conciliation"
    kind = forms.ChoiceField(
        label=_("What kind of contact"),
        choices=[("", _("Choose")), *ConciliationKind.choices],
        error_messages={"required": _("Choose what kind of contact it was.")},
    )
    happened_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Give the date."), "invalid": _("Give a real date.")},
    )
    summary = forms.CharField(
        label=_("What was said or agreed"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write what was said or agreed.")},
    )

    def clean_happened_on(self):
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")
        return day


class DetailsForm(_Choices):
    step = "details"
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=200,
        help_text=_("A short, neutral summary for the list (no names)."),
    )
    service = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("Not known")), *Service.choices]
    )
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    about_user = UserChoiceField(
        label=_("Staff member the complaint is about"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Nobody in particular"),
        help_text=_("They do not see the complaint; you may share its outcome with them."),
    )
    contact = forms.CharField(
        label=_("Feedback contact"),
        required=False,
        max_length=100,
        help_text=_("The contact's reference (call, appointment or ticket id) or its number."),
    )
    actions = forms.TypedMultipleChoiceField(
        label=_("Improvements that followed (actions)"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    codes = forms.TypedMultipleChoiceField(
        label=_("Analysis codes"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Codes of the shared codebook."),
    )

    def __init__(
        self, *args, subjects: list[User], teams: list, actions: list, codes: list, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self._users("about_user", subjects)
        self.teams = {team.pk: team for team in teams}
        self.actions = {action.pk: action for action in actions}
        self.codes = {code.pk: code for code in codes}
        self.fields["team"].choices = [
            ("", _("No team")),
            *((team.pk, str(team)) for team in teams),
        ]
        self.fields["actions"].choices = [(action.pk, action.title) for action in actions]
        self.fields["codes"].choices = [(code.pk, code.name) for code in codes]

    def clean_team(self):
        pk = self.cleaned_data.get("team")
        return self.teams.get(pk) if pk is not None else None

    def clean_actions(self) -> list:
        return [self.actions[pk] for pk in self.cleaned_data.get("actions", [])]

    def clean_codes(self) -> list:
        return [self.codes[pk] for pk in self.cleaned_data.get("codes", [])]
