"""Complaints in the Wagtail admin: the list and one complaint's file with a form for each step
the user may take now (the steps themselves: views.actions and views.letters).

Who sees what is complaints.rules: a user with no complaints role gets 403, a complaint the
user may not open answers 404, as if it did not exist. The complainant's contact details show
only to whom may reach them (rules.can_view_complainant_contact).
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    DateField,
    F,
    IntegerField,
    Prefetch,
    Value,
    When,
    prefetch_related_objects,
)
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from community.models import User
from complaints.forms.handling import (
    HANDLER_MINE,
    HANDLER_NONE,
    STAGE_ALL,
    STAGE_OPEN,
    ComplaintFilterForm,
)
from complaints.models import (
    OPEN_STAGES,
    AnswerTemplate,
    Complaint,
    ComplaintEvent,
    ComplaintLetter,
    ConciliationEntry,
    Deadline,
    Kind,
    OmbudsNorm,
    Stage,
)
from complaints.rules import (
    can_open_complaints,
    can_view_complainant_contact,
    complaint_actions,
    visible_complaints,
)
from complaints.services.handling import (
    handler_choices,
)
from complaints.views.step_forms import step_forms
from feedback.forms.follow_ups import account_label
from feedback.views.request_roles import roles_remember
from insights.models import Action

COMPLAINTS_PER_PAGE = 25
LIST_FIELDS = (
    "pk",
    "reference",
    "kind",
    "channel",
    "received_at",
    "acknowledge_due",
    "answer_due",
    "stage",
    "summary",
    "service",
    "handler",
    "safeguarding_flagged_at",
    "solved_at",
)
# Where a step leaves the complaint: a step refused because the complaint is there already
# was taken a moment ago (a double click, a colleague).
TARGET_STAGES = {
    "acknowledge": Stage.ACKNOWLEDGED,
    "refuse": Stage.REFUSED,
    "start": Stage.IN_HANDLING,
    "answer": Stage.ANSWERED,
    "reopen": Stage.IN_HANDLING,
    "close": Stage.CLOSED,
    "not_a_complaint": Stage.CLOSED,
}


def complaints_allowed(request: HttpRequest) -> None:
    roles_remember(request)
    if not can_open_complaints(request.user):
        raise PermissionDenied


def _next_due() -> Case:
    return Case(
        When(kind=Kind.COMPLAINT, stage=Stage.RECEIVED, then=F("acknowledge_due")),
        When(
            kind=Kind.COMPLAINT,
            stage__in=[Stage.ACKNOWLEDGED, Stage.IN_HANDLING],
            then=F("answer_due"),
        ),
        default=Value(None),
        output_field=DateField(),
    )


@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Open complaints first, the most overdue first, then the rest newest first; filtered by
    stage, handler, channel and overdue. A fixed number of queries whatever the rows."""
    complaints_allowed(request)
    user = request.user
    handlers = list(handler_choices())
    form = ComplaintFilterForm(request.GET or None, handlers=handlers)
    today = timezone.localdate()
    complaints = visible_complaints(user).annotate(
        next_due=_next_due(),
        closed_last=Case(
            When(stage__in=OPEN_STAGES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    )
    stage = STAGE_OPEN
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        stage = data["stage"]
        if data["handler"] == HANDLER_MINE:
            complaints = complaints.filter(handler=user)
        elif data["handler"] == HANDLER_NONE:
            complaints = complaints.filter(handler__isnull=True)
        elif data["handler"]:
            complaints = complaints.filter(handler_id=int(data["handler"]))
        if data["channel"]:
            complaints = complaints.filter(channel=data["channel"])
        if data["overdue"]:
            complaints = complaints.filter(next_due__lt=today)
    if stage == STAGE_OPEN:
        complaints = complaints.filter(stage__in=OPEN_STAGES)
    elif stage != STAGE_ALL:
        complaints = complaints.filter(stage=stage)
    complaints = (
        complaints.select_related("handler")
        .only(*LIST_FIELDS, "handler__email", "handler__first_name", "handler__last_name")
        .order_by("closed_last", F("next_due").asc(nulls_last=True), "-received_at", "-pk")
    )
    page = Paginator(complaints, COMPLAINTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for complaint in rows:
        complaint.days_to_deadline = complaint.days_left(today)
        complaint.days_overdue = max(0, -(complaint.days_to_deadline or 0))
        complaint.handler_label = account_label(complaint.handler) if complaint.handler else ""
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/admin/complaint_list.html",
        {"form": form, "page": page, "complaints": rows, "filter_query": query.urlencode()},
    )


def complaint_for(request: HttpRequest, pk: int) -> Complaint:
    """The complaint if the user may open it (403 without a complaints role, else 404)."""
    complaints_allowed(request)
    complaint = (
        visible_complaints(request.user)
        .filter(pk=pk)
        .select_related(
            "handler",
            "about_user",
            "team__region",
            "contact",
            "created_by",
            "safeguarding_flagged_by",
        )
        .first()
    )
    if complaint is None:
        raise Http404
    return complaint


def attachment_url(pk: int) -> str:
    """The attachment's download view (the registration feature's)."""
    for name in ("complaints_admin_attachment", "complaints_attachment_download"):
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return f"/admin/complaints/attachments/{pk}/"


def _deadlines(complaint: Complaint, today) -> list[dict[str, Any]]:
    acknowledged = complaint.acknowledged_at or complaint.refused_at
    rows = [
        {
            "key": Deadline.ACKNOWLEDGE,
            "label": Deadline.ACKNOWLEDGE.label,
            "due": complaint.acknowledge_due,
            "done_at": acknowledged,
        },
        {
            "key": Deadline.ANSWER,
            "label": Deadline.ANSWER.label,
            "due": complaint.answer_due,
            "done_at": complaint.answered_at,
        },
    ]
    binding = complaint.is_open and complaint.kind == Kind.COMPLAINT
    for row in rows:
        row["days_left"] = (row["due"] - today).days if binding and row["done_at"] is None else None
        row["days_overdue"] = max(0, -(row["days_left"] or 0))
    if complaint.kind != Kind.COMPLAINT:
        return []
    if complaint.stage == Stage.REFUSED:
        return rows[:1]
    return rows


def _timeline(complaint: Complaint) -> list[dict[str, Any]]:
    events = list(
        ComplaintEvent.objects.filter(complaint=complaint)
        .select_related("actor")
        .order_by("at", "pk")
    )
    return [
        {
            "event": event,
            "actor": account_label(event.actor) if event.actor else "",
        }
        for event in events
    ]


def detail_render(
    request: HttpRequest,
    complaint: Complaint,
    *,
    forms: dict[str, Form] | None = None,
    open_action: str = "",
    templates: list[AnswerTemplate] | None = None,
) -> HttpResponse:
    """The complaint's page; `forms` are forms sent back with their errors (or filled in)."""
    user: User = request.user
    today = timezone.localdate()
    allowed = complaint_actions(user, complaint)
    prefetch_related_objects(
        [complaint],
        Prefetch("letters", queryset=ComplaintLetter.objects.select_related("sent_by")),
        Prefetch("conciliation", queryset=ConciliationEntry.objects.select_related("created_by")),
        "attachments",
        Prefetch("actions", queryset=Action.objects.only("pk", "title")),
        "codes",
    )
    linked_actions = list(complaint.actions.all())
    linked_codes = list(complaint.codes.all())
    attachments = [
        {"attachment": attachment, "url": attachment_url(attachment.pk)}
        for attachment in complaint.attachments.all()
    ]
    norms = [OmbudsNorm(norm).label for norm in complaint.norms or [] if norm in OmbudsNorm]
    return render(
        request,
        "complaints/admin/complaint_detail.html",
        {
            "complaint": complaint,
            "today": today,
            "days_left": complaint.days_left(today),
            "deadlines": _deadlines(complaint, today),
            "show_contact": can_view_complainant_contact(user, complaint),
            "handler_label": account_label(complaint.handler) if complaint.handler else "",
            "about_label": account_label(complaint.about_user) if complaint.about_user else "",
            "attachments": attachments,
            "letters": list(complaint.letters.all()),
            "conciliation": list(complaint.conciliation.all()),
            "linked_actions": linked_actions,
            "linked_codes": linked_codes,
            "norms": norms,
            "timeline": _timeline(complaint),
            "forms": step_forms(
                complaint,
                allowed=allowed,
                given=forms or {},
                templates=templates,
                linked_actions=linked_actions,
                linked_codes=linked_codes,
            ),
            "allowed": allowed,
            "open_action": open_action,
        },
    )


@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_render(request, complaint_for(request, pk))


def form_errors_add(form: Form, error: ValidationError) -> None:
    """A service's errors at the form's fields (others above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def step_refused(request: HttpRequest, complaint: Complaint, action: str, error) -> HttpResponse:
    """A step the complaint's state refused: nothing saved, say why at the top."""
    current = Complaint.objects.only("stage").get(pk=complaint.pk)
    if TARGET_STAGES.get(action) == current.stage:
        messages.info(
            request,
            gettext("Already done: the complaint is at the stage “%(stage)s”.")
            % {"stage": Stage(current.stage).label},
        )
    else:
        messages.warning(request, " ".join(error.messages))
    return redirect("complaints_admin_complaint", pk=complaint.pk)
