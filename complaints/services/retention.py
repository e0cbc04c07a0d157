"""Retention: the personal data of a complaint closed (or refused or answered and never
closed) more than COMPLAINTS_RETENTION_YEARS years ago (default 5) is anonymised; what the
statistics and the annual report read stays.

Anonymising a complaint empties its PERSONAL_FIELDS and the handler's refusal reason (free
text about the parent's case), drops the link to the parent's account, replaces the status
link's hash by a random value no token hashes to (the link stops working), replaces the
letters' address, subject and text by a placeholder, empties the conciliation log's
summaries and the words of the audit trail (who, when and which step stay), deletes the
attachments (files and rows), sets anonymised_at and logs ANONYMISED. Dates, stage, kind,
channel, service, outcome, norms, refusal ground, deadlines, handler, team, actions and codes
stay, so the annual report reads the same numbers after it.

Batch-wise (a batch of complaints per transaction, never all of them in memory) and
idempotent: an anonymised complaint is never picked again, so a second run changes nothing.
Files are deleted inside the batch's transaction, before their rows: if the transaction
fails, the complaint stays due and the next run deletes the rows (a missing file is no
error), while a file left behind by a crash after the commit could never be found again.
"""

import datetime
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from complaints.models import (
    PERSONAL_FIELDS,
    Attachment,
    Complaint,
    ComplaintEvent,
    ComplaintLetter,
    ConciliationEntry,
    EventAction,
    Stage,
    attachment_storage,
)

BATCH_SIZE = 100
# Emptied besides PERSONAL_FIELDS: the handler's words about the parent's case.
EXTRA_TEXT_FIELDS = ("refusal_reason",)
# Not a SHA-256 hex digest (64 hex digits), so no status token hashes to it.
UNUSABLE_TOKEN_PREFIX = "anonymised-"


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Complaints whose handling ended before this moment are due: COMPLAINTS_RETENTION_YEARS
    years ago (29 February falls back to the 28th)."""
    now = now or timezone.now()
    years = settings.COMPLAINTS_RETENTION_YEARS
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def complaints_due_for_anonymising(now: datetime.datetime | None = None):
    """Complaints whose handling ended before the cutoff: closed, or refused or answered and
    left there (closing is a step of its own, which a handler may never take; the data must
    not outlive the period for that). A complaint left refused or answered counts from its
    last step in the audit trail: `answered_at` keeps the first answer, and an answered
    complaint may have gone back into handling and been answered again since."""
    cutoff = retention_cutoff(now)
    left_there = Q(stage=Stage.REFUSED, refused_at__lt=cutoff) | Q(
        stage=Stage.ANSWERED, answered_at__lt=cutoff
    )
    touched_since = ComplaintEvent.objects.filter(complaint=OuterRef("pk"), at__gte=cutoff)
    ended = Q(closed_at__lt=cutoff) | (left_there & ~Exists(touched_since))
    return Complaint.objects.filter(ended, anonymised_at__isnull=True)


def _placeholder() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Removed after the retention period.")


def _unusable_token_hash() -> str:
    return UNUSABLE_TOKEN_PREFIX + secrets.token_hex(16)


@transaction.atomic
def complaints_anonymise(
    *, complaint_ids: Sequence[int], now: datetime.datetime | None = None
) -> int:
    """Anonymise these complaints (those not anonymised yet); returns how many were."""
    now = now or timezone.now()
    ids = list(
        Complaint.objects.select_for_update()
        .filter(pk__in=complaint_ids, anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    placeholder = _placeholder()
    emptied = dict.fromkeys((*PERSONAL_FIELDS, *EXTRA_TEXT_FIELDS), "")
    for pk in ids:
        # One row at a time: each gets its own random (unique) status hash.
        Complaint.objects.filter(pk=pk).update(
            **emptied, user=None, status_token_hash=_unusable_token_hash(), anonymised_at=now
        )
    ComplaintLetter.objects.filter(complaint_id__in=ids).update(
        sent_to=placeholder, subject=placeholder, body=placeholder
    )
    ConciliationEntry.objects.filter(complaint_id__in=ids).update(summary="")
    ComplaintEvent.objects.filter(complaint_id__in=ids).exclude(detail="").update(detail="")
    attachments = Attachment.objects.filter(complaint_id__in=ids)
    for name in attachments.values_list("file", flat=True):
        if name:
            attachment_storage.delete(name)
    attachments.delete()
    ComplaintEvent.objects.bulk_create(
        ComplaintEvent(complaint_id=pk, action=EventAction.ANONYMISED, at=now) for pk in ids
    )
    return len(ids)


def complaint_anonymise(*, complaint: Complaint, now: datetime.datetime | None = None) -> bool:
    """Anonymise one complaint now, whatever its age; False when it already was."""
    done = complaints_anonymise(complaint_ids=[complaint.pk], now=now)
    complaint.refresh_from_db()
    return bool(done)


def retention_run(*, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Anonymise every complaint whose handling ended more than COMPLAINTS_RETENTION_YEARS ago
    (complaints_due_for_anonymising), a batch per transaction; returns how many. Running it
    twice anonymises nothing the second time."""
    now = now or timezone.now()
    total = 0
    while True:
        batch = list(
            complaints_due_for_anonymising(now)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return total
        # A complaint another run took meanwhile is skipped here and by the next query.
        total += complaints_anonymise(complaint_ids=batch, now=now)
