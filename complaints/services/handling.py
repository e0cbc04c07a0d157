"""Handling a complaint: assigning it and moving it through its stages (its details, links and
the shared outcome are in services.details).

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
    Stage,
)
from complaints.rules import can_assign_complaint, can_handle_complaint
from complaints.services.letters import LetterDraft, letter_send
from complaints.services.register import event_log

HANDLER_IS_SUBJECT = _("The handler cannot be the person the complaint is about.")
NOTE_MAX_LENGTH = 2000


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
