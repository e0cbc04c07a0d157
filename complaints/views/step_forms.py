"""The forms of the steps on a complaint's page, as they first show: the current handler
chosen, the default letter template (the acknowledgement already filled in), today's date for
the log, the complaint's details. Their choices are read once per page."""

from typing import Any

from django.forms import Form
from django.utils import timezone

from complaints.forms.handling import (
    AcknowledgeForm,
    AnswerForm,
    AssignForm,
    CloseForm,
    ConciliationForm,
    DetailsForm,
    NotAComplaintForm,
    RefuseForm,
    ReopenForm,
    SafeguardingForm,
    SolvedForm,
)
from complaints.models import AnswerTemplate, Complaint, LetterKind
from complaints.services.details import complaint_codes
from complaints.services.handling import handler_choices, subject_choices
from complaints.services.letters import (
    letter_fill,
    letter_language,
    letter_template_default,
    letter_templates,
)
from feedback.models import Team
from insights.models import Action

LETTER_ACTIONS = {"acknowledge": AcknowledgeForm, "refuse": RefuseForm, "answer": AnswerForm}


def _details_initial(complaint: Complaint, actions: list, codes: list) -> dict[str, Any]:
    contact = complaint.contact
    return {
        "summary": complaint.summary,
        "service": complaint.service,
        "team": complaint.team_id,
        "about_user": complaint.about_user_id,
        "contact": (contact.external_reference or str(contact.pk)) if contact else "",
        "actions": [action.pk for action in actions],
        "codes": [code.pk for code in codes],
    }


def _letter_form_initial(
    complaint: Complaint, kind: str, templates: list[AnswerTemplate]
) -> dict[str, Any]:
    """The default template preselected; the acknowledgement already filled in (everything it
    needs is known), the others once the officer chose a ground or an outcome."""
    template = letter_template_default(templates, kind=kind, language=letter_language(complaint))
    if template is None:
        return {}
    initial: dict[str, Any] = {"template": template.pk}
    if kind == LetterKind.ACKNOWLEDGEMENT:
        draft = letter_fill(template=template, complaint=complaint)
        initial.update(subject=draft.subject, body=draft.body)
    return initial


def step_forms(
    complaint: Complaint,
    *,
    allowed: set[str],
    given: dict[str, Form],
    templates: list[AnswerTemplate] | None,
    linked_actions: list,
    linked_codes: list,
) -> dict[str, Form]:
    """A form for each step the user may take now; `given` ones (sent back with errors, or a
    letter filled in) in their place."""
    forms: dict[str, Form] = {}

    def want(action: str) -> bool:
        if action in given:
            forms[action] = given[action]
            return False
        return action in allowed

    if want("assign"):
        forms["assign"] = AssignForm(
            handlers=list(handler_choices()), initial={"handler": complaint.handler_id}
        )
    letter_kinds = {
        "acknowledge": LetterKind.ACKNOWLEDGEMENT,
        "refuse": LetterKind.REFUSAL,
        "answer": LetterKind.ANSWER,
    }
    for action, form_class in LETTER_ACTIONS.items():
        if want(action):
            if templates is None:
                templates = letter_templates()
            forms[action] = form_class(
                templates=templates,
                initial=_letter_form_initial(complaint, letter_kinds[action], templates),
            )
    simple = {
        "close": CloseForm,
        "reopen": ReopenForm,
        "solved": SolvedForm,
        "not_a_complaint": NotAComplaintForm,
        "safeguarding": SafeguardingForm,
        "conciliation": ConciliationForm,
    }
    for action, form_class in simple.items():
        if want(action):
            initial = {"happened_on": timezone.localdate()} if action == "conciliation" else {}
            forms[action] = form_class(initial=initial)
    if want("details"):
        forms["details"] = DetailsForm(
            initial=_details_initial(complaint, linked_actions, linked_codes),
            **details_choices(),
        )
    return forms


def details_choices() -> dict[str, list]:
    """What the details form offers: staff accounts, teams, actions and global codes."""
    return {
        "subjects": list(subject_choices()),
        "teams": list(Team.objects.select_related("region").order_by("region__name", "name")),
        "actions": list(Action.objects.only("pk", "title").order_by("title", "pk")),
        "codes": list(complaint_codes().only("pk", "name")),
    }
