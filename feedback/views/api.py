"""The signed API for other systems, under /api/feedback/ (README, "Helpline and e-mail
feedback API"): the contact centre posts a call's keypad answers, the e-mail desk an e-mail
answer to follow up, an agenda invitations in bulk.

No session, no login, no CSRF token: every request is signed per Standard Webhooks
(feedback.webhooks). Answers are JSON; a refusal says why in `error` (a stable code) and
`message`, with `errors` per field where fields are at fault:

- 401 no or no matching signature; 400 a stale timestamp, malformed headers or JSON, missing
  or badly formed fields; 422 an unknown staff id or keypad digits out of range;
  413 a body over the limit; 405 another method; 503 no secret configured.

Messages are English on purpose: they are read by the people who connect a system, and a
system should act on the codes.
"""

import datetime
import json
from collections.abc import Callable
from functools import wraps
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from feedback.forms.api import (
    BULK_MAX_CONTACTS,
    BulkInvitationForm,
    EmailAnswerForm,
    HelplineCallForm,
    helpline_digits,
    staff_by_number,
)
from feedback.models import Contact, Invitation
from feedback.services.intake import (
    email_answer_receive,
    helpline_call_record,
    invitations_bulk_create,
    webhook_message_contact,
)
from feedback.webhooks import VerifiedMessage, WebhookError, webhook_verify

MAX_BODY_BYTES = 64 * 1024
BULK_MAX_BODY_BYTES = 256 * 1024

SignedView = Callable[[HttpRequest, VerifiedMessage, dict], JsonResponse]


def _utc(moment: datetime.datetime | None) -> str | None:
    """Times in answers are UTC, so an answer repeated later reads the same."""
    return moment.astimezone(datetime.UTC).isoformat() if moment else None


def api_error(status: int, code: str, message: str, errors: dict | None = None) -> JsonResponse:
    body = {"error": code, "message": message}
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status)


def _too_large(limit: int) -> JsonResponse:
    return api_error(
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too_large", f"The body may be {limit} bytes at most."
    )


def signed_post(max_body: int) -> Callable[[SignedView], Callable]:
    """A POST whose body is at most `max_body` bytes, signed, and a JSON object: the view gets
    the verified message (its webhook id) and the parsed object."""

    def decorator(view: SignedView) -> Callable:
        @csrf_exempt
        @wraps(view)
        def signed_view(request: HttpRequest) -> JsonResponse:
            if request.method != "POST":
                response = api_error(
                    HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "Use POST."
                )
                response["Allow"] = "POST"
                return response
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = max_body + 1
            if length > max_body:
                return _too_large(max_body)
            # Read one byte more than allowed: a body longer than its Content-Length said.
            body = request.read(max_body + 1)
            if len(body) > max_body:
                return _too_large(max_body)
            try:
                message = webhook_verify(headers=request.headers, body=body)
            except WebhookError as error:
                return api_error(error.status, error.code, error.message)
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            if not isinstance(payload, dict):
                return api_error(
                    HTTPStatus.BAD_REQUEST, "malformed_json", "The body must be a JSON object."
                )
            return view(request, message, payload)

        return signed_view

    return decorator


def _field_errors(form) -> dict:
    with translation.override("en"):
        return form.errors.get_json_data()


def _invalid_fields(errors: dict) -> JsonResponse:
    return api_error(
        HTTPStatus.BAD_REQUEST, "invalid_fields", "Some fields are missing or invalid.", errors
    )


def _unknown_staff(field: str = "staff_id") -> dict:
    return {field: [{"code": "unknown", "message": "No staff member has this number."}]}


# ---------- helpline calls ----------


def _call_body(contact: Contact) -> dict:
    response = contact.response
    return {
        "status": "recorded",
        "call_id": contact.external_reference,
        "score": response.score,
        "question_answered": response.question_answered or None,
    }


@signed_post(MAX_BODY_BYTES)
def helpline_calls(request: HttpRequest, message: VerifiedMessage, payload: dict) -> JsonResponse:
    """POST a call's keypad answers: its contact and response, once per webhook id and call."""
    contact = webhook_message_contact(webhook_id=message.webhook_id)
    if contact is None:
        form = HelplineCallForm(payload)
        errors = {} if form.is_valid() else _field_errors(form)
        if not isinstance(payload.get("digits"), dict):
            errors["digits"] = [{"code": "required", "message": "Required: a JSON object."}]
        if errors:
            return _invalid_fields(errors)
        staff = staff_by_number({form.cleaned_data["staff_id"]}).get(form.cleaned_data["staff_id"])
        answers, digit_errors = helpline_digits(payload["digits"])
        if staff is None or digit_errors:
            code = "unknown_staff" if staff is None else "invalid_digits"
            errors = {**(_unknown_staff() if staff is None else {}), **digit_errors}
            return api_error(
                HTTPStatus.UNPROCESSABLE_ENTITY, code, "The call cannot be recorded.", errors
            )
        contact = helpline_call_record(
            webhook_id=message.webhook_id,
            call_id=form.cleaned_data["call_id"],
            occurred_at=form.cleaned_data["time"],
            staff=staff,
            **answers,
        )
    return JsonResponse(_call_body(contact))


