"""Letters to the complainant: written from an editable template, checked and changed by the
officer, then kept exactly as sent and e-mailed after the transaction commits (plain text), or
kept to print and post when the complainant gave no e-mail address.

Placeholders are {reference} {name} {received_on} {answer_due} {refusal_ground}
{refusal_reason} {outcome} {handler}; a template with any other {word} is refused. Filling in
replaces only those words (no format strings: a template cannot reach anything else).

An answer letter always ends with the referral to the Vlaamse Ombudsdienst in the letter's
language (Bestuursdecreet art. II.83), whether or not the template or the officer wrote it.
"""

import datetime
import re
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from community.models import User
from complaints.models import (
    AnswerTemplate,
    Complaint,
    ComplaintLetter,
    EventAction,
    LetterKind,
    Outcome,
    RefusalGround,
)
from complaints.services.register import event_log

PLACEHOLDERS = (
    "reference",
    "name",
    "received_on",
    "answer_due",
    "refusal_ground",
    "refusal_reason",
    "outcome",
    "handler",
)
_PLACEHOLDER = re.compile(r"\{([^{}\n]{0,40})\}")

LETTER_LANGUAGES = ("nl", "en")
SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 20000

# Letter text, not interface text: each letter is written in its own language, whatever the
# officer's admin language, so these are kept per language here rather than in the catalogue.
OMBUDSMAN_REFERRAL = {
    "nl": (
        "Bent u niet tevreden met dit antwoord? Dan kunt u terecht bij de Vlaamse "
        "Ombudsdienst, Leuvenseweg 86, 1000 Brussel, gratis nummer 1700, "
        "www.vlaamseombudsdienst.be, klachten@vlaamseombudsdienst.be."
    ),
    "en": (
        "Are you not satisfied with this answer? Then you may turn to the Flemish Ombudsman "
        "(Vlaamse Ombudsdienst), Leuvenseweg 86, 1000 Brussel, free number 1700, "
        "www.vlaamseombudsdienst.be, klachten@vlaamseombudsdienst.be."
    ),
}
# {name} and {handler} when the complaint has no name or no handler yet.
NAME_UNKNOWN = {"nl": "mevrouw, meneer", "en": "Sir or Madam"}
HANDLER_UNKNOWN = {"nl": "de klachtendienst", "en": "the complaints service"}


def placeholders_unknown(text: str) -> list[str]:
    """The {words} in a template text that are not placeholders, in order, once each."""
    unknown: list[str] = []
    for word in _PLACEHOLDER.findall(text or ""):
        if word not in PLACEHOLDERS and word not in unknown:
            unknown.append(word)
    return unknown


def template_text_check(text: str) -> None:
    """Refuse a template text with an unknown placeholder (the letter template form)."""
    unknown = placeholders_unknown(text)
    if unknown:
        raise ValidationError(
            _("Unknown placeholder: %(unknown)s. Use only %(known)s, each in braces as shown."),
            code="unknown_placeholder",
            params={
                "unknown": ", ".join(f"{{{word}}}" for word in unknown),
                "known": " ".join(f"{{{word}}}" for word in PLACEHOLDERS),
            },
        )


@dataclass(frozen=True)
class LetterDraft:
    """A letter as the officer will send it: chosen template (None: written freely), language,
    subject and text."""

    subject: str
    body: str
    language: str = "nl"
    template: AnswerTemplate | None = None


def letter_language(complaint: Complaint) -> str:
    return complaint.language if complaint.language in LETTER_LANGUAGES else "nl"


def letter_templates(kind: str | None = None) -> list[AnswerTemplate]:
    """The active templates (of one kind), in one query."""
    templates = AnswerTemplate.objects.filter(active=True)
    if kind:
        templates = templates.filter(kind=kind)
    return list(templates.order_by("kind", "language", "name", "pk"))


def letter_template_default(
    templates: list[AnswerTemplate], *, kind: str, language: str
) -> AnswerTemplate | None:
    """The first template of this kind in the letter's language, else in any language."""
    of_kind = [template for template in templates if template.kind == kind]
    for template in of_kind:
        if template.language == language:
            return template
    return of_kind[0] if of_kind else None


def _date(day: datetime.date | None) -> str:
    return date_format(day, "j F Y") if day else ""


def _handler_name(complaint: Complaint, language: str) -> str:
    handler = complaint.handler
    name = handler.get_full_name().strip() if handler else ""
    return name or HANDLER_UNKNOWN[language]


def letter_values(
    *,
    complaint: Complaint,
    language: str,
    refusal_ground: str = "",
    refusal_reason: str = "",
    outcome: str = "",
) -> dict[str, str]:
    """What the placeholders become, in the letter's language."""
    with translation.override(language):
        return {
            "reference": complaint.reference,
            "name": complaint.name.strip() or NAME_UNKNOWN[language],
            "received_on": _date(complaint.received_on),
            "answer_due": _date(complaint.answer_due),
            "refusal_ground": str(RefusalGround(refusal_ground).label) if refusal_ground else "",
            "refusal_reason": refusal_reason.strip(),
            "outcome": str(Outcome(outcome).label).lower() if outcome else "",
            "handler": _handler_name(complaint, language),
        }


