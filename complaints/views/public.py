"""The parent's pages: the complaint form (no account needed), the receipt and the status page
behind the status link (`/klacht/status/<token>/`, English `/en/complaint/status/<token>/`).

The status link's token is shown once, on the receipt (put there through the session, never
in an address the parent did not get from us) and in the receipt mail. The status page is
`no-store`, `noindex` and sends no referrer, like the feedback survey behind its link.
"""

import re
from http import HTTPStatus

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from complaints.forms.public import ComplaintDetailsForm, ComplaintForm
from complaints.models import (
    ACKNOWLEDGE_WITHIN_DAYS,
    ANSWER_WITHIN_DAYS,
    Complaint,
    ComplaintLetter,
    Kind,
    RefusalGround,
    Stage,
)
from complaints.services.intake import (
    Receipt,
    complaint_rate_count,
    complaint_rate_limited,
    complaint_send,
    receipt_of_submission,
)
from feedback.tokens import token_hash

RECEIPT_SESSION_KEY = "complaint_receipt"
# What token_new makes (URL-safe base64), with room for longer ones; anything else is not a
# link we sent and is not looked up.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# What the status page reads: nothing of the complainant's own words or details.
STATUS_FIELDS = (
    "reference",
    "kind",
    "stage",
    "language",
    "received_at",
    "acknowledge_due",
    "answer_due",
    "acknowledged_at",
    "refused_at",
    "refusal_ground",
    "refusal_reason",
    "handling_started_at",
    "answered_at",
    "closed_at",
    "solved_at",
)

STEPS = (
    (Stage.RECEIVED, "received_at", _("Received"), _("We received your complaint.")),
    (
        Stage.ACKNOWLEDGED,
        "acknowledged_at",
        _("Acknowledged"),
        _("We read your complaint and confirmed that we will handle it."),
    ),
    (
        Stage.IN_HANDLING,
        "handling_started_at",
        _("In handling"),
        _("A complaints officer looks into what happened and may contact you."),
    ),
    (Stage.ANSWERED, "answered_at", _("Answered"), _("We sent you our answer.")),
    (Stage.CLOSED, "closed_at", _("Closed"), _("The handling of your complaint is finished.")),
)
REFUSED_STEP = (
    Stage.REFUSED,
    "refused_at",
    _("Not handled"),
    _("We cannot handle this complaint. Below you can read why."),
)


def _client_ip(request: HttpRequest) -> str:
    """The client's address as allauth's rate limits see it (behind the trusted proxies)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return ""


def _error_summary(form: ComplaintDetailsForm) -> list[dict]:
    """Every message of the form, each linked to its field, for the summary at the top."""
    summary = [{"id": "", "label": "", "message": error} for error in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            summary.append({"id": field.id_for_label, "label": field.label, "message": error})
    return summary


def _form_page(
    request: HttpRequest,
    form: ComplaintForm,
    *,
    status: int = HTTPStatus.OK,
    rate_limited: bool = False,
) -> HttpResponse:
    return render(
        request,
        "complaints/public/form.html",
        {
            "form": form,
            "error_summary": _error_summary(form) if form.is_bound else [],
            "rate_limited": rate_limited,
            "acknowledge_days": ACKNOWLEDGE_WITHIN_DAYS,
            "answer_days": ANSWER_WITHIN_DAYS,
        },
        status=status,
    )


def _add_service_errors(form: ComplaintForm, error: ValidationError) -> None:
    """The model's own checks (what the form did not foresee), at the field when it has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else NON_FIELD_ERRORS, errors)


