"""A complaint's details and links (service, team, the staff member it is about, a feedback
contact, insights actions, codes of the shared codebook) and sharing its outcome with that
staff member. Each change locks the complaint's row and writes a line of the audit trail, as
the stage moves in services.handling do.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import User
from complaints.models import Complaint, EventAction, Service
from complaints.services.handling import (
    HANDLER_IS_SUBJECT,
    complaint_locked,
    fields_validate,
    handling_check,
    not_anonymised_check,
)
from complaints.services.register import event_log
from feedback.models import Contact, Team
from insights.models import Action, Code

UNCHANGED = object()


# --- details, links and codes ---


def contact_find(reference: str) -> Contact | None:
    """A feedback contact by its external reference (the call, appointment or ticket id), or
    by its number; None for an empty reference."""
    reference = (reference or "").strip().lstrip("#")
    if not reference:
        return None
    matches = list(Contact.objects.filter(external_reference=reference)[:2])
    if len(matches) > 1:
        raise ValidationError(
            {
                "contact": ValidationError(
                    _("More than one contact has this reference: give the contact's number."),
                    code="ambiguous",
                )
            }
        )
    if not matches and reference.isdigit():
        matches = list(Contact.objects.filter(pk=int(reference)))
    if not matches:
        raise ValidationError(
            {"contact": ValidationError(_("No contact has this reference."), code="unknown")}
        )
    return matches[0]


def complaint_codes() -> QuerySet[Code]:
    """The codes a complaint can get: the active global codes of the shared codebook."""
    return Code.objects.active().filter(project__isnull=True).order_by("name", "pk")


def _label(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, User):
        return value.email
    return str(value)


@transaction.atomic
def complaint_details_update(
    *,
    complaint: Complaint,
    by: User,
    summary=UNCHANGED,
    service=UNCHANGED,
    team: Team | None = UNCHANGED,
    about_user: User | None = UNCHANGED,
    contact_reference: str = UNCHANGED,
    actions: Iterable[Action] = UNCHANGED,
    codes: Iterable[Code] = UNCHANGED,
) -> Complaint:
    """Change what the complaint is about and what it is linked to; leave out what stays.
    Each change is a line of the audit trail (the summary's words are not copied into it:
    they are personal data that anonymising empties). The subject cannot be the handler."""
    handling_check(by, complaint)
    complaint = complaint_locked(complaint)
    not_anonymised_check(complaint)
    changed: list[tuple[str, str, str]] = []  # (action, field label, detail)
    fields: list[str] = []

    def set_field(name: str, value) -> None:
        old = getattr(complaint, name)
        if old == value:
            return
        setattr(complaint, name, value)
        fields.append(name)
        label = str(Complaint._meta.get_field(name).verbose_name)
        if name == "summary":
            changed.append((EventAction.DETAILS, label, ""))
        else:
            display = getattr(complaint, f"get_{name}_display", None)
            new = display() if display and value else value
            changed.append((EventAction.DETAILS, label, _label(new)))

    if summary is not UNCHANGED:
        set_field("summary", " ".join((summary or "").split()))
    if service is not UNCHANGED:
        if service and service not in Service.values:
            raise ValidationError({"service": ValidationError(_("Choose a service."))})
        set_field("service", service or "")
    if team is not UNCHANGED:
        set_field("team", team)
    if about_user is not UNCHANGED:
        if about_user is not None and about_user.pk == complaint.handler_id:
            raise ValidationError(
                {"about_user": ValidationError(HANDLER_IS_SUBJECT, code="subject")}
            )
        set_field("about_user", about_user)
    if contact_reference is not UNCHANGED:
        contact = contact_find(contact_reference)
        if (contact.pk if contact else None) != complaint.contact_id:
            complaint.contact = contact
            fields.append("contact")
            changed.append(
                (
                    EventAction.LINKED,
                    str(Complaint._meta.get_field("contact").verbose_name),
                    f"#{contact.pk} {contact}" if contact else "—",
                )
            )
    if fields:
        fields_validate(complaint, fields)
        complaint.save(update_fields=fields)
    if actions is not UNCHANGED:
        _m2m_set(complaint, "actions", list(actions), changed)
    if codes is not UNCHANGED:
        codes = list(codes)
        allowed = set(complaint_codes().filter(pk__in=[c.pk for c in codes]).values_list("pk"))
        if len(allowed) != len({code.pk for code in codes}):
            raise ValidationError(
                {
                    "codes": ValidationError(
                        _("A complaint gets active global codes only."), code="code_not_global"
                    )
                }
            )
        _m2m_set(complaint, "codes", codes, changed)
    for action, label, detail in changed:
        event_log(
            complaint=complaint,
            action=action,
            actor=by,
            detail=f"{label}: {detail}" if detail else label,
        )
    return complaint


def _m2m_set(complaint: Complaint, name: str, objects: list, changed: list) -> None:
    relation = getattr(complaint, name)
    before = {obj.pk: obj for obj in relation.all()}
    after = {obj.pk: obj for obj in objects}
    if set(before) == set(after):
        return
    relation.set(list(after.values()))
    label = str(Complaint._meta.get_field(name).verbose_name)
    action = EventAction.LINKED if name == "actions" else EventAction.DETAILS
    added = [str(after[pk]) for pk in after if pk not in before]
    removed = [str(before[pk]) for pk in before if pk not in after]
    parts = [*(f"+ {text}" for text in added), *(f"− {text}" for text in removed)]
    changed.append((action, label, "; ".join(parts)))


# --- the staff member it is about ---


@transaction.atomic
def complaint_share_outcome(*, complaint: Complaint, by: User) -> Complaint:
    """Let the staff member the complaint is about read its outcome (reference, dates,
    outcome and norms; never who complained or what they wrote). Only once there is an
    outcome; sharing twice changes nothing."""
    handling_check(by, complaint)
    complaint = complaint_locked(complaint)
    if complaint.outcome_shared_at is not None:
        return complaint
    if not complaint.outcome:
        raise ValidationError(
            _("Record the outcome first: there is nothing to share yet."), code="no_outcome"
        )
    if complaint.about_user_id is None:
        raise ValidationError(
            _("The complaint is not about a staff member with an account."), code="no_subject"
        )
    complaint.outcome_shared_at = timezone.now()
    complaint.save(update_fields=["outcome_shared_at"])
    event_log(complaint=complaint, action=EventAction.OUTCOME_SHARED, actor=by)
    return complaint