def _fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def referral_ensure(body: str, *, kind: str, language: str) -> str:
    """An answer letter ends with the ombudsman referral: add it when it does not."""
    if kind != LetterKind.ANSWER:
        return body
    referral = OMBUDSMAN_REFERRAL[language if language in OMBUDSMAN_REFERRAL else "nl"]
    body = body.rstrip()
    if body.endswith(referral):
        return body
    return f"{body}\n\n{referral}" if body else referral


def letter_fill(
    *,
    template: AnswerTemplate,
    complaint: Complaint,
    refusal_ground: str = "",
    refusal_reason: str = "",
    outcome: str = "",
) -> LetterDraft:
    """The template filled in for this complaint, for the officer to check and change."""
    values = letter_values(
        complaint=complaint,
        language=template.language,
        refusal_ground=refusal_ground,
        refusal_reason=refusal_reason,
        outcome=outcome,
    )
    body = referral_ensure(
        _fill(template.body, values).strip(), kind=template.kind, language=template.language
    )
    return LetterDraft(
        subject=" ".join(_fill(template.subject, values).split()),
        body=body,
        language=template.language,
        template=template,
    )


def _draft_clean(draft: LetterDraft, kind: str) -> LetterDraft:
    errors = {}
    subject = " ".join((draft.subject or "").split())
    body = (draft.body or "").replace("\r\n", "\n").strip()
    if not subject:
        errors["subject"] = ValidationError(_("Write a subject."), code="required")
    elif len(subject) > SUBJECT_MAX_LENGTH:
        errors["subject"] = ValidationError(
            _("Write at most %(limit)d characters."),
            code="max_length",
            params={"limit": SUBJECT_MAX_LENGTH},
        )
    if not body:
        errors["body"] = ValidationError(
            _("Fill in the letter from a template first, then check it."), code="required"
        )
    elif len(body) > BODY_MAX_LENGTH:
        errors["body"] = ValidationError(
            _("Write at most %(limit)d characters."),
            code="max_length",
            params={"limit": BODY_MAX_LENGTH},
        )
    if "\x00" in subject or "\x00" in body:
        errors["body"] = ValidationError(_("The text contains a null character."), code="null")
    if draft.template is not None and draft.template.kind != kind:
        errors["template"] = ValidationError(
            _("Choose a template for this kind of letter."), code="template_kind"
        )
    if errors:
        raise ValidationError(errors)
    language = draft.language if draft.language in LETTER_LANGUAGES else "nl"
    body = referral_ensure(body, kind=kind, language=language)
    return LetterDraft(subject=subject, body=body, language=language, template=draft.template)


def letter_send(
    *, complaint: Complaint, kind: str, draft: LetterDraft, by: User | None
) -> ComplaintLetter:
    """Keep the letter exactly as sent and e-mail it to the complainant once the transaction
    commits; without an e-mail address it is kept to print and post. Called inside the stage
    services (acknowledge, refuse, answer), in their transaction."""
    draft = _draft_clean(draft, kind)
    email = complaint.email.strip()
    letter = ComplaintLetter(
        complaint=complaint,
        kind=kind,
        language=draft.language,
        template=draft.template,
        subject=draft.subject,
        body=draft.body,
        sent_to=email or complaint.postal_address.strip()[:500],
        by_post=not email,
        sent_at=timezone.now(),
        sent_by=by if by is not None and by.is_authenticated else None,
    )
    letter.full_clean()
    with transaction.atomic():
        letter.save()
        event_log(
            complaint=complaint,
            action=EventAction.LETTER,
            actor=by,
            detail=f"{LetterKind(kind).label} · {letter.subject}",
        )
        if email:
            transaction.on_commit(partial(_letter_mail_enqueue, letter.pk), robust=True)
    return letter


def _letter_mail_enqueue(letter_id: int) -> None:
    from complaints.tasks.letters import complaint_letter_mail_send

    complaint_letter_mail_send.enqueue(letter_id)


def letter_message(letter: ComplaintLetter) -> EmailMessage:
    """The plain-text mail of a letter, exactly its subject and text."""
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    return EmailMessage(subject=f"{prefix}{letter.subject}", body=letter.body, to=[letter.sent_to])


def letter_mail(*, letter_id: int) -> bool:
    """E-mail a kept letter once: claimed (emailed_at) around the send, so a task run twice,
    or two workers at once, send it once (community.mail.MailBatch)."""
    from community.mail import MailBatch

    def claim() -> EmailMessage | None:
        claimed = ComplaintLetter.objects.filter(
            pk=letter_id, emailed_at__isnull=True, by_post=False
        ).update(emailed_at=timezone.now())
        if not claimed:
            return None
        letter = ComplaintLetter.objects.get(pk=letter_id)
        return letter_message(letter) if letter.sent_to else None

    def release() -> None:
        ComplaintLetter.objects.filter(pk=letter_id).update(emailed_at=None)

    with MailBatch() as batch:
        return batch.send_once(claim=claim, release=release)