def _receipt_redirect(request: HttpRequest, receipt: Receipt | None) -> HttpResponse:
    """To the receipt page; the token travels in the session, never in the address."""
    if receipt is None:
        request.session.pop(RECEIPT_SESSION_KEY, None)
    else:
        request.session[RECEIPT_SESSION_KEY] = receipt.as_dict()
    return redirect("complaint_receipt")


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_form(request: HttpRequest) -> HttpResponse:
    """The form (GET), or the complaint sent (POST) and the parent sent on to the receipt."""
    user = request.user if request.user.is_authenticated else None
    if request.method != "POST":
        return _form_page(request, ComplaintForm(initial={"email": user.email} if user else {}))

    form = ComplaintForm(request.POST, request.FILES)
    ip = _client_ip(request)
    if form.caught_a_robot:
        # It looks sent to the robot; nothing is stored, but it counts against its address.
        complaint_rate_count(ip=ip)
        return _receipt_redirect(request, None)
    if not form.is_valid():
        return _form_page(request, form)
    details = form.details()
    submission_key = details.pop("submission_key")
    earlier = receipt_of_submission(submission_key=submission_key)
    if earlier is not None:
        return _receipt_redirect(request, earlier)
    if complaint_rate_limited(ip=ip, email=details["email"]):
        return _form_page(request, form, status=HTTPStatus.TOO_MANY_REQUESTS, rate_limited=True)
    try:
        receipt = complaint_send(
            submission_key=submission_key,
            language=translation.get_language(),
            user=user,
            **details,
        )
    except ValidationError as error:
        _add_service_errors(form, error)
        return _form_page(request, form)
    complaint_rate_count(ip=ip, email=details["email"])
    return _receipt_redirect(request, receipt)


@never_cache
@require_GET
def complaint_receipt(request: HttpRequest) -> HttpResponse:
    """The reference and the status link, shown once: a reload shows the general text."""
    receipt = request.session.pop(RECEIPT_SESSION_KEY, None)
    context = {
        "receipt": receipt,
        "acknowledge_days": ACKNOWLEDGE_WITHIN_DAYS,
        "answer_days": ANSWER_WITHIN_DAYS,
    }
    if receipt and receipt.get("token"):
        path = Receipt(**receipt).status_path()
        context["status_path"] = path
        context["status_url"] = f"{settings.SITE_BASE_URL}{path}"
    response = render(request, "complaints/public/receipt.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _complaint_for_token(token: str) -> Complaint | None:
    """As services.register.complaint_for_status_token, with all the page shows (its letters
    too) in two queries: None for an unknown or anonymised complaint."""
    if not TOKEN_PATTERN.match(token):
        return None
    letters = ComplaintLetter.objects.only("complaint_id", "kind", "subject", "body", "sent_at")
    return (
        Complaint.objects.filter(status_token_hash=token_hash(token), anonymised_at__isnull=True)
        .only(*STATUS_FIELDS)
        .prefetch_related(Prefetch("letters", queryset=letters))
        .first()
    )


def _steps(complaint: Complaint) -> list[dict]:
    """The stages as steps for the parent: done (with the date), the current one, still to come."""
    if complaint.stage == Stage.REFUSED or complaint.refused_at:
        steps = [STEPS[0], STEPS[1], REFUSED_STEP, STEPS[4]]
        if not complaint.acknowledged_at:
            steps.remove(STEPS[1])
    else:
        steps = list(STEPS)
    return [
        {
            "stage": stage,
            "title": title,
            "text": text,
            "at": getattr(complaint, moment),
            "current": complaint.stage == stage,
        }
        for stage, moment, title, text in steps
    ]


def _protected(response: HttpResponse) -> HttpResponse:
    """A page whose address is a working link: kept out of search engines and referrers."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def complaint_status(request: HttpRequest, token: str) -> HttpResponse:
    """Where the complaint stands, its deadlines and the letters sent: without an account, from
    any browser; nothing about the complainant but the reference."""
    complaint = _complaint_for_token(token)
    if complaint is None:
        return _protected(
            render(request, "complaints/public/status_unknown.html", status=HTTPStatus.NOT_FOUND)
        )
    deadline = complaint.next_deadline()
    context = {
        "complaint": complaint,
        "steps": _steps(complaint),
        "letters": list(complaint.letters.all()),
        "deadline": deadline[0] if deadline else None,
        "deadline_on": deadline[1] if deadline else None,
        "days_left": complaint.days_left(),
        "refusal_ground": RefusalGround(complaint.refusal_ground).label
        if complaint.refusal_ground
        else "",
        "not_a_complaint": complaint.kind == Kind.NOT_A_COMPLAINT,
        "finished": complaint.stage in (Stage.ANSWERED, Stage.REFUSED, Stage.CLOSED),
    }
    return _protected(render(request, "complaints/public/status.html", context))
