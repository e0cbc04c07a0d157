"""Handling a complaint: assigning it, moving it through its stages, its details and sharing
its outcome with the staff member it is about.

Every step locks the complaint's row first (select_for_update), so two officers clicking at
once take turns and the second sees the first one's stage; a move that NEXT_STAGES does not
allow raises ValidationError and saves nothing. Every step writes a line of the audit trail
(services.register.event_log) in the same transaction.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from community.models import NotificationKind, Role, User
from community.services.notifications import notification_create
from complaints.models import (
    OPEN_STAGES,
    Complaint,
    EventAction,
    Kind,
    LetterKind,
    OmbudsNorm,
    Outcome,
    RefusalGround,
    Service,
    Stage,
)
from complaints.rules import can_assign_complaint, can_handle_complaint
from complaints.services.letters import LetterDraft, letter_send
from complaints.services.register import event_log
from feedback.models import Contact, Team
from insights.models import Action, Code

HANDLER_IS_SUBJECT = _("The handler cannot be the person the complaint is about.")
NOTE_MAX_LENGTH = 2000
UNCHANGED = object()


# --- who and which complaint ---


def complaint_url(complaint: Complaint) -> str:
    """The path notifications link to (Dutch; it forwards to the admin page)."""
    from django.conf import settings

    with translation.override(settings.LANGUAGE_CODE):
        return reverse("complaints_complaint_redirect", args=[complaint.pk])


def complaint_titles(complaint: Complaint) -> dict[str, str]:
    """A notification's title: the reference only (no name, no story in notifications)."""
    return {"nl": complaint.reference, "en": complaint.reference}


def handler_choices() -> QuerySet[User]:
    """Who may handle complaints: active complaints officers and leads."""
    return (
        User.objects.filter(
            is_active=True, groups__name__in=[Role.COMPLAINTS_OFFICER, Role.COMPLAINTS_LEAD]
        )
        .distinct()
        .order_by("email")
    )


def complaints_leads() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__name=Role.COMPLAINTS_LEAD)
        .distinct()
        .order_by("pk")
    )


def subject_choices() -> QuerySet[User]:
    """Whom a complaint can be about: active accounts with a staff role (never a parent)."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=Role.values))
        .distinct()
        .order_by("email")
    )


def complaint_locked(complaint: Complaint) -> Complaint:
    """The complaint as it is now, locked until the transaction ends."""
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def handling_check(by: User, complaint: Complaint) -> None:
    if not can_handle_complaint(by, complaint):
        raise PermissionDenied("Only a complaints officer who is not its subject handles it.")


def not_anonymised_check(complaint: Complaint) -> None:
    if complaint.anonymised_at is not None:
        raise ValidationError(_("This complaint was anonymised."), code="anonymised")


def fields_validate(complaint: Complaint, fields: Iterable[str]) -> None:
    """full_clean for the fields a step changes (and the model's clean: handler ≠ subject)."""
    fields = set(fields)
    exclude = [field.name for field in complaint._meta.fields if field.name not in fields]
    complaint.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _text(value: str, *, field: str, required_message, limit: int = NOTE_MAX_LENGTH) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({field: ValidationError(required_message, code="required")})
    if len(text) > limit:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Write at most %(limit)d characters."),
                    code="max_length",
                    params={"limit": limit},
                )
            }
        )
    if "\x00" in text:
        raise ValidationError(
            {field: ValidationError(_("The text contains a null character."), code="null")}
        )
    return text


def _wrong_stage(complaint: Complaint) -> ValidationError:
    return ValidationError(
        _("This step is not possible now: the complaint is at the stage “%(stage)s”."),
        code="wrong_stage",
        params={"stage": Stage(complaint.stage).label},
    )


def _stage_check(complaint: Complaint, stage: str) -> None:
    if not complaint.can_move_to(stage):
        raise _wrong_stage(complaint)


def _kind_complaint(complaint: Complaint) -> None:
    if complaint.kind != Kind.COMPLAINT:
        raise ValidationError(
            _("This message was registered as not a complaint."), code="not_a_complaint"
        )


