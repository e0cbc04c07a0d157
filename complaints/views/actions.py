"""The handling steps, sent from a complaint's page (POST only): one form per step, checked,
then the service, then back to the complaint with a message.

A form with a mistake shows the page again with the message at the field and the text kept;
a step the stage no longer allows (another officer was quicker, a double click) says so at the
top and saves nothing. Not allowed to take the step: 403 (404 when the complaint is hidden).
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from complaints.forms.handling import (
    AssignForm,
    CloseForm,
    ConciliationForm,
    DetailsForm,
    NotAComplaintForm,
    ReopenForm,
    SafeguardingForm,
    SolvedForm,
)
from complaints.models import Complaint
from complaints.rules import (
    HANDLING_ACTIONS,
    can_assign_complaint,
    can_handle_complaint,
    complaint_actions,
)
from complaints.services import details
from complaints.services import handling as services
from complaints.services.conciliation import conciliation_entry_add
from complaints.services.safeguarding import complaint_flag_safeguarding
from complaints.views import letters
from complaints.views.handling import (
    complaint_for,
    detail_render,
    form_errors_add,
    step_refused,
)
from complaints.views.step_forms import details_choices

DONE = {
    "assign": _("The handler is set and was told."),
    "start": _("The complaint is in handling."),
    "reopen": _("The complaint is in handling again."),
    "close": _("The complaint is closed."),
    "solved": _("Recorded: solved to the parent's satisfaction."),
    "not_a_complaint": _("Registered as not a complaint, and closed."),
    "details": _("The details are saved."),
    "conciliation": _("Added to the conciliation log."),
    "safeguarding": _("The safeguarding officers were told."),
    "share": _("The outcome is shared with the staff member."),
}


def form_step(
    request: HttpRequest,
    complaint: Complaint,
    action: str,
    form: Form,
    call: Callable[[dict[str, Any]], Any],
) -> HttpResponse:
    if not form.is_valid():
        return detail_render(request, complaint, forms={action: form}, open_action=action)
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            return step_refused(request, complaint, action, error)
        form_errors_add(form, error)
        return detail_render(request, complaint, forms={action: form}, open_action=action)
    messages.success(request, str(DONE[action]))
    return redirect("complaints_admin_complaint", pk=complaint.pk)


def _assign(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    form = AssignForm(request.POST, handlers=list(services.handler_choices()))
    return form_step(
        request,
        complaint,
        "assign",
        form,
        lambda data: services.complaint_assign(
            complaint=complaint, handler=data["handler"], by=request.user
        ),
    )


def _details(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    form = DetailsForm(request.POST, **details_choices())
    return form_step(
        request,
        complaint,
        "details",
        form,
        lambda data: details.complaint_details_update(
            complaint=complaint,
            by=request.user,
            summary=data["summary"],
            service=data["service"],
            team=data["team"],
            about_user=data["about_user"],
            contact_reference=data["contact"],
            actions=data["actions"],
            codes=data["codes"],
        ),
    )


def _noted(service: Callable, form_class: type[Form], field: str, keyword: str):
    def step(request: HttpRequest, complaint: Complaint, action: str) -> HttpResponse:
        return form_step(
            request,
            complaint,
            action,
            form_class(request.POST),
            lambda data: service(complaint=complaint, by=request.user, **{keyword: data[field]}),
        )

    return step


NOTED_STEPS = {
    "close": _noted(services.complaint_close, CloseForm, "note", "note"),
    "reopen": _noted(services.complaint_reopen, ReopenForm, "reason", "reason"),
    "solved": _noted(services.complaint_mark_solved, SolvedForm, "note", "note"),
    "not_a_complaint": _noted(
        services.complaint_mark_not_a_complaint, NotAComplaintForm, "reason", "reason"
    ),
    "safeguarding": _noted(complaint_flag_safeguarding, SafeguardingForm, "note", "note"),
}


def _plain(request: HttpRequest, complaint: Complaint, action: str, service) -> HttpResponse:
    try:
        service(complaint=complaint, by=request.user)
    except ValidationError as error:
        return step_refused(request, complaint, action, error)
    messages.success(request, str(DONE[action]))
    return redirect("complaints_admin_complaint", pk=complaint.pk)


def _conciliation(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    return form_step(
        request,
        complaint,
        "conciliation",
        ConciliationForm(request.POST),
        lambda data: conciliation_entry_add(
            complaint=complaint,
            kind=data["kind"],
            happened_on=data["happened_on"],
            summary=data["summary"],
            by=request.user,
        ),
    )


@require_POST
def complaint_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One handling step on the complaint."""
    if action not in HANDLING_ACTIONS:
        raise Http404
    complaint = complaint_for(request, pk)
    user = request.user
    may = (
        can_assign_complaint(user) if action == "assign" else can_handle_complaint(user, complaint)
    )
    if not may:
        raise PermissionDenied
    if action not in complaint_actions(user, complaint):
        return step_refused(
            request,
            complaint,
            action,
            ValidationError(gettext("This step is not possible now.")),
        )
    if action in letters.LETTER_STEPS:
        return letters.letter_step(request, complaint, action)
    if action == "assign":
        return _assign(request, complaint)
    if action == "details":
        return _details(request, complaint)
    if action == "conciliation":
        return _conciliation(request, complaint)
    if action == "start":
        return _plain(request, complaint, action, services.complaint_start_handling)
    if action == "share":
        return _plain(request, complaint, action, details.complaint_share_outcome)
    return NOTED_STEPS[action](request, complaint, action)
