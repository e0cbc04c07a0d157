"""Factories of the complaints tests. A complaint is made through the service (its reference,
token hash, deadlines and first audit line), so the factory's result is what the app makes."""

import datetime

from django.utils import timezone

from complaints.models import Complaint, ComplaintChannel
from complaints.services.register import complaint_receive


def ComplaintFactory(  # noqa: N802 — reads like the other factories
    *,
    channel: str = ComplaintChannel.WEB_FORM,
    what_happened: str = "De verpleegkundige was heel kortaf en luisterde niet naar mijn vraag.",
    received_at: datetime.datetime | None = None,
    token: list | None = None,
    **fields,
) -> Complaint:
    """A complaint received now (or at `received_at`). Fields the service does not take at
    receipt (handler, about_user, stage, …) are set afterwards. Pass `token=[]` to get the
    status-link token appended to that list."""
    at_receipt = {
        key: fields.pop(key)
        for key in list(fields)
        if key
        in {
            "name",
            "email",
            "phone",
            "postal_address",
            "happened_on",
            "service",
            "desired_solution",
            "language",
            "user",
            "kind",
            "registered_by",
        }
    }
    at_receipt.setdefault("name", "Sofie Peeters")
    at_receipt.setdefault("email", "sofie@example.org")
    complaint, issued = complaint_receive(
        channel=channel,
        what_happened=what_happened,
        received_at=received_at or timezone.now(),
        **at_receipt,
    )
    if token is not None:
        token.append(issued)
    if fields:
        for key, value in fields.items():
            setattr(complaint, key, value)
        complaint.save()
    return complaint
