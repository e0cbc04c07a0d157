"""What the complaints app holds about an account, for the data download and account erasure.

A parent who complained while logged in has their complaints linked to their account
(Complaint.user): the download lists them (reference, dates, stage, what they wrote and
asked for). Erasing the account unlinks them and keeps the complaints: a complaint is a
legal record of the agency (Bestuursdecreet art. II.74–II.87) with its own retention period
(services.retention anonymises it COMPLAINTS_RETENTION_YEARS after it was closed, or refused
or answered and left there). The database would unlink it too (SET_NULL); the eraser does it
first and says so in the audit trail.

Staff accounts are removed by an administrator, not through erasure: the complaints they
handled, registered, flagged or were the subject of, the letters they sent, the log they
wrote and the steps they took are the agency's record of its work, and the links to an
erased account become empty (SET_NULL).

Imported from ComplaintsConfig.ready(): `community` keeps the registry and never imports us.
"""

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.personal_data import PersonalDataSource, choice, exclude, register, timestamp
from complaints.models import Complaint, EventAction
from complaints.services.register import event_log


def complaints_export(user) -> list[dict]:
    """The complaints the account made: what the parent wrote and where each one stands.
    An anonymised complaint is no longer linked to anyone."""
    return [
        {
            "reference": complaint.reference,
            "kind": choice(complaint.kind, complaint.get_kind_display()),
            "received_at": timestamp(complaint.received_at),
            "channel": choice(complaint.channel, complaint.get_channel_display()),
            "stage": choice(complaint.stage, complaint.get_stage_display()),
            "service": choice(complaint.service, complaint.get_service_display()),
            "happened_on": complaint.happened_on.isoformat() if complaint.happened_on else None,
            "what_happened": complaint.what_happened,
            "desired_solution": complaint.desired_solution,
            "name": complaint.name,
            "email": complaint.email,
            "phone": complaint.phone,
            "postal_address": complaint.postal_address,
            "acknowledged_at": timestamp(complaint.acknowledged_at),
            "answered_at": timestamp(complaint.answered_at),
            "closed_at": timestamp(complaint.closed_at),
            "solved_at": timestamp(complaint.solved_at),
        }
        for complaint in Complaint.objects.filter(user=user).order_by("received_at", "pk")
    ]


@transaction.atomic
def complaints_unlink(user, remove_contributions: bool) -> None:
    """Unlink the account from its complaints; the complaints stay (see the module's
    docstring), whatever `remove_contributions` says."""
    for complaint in Complaint.objects.select_for_update().filter(user=user).order_by("pk"):
        complaint.user = None
        complaint.save(update_fields=["user"])
        event_log(
            complaint=complaint,
            action=EventAction.DETAILS,
            detail=gettext("The complainant's account was erased; the complaint stays."),
        )


register(
    PersonalDataSource(
        key="complaints",
        title=lambda: _("Your complaints"),
        models=("complaints.Complaint",),
        export=complaints_export,
        erase=complaints_unlink,
    )
)

_STAFF_WORK = (
    "The complaints staff's record of their work on a complaint (a legal record with its own "
    "retention, services.retention), not data the member gave; an erased account leaves no "
    "link to it (SET_NULL)."
)
for label in (
    "complaints.ComplaintEvent",
    "complaints.ComplaintLetter",
    "complaints.ConciliationEntry",
):
    exclude(label, _STAFF_WORK)