# ---------- e-mail answers ----------


def _email_answer_body(invitation: Invitation) -> dict:
    return {
        "status": "scheduled",
        "ticket_id": invitation.contact.external_reference,
        "mail_due_at": _utc(invitation.mail_due_at),
    }


@signed_post(MAX_BODY_BYTES)
def email_answers(request: HttpRequest, message: VerifiedMessage, payload: dict) -> JsonResponse:
    """POST an e-mail answer: its satisfaction mail is scheduled, once per webhook id and
    ticket."""
    contact = webhook_message_contact(webhook_id=message.webhook_id)
    if contact is not None and hasattr(contact, "invitation"):
        return JsonResponse(_email_answer_body(contact.invitation))
    form = EmailAnswerForm(payload)
    if not form.is_valid():
        return _invalid_fields(_field_errors(form))
    staff = staff_by_number({form.cleaned_data["staff_id"]}).get(form.cleaned_data["staff_id"])
    if staff is None:
        return api_error(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "unknown_staff",
            "The e-mail answer cannot be registered.",
            _unknown_staff(),
        )
    invitation = email_answer_receive(
        webhook_id=message.webhook_id,
        ticket_id=form.cleaned_data["ticket_id"],
        occurred_at=form.cleaned_data["time"],
        staff=staff,
        email=form.cleaned_data["email"],
    )
    return JsonResponse(_email_answer_body(invitation))


# ---------- invitations in bulk ----------


def _bulk_contacts(payload: dict) -> tuple[list[dict], dict, dict]:
    """The checked contacts of a bulk request, and the errors: (contacts, 400s, 422s)."""
    items = payload.get("contacts")
    if not isinstance(items, list) or not 1 <= len(items) <= BULK_MAX_CONTACTS:
        message = f"Required: a list of 1 to {BULK_MAX_CONTACTS} contacts."
        return [], {"contacts": [{"code": "invalid", "message": message}]}, {}
    if "reissue" in payload and not isinstance(payload["reissue"], bool):
        return [], {"reissue": [{"code": "invalid", "message": "Must be true or false."}]}, {}
    invalid: dict = {}
    forms = []
    for index, item in enumerate(items):
        form = BulkInvitationForm(item if isinstance(item, dict) else {})
        if not isinstance(item, dict):
            invalid[f"contacts[{index}]"] = [{"code": "invalid", "message": "Not an object."}]
        elif not form.is_valid():
            for field, errors in _field_errors(form).items():
                invalid[f"contacts[{index}].{field}"] = errors
        forms.append(form)
    if invalid:
        return [], invalid, {}
    seen: set[tuple[str, str]] = set()
    for index, form in enumerate(forms):
        key = (form.cleaned_data["channel"], form.cleaned_data["reference"])
        if key in seen:
            message = "This reference appears twice in the list."
            invalid[f"contacts[{index}].reference"] = [{"code": "duplicate", "message": message}]
        seen.add(key)
    if invalid:
        return [], invalid, {}
    staff = staff_by_number({form.cleaned_data["staff_id"] for form in forms})
    unknown: dict = {}
    contacts = []
    for index, form in enumerate(forms):
        data = form.cleaned_data
        if data["staff_id"] not in staff:
            unknown.update(_unknown_staff(f"contacts[{index}].staff_id"))
            continue
        contacts.append(
            {
                "channel": data["channel"],
                "occurred_at": data["time"],
                "staff": staff[data["staff_id"]],
                "reference": data["reference"],
            }
        )
    return contacts, {}, unknown


def _survey_link(token: str) -> str:
    """The Dutch short link, as printed under a QR code (the survey offers English itself)."""
    with translation.override("nl"):
        return f"{settings.SITE_BASE_URL}{reverse('feedback_survey', kwargs={'token': token})}"


@signed_post(BULK_MAX_BODY_BYTES)
def invitations(request: HttpRequest, message: VerifiedMessage, payload: dict) -> JsonResponse:
    """POST a list of consultations and home visits: their invitations, all or none, with each
    new invitation's survey link. The token is in this answer only: a reference sent again
    answers "exists" without a link, unless `reissue` asks for a new one."""
    contacts, invalid, unknown = _bulk_contacts(payload)
    if invalid:
        return _invalid_fields(invalid)
    if unknown:
        return api_error(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "unknown_staff",
            "No invitation was made: some staff ids are unknown.",
            unknown,
        )
    created = invitations_bulk_create(contacts=contacts, reissue=payload.get("reissue", False))
    return JsonResponse(
        {
            "invitations": [
                {
                    "reference": item.reference,
                    "channel": item.channel,
                    "status": item.status,
                    "url": _survey_link(item.token) if item.token else None,
                    "expires_at": _utc(item.invitation.expires_at),
                }
                for item in created
            ]
        }
    )
