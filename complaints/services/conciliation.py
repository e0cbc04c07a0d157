"""The conciliation log: calls, meetings, messages and agreements with the parent."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import User
from complaints.models import Complaint, ConciliationEntry, ConciliationKind, EventAction
from complaints.rules import can_handle_complaint
from complaints.services.register import event_log

# The same entry sent again within this time (a double click, a reload) is the first one.
DUPLICATE_WINDOW = datetime.timedelta(minutes=10)
SUMMARY_MAX_LENGTH = 4000


@transaction.atomic
def conciliation_entry_add(
    *,
    complaint: Complaint,
    kind: str,
    happened_on: datetime.date,
    summary: str,
    by: User,
) -> ConciliationEntry:
    """Log a contact with the parent: what kind, on which day (not in the future) and what was
    said or agreed. Sent twice (a double click), it is logged once. The audit line names the
    kind and date, not the words (personal data that anonymising empties)."""
    if not can_handle_complaint(by, complaint):
        raise PermissionDenied("Only a complaints officer who may handle it writes its log.")
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.anonymised_at is not None:
        raise ValidationError(_("This complaint was anonymised."), code="anonymised")
    errors = {}
    if kind not in ConciliationKind.values:
        errors["kind"] = ValidationError(_("Choose what kind of contact it was."), code="required")
    if happened_on is None:
        errors["happened_on"] = ValidationError(_("Give the date."), code="required")
    elif happened_on > timezone.localdate():
        errors["happened_on"] = ValidationError(
            _("The date cannot be in the future."), code="future"
        )
    summary = (summary or "").replace("\r\n", "\n").strip()
    if not summary:
        errors["summary"] = ValidationError(_("Write what was said or agreed."), code="required")
    elif len(summary) > SUMMARY_MAX_LENGTH or "\x00" in summary:
        errors["summary"] = ValidationError(
            _("Write at most %(limit)d characters, without null characters."),
            code="invalid",
            params={"limit": SUMMARY_MAX_LENGTH},
        )
    if errors:
        raise ValidationError(errors)
    entry = ConciliationEntry(
        complaint=complaint,
        kind=kind,
        happened_on=happened_on,
        summary=summary,
        created_by=by,
        created_at=timezone.now(),
    )
    entry.full_clean()
    earlier = ConciliationEntry.objects.filter(
        complaint=complaint,
        kind=kind,
        happened_on=happened_on,
        summary=summary,
        created_by=by,
        created_at__gte=entry.created_at - DUPLICATE_WINDOW,
    ).first()
    if earlier is not None:
        return earlier
    entry.save()
    event_log(
        complaint=complaint,
        action=EventAction.CONCILIATION,
        actor=by,
        detail=f"{ConciliationKind(kind).label} · {happened_on.isoformat()}",
    )
    return entry