def _move(
    complaint: Complaint,
    stage: str,
    *,
    by: User,
    detail: str = "",
    stamp: str | None = None,
    **fields,
) -> Complaint:
    """Set the new stage (and its moment, and other fields), save, and audit it."""
    before = complaint.stage
    complaint.stage = stage
    now = timezone.now()
    if stamp is not None:
        fields[stamp] = now
    for name, value in fields.items():
        setattr(complaint, name, value)
    fields_validate(complaint, ["stage", *fields])
    complaint.save(update_fields=["stage", *fields])
    event_log(
        complaint=complaint,
        action=EventAction.STAGE,
        actor=by,
        detail=detail,
        stage_before=before,
        stage_after=stage,
        at=now,
    )
    return complaint


# --- assigning ---


@transaction.atomic
def complaint_assign(*, complaint: Complaint, handler: User, by: User) -> Complaint:
    """The complaints lead gives the complaint a handler: a complaints officer or lead who is
    not the person it is about (the database's constraint backs this). The handler is told;
    choosing the handler it has changes nothing."""
    if not can_assign_complaint(by):
        raise PermissionDenied("Only the complaints lead assigns complaints.")
    complaint = complaint_locked(complaint)
    if complaint.stage == Stage.CLOSED:
        raise ValidationError(_("This complaint is closed."), code="closed")
    if handler.pk == complaint.about_user_id:
        raise ValidationError({"handler": ValidationError(HANDLER_IS_SUBJECT, code="subject")})
    if not handler_choices().filter(pk=handler.pk).exists():
        raise ValidationError(
            {
                "handler": ValidationError(
                    _("Choose a complaints officer or a complaints lead."), code="not_an_officer"
                )
            }
        )
    if complaint.handler_id == handler.pk:
        return complaint
    complaint.handler = handler
    fields_validate(complaint, ["handler"])
    complaint.save(update_fields=["handler"])
    event_log(complaint=complaint, action=EventAction.ASSIGNED, actor=by, detail=handler.email)
    if handler.pk != by.pk:
        notification_create(
            recipient=handler,
            kind=NotificationKind.COMPLAINT_ASSIGNED,
            title=complaint_titles(complaint),
            url=complaint_url(complaint),
            actor=by,
        )
    return complaint


# --- the stages ---


@transaction.atomic
def complaint_acknowledge(*, complaint: Complaint, by: User, letter: LetterDraft) -> Complaint:
    """Received → acknowledged, with the acknowledgement letter (within 10 days)."""
    handling_check(by, complaint)
    complaint = complaint_locked(complaint)
    _kind_complaint(complaint)
    _stage_check(complaint, Stage.ACKNOWLEDGED)
    _move(complaint, Stage.ACKNOWLEDGED, by=by, stamp="acknowledged_at")
    letter_send(complaint=complaint, kind=LetterKind.ACKNOWLEDGEMENT, draft=letter, by=by)
    return complaint


@transaction.atomic
def complaint_refuse(
    *,
    complaint: Complaint,
    by: User,
    refusal_ground: str,
    refusal_reason: str,
    letter: LetterDraft,
) -> Complaint:
    """Leave the complaint unhandled on one of the legal grounds, with the reason, before its
    handling starts; the refusal letter says both."""
    handling_check(by, complaint)
    errors = {}
    if refusal_ground not in RefusalGround.values:
        errors["refusal_ground"] = ValidationError(
            _("Choose the ground for the refusal."), code="required"
        )
    try:
        reason = _text(
            refusal_reason,
            field="refusal_reason",
            required_message=_("Write the reason for the refusal."),
        )
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    complaint = complaint_locked(complaint)
    _kind_complaint(complaint)
    _stage_check(complaint, Stage.REFUSED)
    _move(
        complaint,
        Stage.REFUSED,
        by=by,
        stamp="refused_at",
        detail=str(RefusalGround(refusal_ground).label),
        refusal_ground=refusal_ground,
        refusal_reason=reason,
    )
    letter_send(complaint=complaint, kind=LetterKind.REFUSAL, draft=letter, by=by)
    return complaint


@transaction.atomic
def complaint_start_handling(*, complaint: Complaint, by: User) -> Complaint:
    """Acknowledged → in handling: the investigation and the talks with the parent begin."""
    handling_check(by, complaint)
    complaint = complaint_locked(complaint)
    _kind_complaint(complaint)
    if complaint.stage != Stage.ACKNOWLEDGED:
        raise _wrong_stage(complaint)
    return _move(complaint, Stage.IN_HANDLING, by=by, stamp="handling_started_at")


