"""Receiving a complaint and keeping its audit trail."""

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from community.models import User
from complaints.models import (
    Complaint,
    ComplaintEvent,
    EventAction,
    Kind,
    Stage,
)
from feedback.tokens import token_hash, token_new

# Crockford's base32 without I, L, O, U: no letters read as digits, no words.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_RANDOM_CHARACTERS = 8  # 40 bits: never guessed, and the status link needs a token


def reference_new(received_at: datetime.datetime) -> str:
    """K-2026-7F3K-9Q2M: the year, then random characters (no sequence number: a reference
    tells nothing about how many complaints there are, nor about whom)."""
    random_part = "".join(
        secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_RANDOM_CHARACTERS)
    )
    return f"K-{received_at.year}-{random_part[:4]}-{random_part[4:]}"


def event_log(
    *,
    complaint: Complaint,
    action: str,
    actor: User | None = None,
    detail: str = "",
    stage_before: str = "",
    stage_after: str = "",
    at: datetime.datetime | None = None,
) -> ComplaintEvent:
    """One line of the audit trail. Every service that changes a complaint calls it in the
    same transaction."""
    return ComplaintEvent.objects.create(
        complaint=complaint,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        detail=detail,
        stage_before=stage_before,
        stage_after=stage_after,
        at=at or timezone.now(),
    )


def complaint_receive(
    *,
    channel: str,
    what_happened: str,
    registered_by: User | None = None,
    received_at: datetime.datetime | None = None,
    kind: str = Kind.COMPLAINT,
    **details,
) -> tuple[Complaint, str]:
    """Register a complaint: from the public form (registered_by None) or by a complaints
    officer for one received by phone, letter, e-mail or at a desk. Returns the complaint and
    the status-link token, which exists only in the return value (the database keeps its
    hash). `details` are Complaint fields (name, email, phone, postal_address, happened_on,
    service, desired_solution, language, user, …)."""
    received_at = received_at or timezone.now()
    for _attempt in range(5):
        token = token_new()
        complaint = Complaint(
            reference=reference_new(received_at),
            status_token_hash=token_hash(token),
            channel=channel,
            kind=kind,
            what_happened=what_happened.strip(),
            received_at=received_at,
            created_by=registered_by,
            **details,
        )
        # Uniqueness of these three is the insert's to decide, not a query before it.
        complaint.full_clean(exclude=["reference", "status_token_hash", "submission_key"])
        try:
            with transaction.atomic():
                complaint.save()
                event_log(
                    complaint=complaint,
                    action=EventAction.REGISTERED if registered_by else EventAction.RECEIVED,
                    actor=registered_by,
                    stage_after=Stage.RECEIVED,
                    detail=complaint.get_channel_display(),
                    at=received_at,
                )
        except IntegrityError:
            # Two random references alike (40 bits): draw again. Any other conflict (a twin
            # request's submission key) is the caller's to handle.
            if not Complaint.objects.filter(reference=complaint.reference).exists():
                raise
            continue
        return complaint, token
    raise RuntimeError("no free complaint reference after 5 attempts")


def complaint_for_status_token(token: str) -> Complaint | None:
    """The complaint a parent's status link opens; None if unknown or anonymised."""
    if not token or len(token) > 64:
        return None
    return (
        Complaint.objects.filter(status_token_hash=token_hash(token), anonymised_at__isnull=True)
        .only(
            "reference",
            "stage",
            "kind",
            "received_at",
            "acknowledge_due",
            "answer_due",
            "acknowledged_at",
            "refused_at",
            "handling_started_at",
            "answered_at",
            "closed_at",
            "solved_at",
            "language",
        )
        .first()
    )
