"""What other systems post through the signed API (feedback.views.api): a helpline call's
answers, an e-mail answer to follow up, invitations in bulk.

Each write is idempotent twice over: on the message's webhook id (WebhookMessage, unique: a
retried message is answered as the first time) and on the call, ticket or appointment id
(Contact's unique reference per channel: the same call posted under another webhook id is one
contact with one response).
"""

import contextlib
import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from feedback.models import Channel, Contact, Invitation, Response, StaffMember, WebhookMessage
from feedback.services.email_followup import email_answer_register
from feedback.services.surveys import (
    AlreadyAnswered,
    contact_create,
    invitation_create,
    response_record,
)


def webhook_message_contact(*, webhook_id: str) -> Contact | None:
    """The contact a message with this webhook id made before, if any."""
    message = (
        WebhookMessage.objects.select_related("contact")
        .filter(webhook_id=webhook_id, contact__isnull=False)
        .first()
    )
    return message.contact if message else None


def _webhook_message_record(*, webhook_id: str, contact: Contact) -> None:
    # The same message at the same moment: the other request recorded it.
    with contextlib.suppress(IntegrityError), transaction.atomic():
        WebhookMessage.objects.get_or_create(webhook_id=webhook_id, defaults={"contact": contact})


@transaction.atomic
def helpline_call_record(
    *,
    webhook_id: str,
    call_id: str,
    occurred_at: datetime.datetime,
    staff: StaffMember,
    score: int,
    question_answered: str = "",
) -> Contact:
    """Record a helpline call and the caller's keypad answers as its response (a low score
    opens a follow-up item). The call's first message wins: the same call again, under this
    or another webhook id, returns the contact as it is."""
    contact = webhook_message_contact(webhook_id=webhook_id)
    if contact is None:
        contact = contact_create(
            channel=Channel.HELPLINE,
            staff=staff,
            occurred_at=occurred_at,
            external_reference=call_id,
        )
        if not Response.objects.filter(contact=contact).exists():
            with contextlib.suppress(AlreadyAnswered):
                response_record(
                    contact=contact,
                    score=score,
                    question_answered=question_answered,
                    submitted_at=occurred_at,
                )
        _webhook_message_record(webhook_id=webhook_id, contact=contact)
    return contact


@transaction.atomic
def email_answer_receive(
    *,
    webhook_id: str,
    ticket_id: str,
    occurred_at: datetime.datetime,
    staff: StaffMember,
    email: str,
) -> Invitation:
    """Register an e-mail answer from the e-mail desk and schedule its satisfaction mail
    (email_answer_register); the ticket's first message wins."""
    contact = webhook_message_contact(webhook_id=webhook_id)
    if contact is not None and hasattr(contact, "invitation"):
        return contact.invitation
    invitation, _created = email_answer_register(
        ticket_id=ticket_id, occurred_at=occurred_at, staff=staff, email=email
    )
    _webhook_message_record(webhook_id=webhook_id, contact=invitation.contact)
    return invitation


@dataclass(frozen=True)
class BulkInvitation:
    """One contact of a bulk request: its link's token when this request made the invitation
    ("created") or re-issued it ("reissued"), else None ("exists"): a reference seen before
    keeps the link it was given."""

    reference: str
    channel: str
    invitation: Invitation
    token: str | None
    status: str


@transaction.atomic
def invitations_bulk_create(*, contacts: list[dict], reissue: bool = False) -> list[BulkInvitation]:
    """Contacts and their invitations for a list of {channel, occurred_at, staff, reference},
    all or none. A reference the channel knows already gets no new token, unless `reissue`
    and it is unanswered: then a new one (its earlier link stops working)."""
    results = []
    for item in contacts:
        contact = contact_create(
            channel=item["channel"],
            staff=item["staff"],
            occurred_at=item["occurred_at"],
            external_reference=item["reference"],
        )
        invitation = Invitation.objects.filter(contact=contact).first()
        token, status = None, "exists"
        if invitation is None:
            invitation, token = invitation_create(contact=contact)
            status = "created"
        elif reissue and not Response.objects.filter(contact=contact).exists():
            invitation, token = invitation_create(contact=contact)
            status = "reissued"
        results.append(
            BulkInvitation(item["reference"], item["channel"], invitation, token, status)
        )
    return results