def _norms_clean(norms: Iterable[str]) -> list[str]:
    norms = list(dict.fromkeys(norms or []))
    if set(norms) - set(OmbudsNorm.values):
        raise ValidationError(
            {"norms": ValidationError(_("Choose norms from the list."), code="invalid")}
        )
    return [norm for norm in OmbudsNorm.values if norm in norms]


@transaction.atomic
def complaint_answer(
    *,
    complaint: Complaint,
    by: User,
    outcome: str,
    norms: Iterable[str],
    letter: LetterDraft,
) -> Complaint:
    """In handling → answered, with the outcome, the ombudsman norms at stake and the answer
    letter (which ends with the ombudsman referral). `answered_at` keeps the first answer: a
    complaint reopened and answered again was answered on the first date."""
    handling_check(by, complaint)
    if outcome not in Outcome.values:
        raise ValidationError(
            {"outcome": ValidationError(_("Choose the outcome."), code="required")}
        )
    norms = _norms_clean(norms)
    complaint = complaint_locked(complaint)
    _kind_complaint(complaint)
    _stage_check(complaint, Stage.ANSWERED)
    fields = {"outcome": outcome, "norms": norms}
    if complaint.answered_at is None:
        fields["answered_at"] = timezone.now()
    _move(complaint, Stage.ANSWERED, by=by, **fields)
    event_log(
        complaint=complaint,
        action=EventAction.OUTCOME,
        actor=by,
        detail=" · ".join(
            [str(Outcome(outcome).label), *(str(OmbudsNorm(norm).label) for norm in norms)]
        ),
    )
    letter_send(complaint=complaint, kind=LetterKind.ANSWER, draft=letter, by=by)
    return complaint


@transaction.atomic
def complaint_close(*, complaint: Complaint, by: User, note: str = "") -> Complaint:
    """Close the file. Closing one that was neither answered, refused nor solved (withdrawn,
    for instance) needs a note saying why."""
    handling_check(by, complaint)
    complaint = complaint_locked(complaint)
    _stage_check(complaint, Stage.CLOSED)
    note = (note or "").strip()
    if complaint.stage in OPEN_STAGES and complaint.solved_at is None:
        note = _text(
            note,
            field="note",
            required_message=_("Write why the complaint is closed before it was answered."),
        )
    elif note:
        note = _text(note, field="note", required_message="")
    return _move(complaint, Stage.CLOSED, by=by, stamp="closed_at", detail=note)


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, by: User, reason: str) -> Complaint:
    """Answered → in handling again (the parent reacted to the answer), with the reason."""
    handling_check(by, complaint)
    reason = _text(
        reason, field="reason", required_message=_("Write why the complaint is reopened.")
    )
    complaint = complaint_locked(complaint)
    if complaint.stage != Stage.ANSWERED:
        raise _wrong_stage(complaint)
    return _move(complaint, Stage.IN_HANDLING, by=by, detail=reason)


@transaction.atomic
def complaint_mark_solved(*, complaint: Complaint, by: User, note: str) -> Complaint:
    """Record that the complaint was solved to the parent's satisfaction, at any stage before
    closing (it may be closed next). Recording it twice changes nothing."""
    handling_check(by, complaint)
    note = _text(note, field="note", required_message=_("Write how it was solved."))
    complaint = complaint_locked(complaint)
    if complaint.solved_at is not None:
        return complaint
    if complaint.stage == Stage.CLOSED:
        raise _wrong_stage(complaint)
    complaint.solved_at = timezone.now()
    complaint.save(update_fields=["solved_at"])
    event_log(
        complaint=complaint,
        action=EventAction.SOLVED,
        actor=by,
        detail=note,
        stage_before=complaint.stage,
        stage_after=complaint.stage,
        at=complaint.solved_at,
    )
    return complaint


@transaction.atomic
def complaint_mark_not_a_complaint(*, complaint: Complaint, by: User, reason: str) -> Complaint:
    """A question, a first request or a suggestion: registered and counted as not a
    complaint, and closed at once (no deadlines apply)."""
    handling_check(by, complaint)
    reason = _text(reason, field="reason", required_message=_("Write why this is not a complaint."))
    complaint = complaint_locked(complaint)
    _kind_complaint(complaint)
    if complaint.stage not in OPEN_STAGES:
        raise _wrong_stage(complaint)
    return _move(
        complaint,
        Stage.CLOSED,
        by=by,
        stamp="closed_at",
        detail=f"{Kind.NOT_A_COMPLAINT.label}: {reason}",
        kind=Kind.NOT_A_COMPLAINT,
    )


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
