"""The e-mail channel's follow-up: a satisfaction mail some days after an e-mail answer, one
reminder, suppression and the opt-out.

Rules it keeps:
- The mail goes FEEDBACK_EMAIL_DELAY_DAYS after the answer; the one reminder
  FEEDBACK_EMAIL_REMINDER_DAYS after the mail, only while the invitation is unanswered and
  valid. No mail to an address that opted out, nor to one that got any survey mail in the last
  FEEDBACK_EMAIL_THROTTLE_DAYS (SurveyMailRecord, every channel): such a mail is suppressed
  with its reason.
- Each mail is sent at most once, even when a worker dies and the task runs again: it is
  claimed in a committed transaction around the send (community.mail.MailBatch.send_once).
- The address is kept only while a mail may still go to it: it is forgotten (Contact.email
  emptied) when the mail is suppressed, when the reminder is sent or skipped, and when the
  invitation is answered or expires (the next run of `email_followups_send` at the latest).
  The invitation keeps the address's keyed hash for the opt-out link.
- The token exists only as a hash, so each mail carries a fresh one (invitation_create
  re-issues it): the reminder's links replace the first mail's.
"""

import contextlib
import datetime
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from community.mail import MailBatch
from community.models import User
from feedback.models import (
    Channel,
    Contact,
    Invitation,
    MailSuppression,
    Response,
    StaffMember,
    SurveyMailRecord,
    SurveyOptOut,
)
from feedback.services.surveys import contact_create, invitation_create, survey_version_current
from feedback.tokens import address_hash

# One run mails at most this many invitations of each kind; cron runs it every 15 minutes.
MAIL_BATCH_LIMIT = 1000
SCORE_WORDS = {
    1: _("Very dissatisfied"),
    2: _("Dissatisfied"),
    3: _("Neutral"),
    4: _("Satisfied"),
    5: _("Very satisfied"),
}
MAIL_LANGUAGES = ("nl", "en")  # Dutch first, English below


@transaction.atomic
def email_answer_register(
    *,
    ticket_id: str,
    email: str,
    staff: StaffMember,
    occurred_at: datetime.datetime | None = None,
    created_by: User | None = None,
) -> tuple[Invitation, bool]:
    """Register an e-mail answer and schedule its satisfaction mail FEEDBACK_EMAIL_DELAY_DAYS
    later; returns the invitation and whether it is new. A ticket registered before (twice
    submitted, retried) keeps its first contact, address and schedule."""
    contact = contact_create(
        channel=Channel.EMAIL,
        staff=staff,
        occurred_at=occurred_at,
        external_reference=ticket_id,
        email=email.strip(),
        created_by=created_by,
    )
    invitation = Invitation.objects.filter(contact=contact).first()
    if invitation is not None:
        return invitation, False
    due = contact.occurred_at + datetime.timedelta(days=settings.FEEDBACK_EMAIL_DELAY_DAYS)
    invitation, _token = invitation_create(contact=contact, mail_due_at=due)
    if contact.email and not invitation.address_hash:
        invitation.address_hash = address_hash(contact.email)
        invitation.save(update_fields=["address_hash"])
    return invitation, True


# ---------- the mail ----------


def _absolute(path: str) -> str:
    return f"{settings.SITE_BASE_URL}{path}"


def _mail_section(language: str, question: str, token: str) -> dict:
    with translation.override(language):
        survey_url = _absolute(reverse("feedback_survey", kwargs={"token": token}))
        return {
            "language": language,
            "question": question,
            "scores": [
                {"score": score, "word": str(word), "url": f"{survey_url}?score={score}"}
                for score, word in SCORE_WORDS.items()
            ],
            "opt_out_url": _absolute(reverse("feedback_email_opt_out", kwargs={"token": token})),
        }


def survey_mail_message(*, to: str, token: str, reminder: bool = False) -> EmailMultiAlternatives:
    """The satisfaction mail: the question with one link per score (the survey opens with that
    score chosen and records nothing until the parent sends it) and the opt-out link, in
    Dutch with English below."""
    version = survey_version_current(Channel.EMAIL)
    questions = {"nl": version.satisfaction_question, "en": version.satisfaction_question_en}
    sections = [_mail_section(language, questions[language], token) for language in MAIL_LANGUAGES]
    context = {"sections": sections, "reminder": reminder}
    subjects = []
    for language in MAIL_LANGUAGES:
        with translation.override(language):
            text = render_to_string("feedback/mail/survey_subject.txt", context)
        subjects.append(" ".join(text.split()))
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = EmailMultiAlternatives(
        subject=prefix + " / ".join(dict.fromkeys(subjects)),
        body=render_to_string("feedback/mail/survey_message.txt", context),
        to=[to],
        headers={"List-Unsubscribe": f"<{sections[0]['opt_out_url']}>"},
    )
    message.attach_alternative(
        render_to_string("feedback/mail/survey_message.html", context), "text/html"
    )
    return message


# ---------- who gets one ----------


def _recently_surveyed(hashed: str, since: datetime.datetime) -> bool:
    return SurveyMailRecord.objects.filter(address_hash=hashed, sent_at__gt=since).exists()


def _opted_out(hashed: str) -> bool:
    return SurveyOptOut.objects.filter(address_hash=hashed).exists()


def _closed(invitation: Invitation, now: datetime.datetime) -> bool:
    """Answered or expired: nothing more to ask."""
    return (
        invitation.expires_at <= now
        or Response.objects.filter(contact_id=invitation.contact_id).exists()
    )


def _first_mail_suppression(invitation: Invitation, now: datetime.datetime) -> str:
    if _closed(invitation, now):
        return MailSuppression.EXPIRED
    if not invitation.contact.email:
        return MailSuppression.NO_ADDRESS
    hashed = _hash_of(invitation)
    if _opted_out(hashed):
        return MailSuppression.OPTED_OUT
    throttle = datetime.timedelta(days=settings.FEEDBACK_EMAIL_THROTTLE_DAYS)
    if _recently_surveyed(hashed, now - throttle):
        return MailSuppression.RECENTLY_SURVEYED
    return ""


def _forget_address(contact_id: int) -> None:
    Contact.objects.filter(pk=contact_id).exclude(email="").update(email="")


def _hash_of(invitation: Invitation) -> str:
    email = invitation.contact.email
    return invitation.address_hash or (address_hash(email) if email else "")


def _lock_address(hashed: str) -> None:
    """Hold the address until this transaction ends, so two runs at once cannot both find
    "no survey in 7 days" and both mail it. SQLite's transactions take the write lock at
    their start (config.settings.base) and need no more."""
    connection = transaction.get_connection()
    if hashed and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(hashed[:15], 16)])


def _locked_invitation(invitation_id: int, **conditions) -> Invitation | None:
    return (
        Invitation.objects.select_for_update()
        .select_related("contact")
        .filter(pk=invitation_id, **conditions)
        .first()
    )


@dataclass
class MailRun:
    """What one run of `email_followups_send` did."""

    sent: int = 0
    reminded: int = 0
    suppressed: int = 0
    forgotten: int = 0
    _pending: dict = field(default_factory=dict, repr=False)


# ---------- claims: written and committed before the mail leaves (community.mail) ----------


def _first_mail_claim(run: MailRun, invitation_id: int) -> EmailMessage | None:
    invitation = _locked_invitation(invitation_id, mail_sent_at__isnull=True, mail_suppressed="")
    if invitation is None:
        return None  # sent or suppressed by an earlier (or a parallel) run
    _lock_address(_hash_of(invitation))
    now = timezone.now()
    reason = _first_mail_suppression(invitation, now)
    if reason:
        invitation.mail_suppressed = reason
        invitation.save(update_fields=["mail_suppressed"])
        _forget_address(invitation.contact_id)
        run.suppressed += 1
        return None
    hashed = _hash_of(invitation)
    invitation.mail_sent_at = now
    invitation.address_hash = hashed
    invitation.save(update_fields=["mail_sent_at", "address_hash"])
    SurveyMailRecord.objects.create(address_hash=hashed, sent_at=now)
    run._pending[invitation_id] = (hashed, now)
    _invitation, token = invitation_create(contact=invitation.contact)
    return survey_mail_message(to=invitation.contact.email, token=token)


def _first_mail_release(run: MailRun, invitation_id: int) -> None:
    """The server refused the finished message: undo the claim, so a later run retries."""
    hashed, sent_at = run._pending.pop(invitation_id)
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation_id).update(mail_sent_at=None)
        SurveyMailRecord.objects.filter(address_hash=hashed, sent_at=sent_at).delete()


def _reminder_claim(run: MailRun, invitation_id: int) -> EmailMessage | None:
    invitation = _locked_invitation(
        invitation_id, mail_sent_at__isnull=False, reminder_sent_at__isnull=True
    )
    if invitation is None or not invitation.contact.email:
        return None
    hashed = _hash_of(invitation)
    _lock_address(hashed)
    now = timezone.now()
    # Another survey since this invitation's own mail, or an opt-out: no reminder.
    if (
        _closed(invitation, now)
        or _opted_out(hashed)
        or _recently_surveyed(hashed, invitation.mail_sent_at)
    ):
        _forget_address(invitation.contact_id)
        return None
    email = invitation.contact.email
    invitation.reminder_sent_at = now
    invitation.save(update_fields=["reminder_sent_at"])
    SurveyMailRecord.objects.create(address_hash=hashed, sent_at=now)
    _forget_address(invitation.contact_id)
    run._pending[invitation_id] = (hashed, now, email)
    _invitation, token = invitation_create(contact=invitation.contact)
    return survey_mail_message(to=email, token=token, reminder=True)


def _reminder_release(run: MailRun, invitation_id: int) -> None:
    hashed, sent_at, email = run._pending.pop(invitation_id)
    with transaction.atomic():
        invitation = Invitation.objects.get(pk=invitation_id)
        Invitation.objects.filter(pk=invitation_id).update(reminder_sent_at=None)
        Contact.objects.filter(pk=invitation.contact_id).update(email=email)
        SurveyMailRecord.objects.filter(address_hash=hashed, sent_at=sent_at).delete()


# ---------- the run ----------


def _due_first_mails(now: datetime.datetime, limit: int) -> list[int]:
    return list(
        Invitation.objects.filter(
            contact__channel=Channel.EMAIL,
            mail_due_at__lte=now,
            mail_sent_at__isnull=True,
            mail_suppressed="",
        )
        .order_by("mail_due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def _due_reminders(now: datetime.datetime, limit: int) -> list[int]:
    after = datetime.timedelta(days=settings.FEEDBACK_EMAIL_REMINDER_DAYS)
    return list(
        Invitation.objects.filter(
            contact__channel=Channel.EMAIL,
            mail_sent_at__lte=now - after,
            reminder_sent_at__isnull=True,
            expires_at__gt=now,
            contact__response__isnull=True,
        )
        .exclude(contact__email="")
        .order_by("mail_sent_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def email_addresses_forget(*, now: datetime.datetime | None = None) -> int:
    """Forget every e-mail answer's address no mail can go to any more: suppressed, reminded,
    answered or expired (or without an invitation). Returns how many were forgotten."""
    now = now or timezone.now()
    done = (
        Q(invitation__isnull=True)
        | ~Q(invitation__mail_suppressed="")
        | Q(invitation__reminder_sent_at__isnull=False)
        | Q(invitation__expires_at__lte=now)
        | Q(response__isnull=False)
    )
    return Contact.objects.filter(done, channel=Channel.EMAIL).exclude(email="").update(email="")


def email_followups_send(*, limit: int = MAIL_BATCH_LIMIT) -> MailRun:
    """Send the satisfaction mails and reminders that are due, over one connection, each at
    most once (see the module's rules), then forget the addresses no mail needs any more.
    Safe to run twice and side by side: a second run finds everything claimed."""
    run = MailRun()
    now = timezone.now()
    first, reminders = _due_first_mails(now, limit), _due_reminders(now, limit)
    if first or reminders:
        with MailBatch() as batch:
            for invitation_id in first:
                if batch.send_once(
                    claim=partial(_first_mail_claim, run, invitation_id),
                    release=partial(_first_mail_release, run, invitation_id),
                ):
                    run.sent += 1
                else:
                    _refused_if_pending(run, invitation_id, reminder=False)
            for invitation_id in reminders:
                if batch.send_once(
                    claim=partial(_reminder_claim, run, invitation_id),
                    release=partial(_reminder_release, run, invitation_id),
                ):
                    run.reminded += 1
                else:
                    _refused_if_pending(run, invitation_id, reminder=True)
    run.forgotten = email_addresses_forget(now=timezone.now())
    return run


def _refused_if_pending(run: MailRun, invitation_id: int, *, reminder: bool) -> None:
    """send_once sent nothing: either the claim found nothing to do (settled, perhaps
    suppressed), or the server refused the recipient and the claim was rolled back: then the
    invitation is still pending, and that address is not tried again."""
    run._pending.pop(invitation_id, None)
    with transaction.atomic():
        pending = Invitation.objects.select_for_update().filter(pk=invitation_id)
        if reminder:
            pending = pending.filter(reminder_sent_at__isnull=True).exclude(contact__email="")
        else:
            pending = pending.filter(mail_sent_at__isnull=True, mail_suppressed="")
        invitation = pending.first()
        if invitation is None:
            return
        if not reminder:
            invitation.mail_suppressed = MailSuppression.REFUSED
            invitation.save(update_fields=["mail_suppressed"])
        _forget_address(invitation.contact_id)


# ---------- opting out ----------


def survey_opt_out_record(*, invitation: Invitation) -> bool:
    """Record that the address of this invitation's mail wants no survey mail any more: its
    pending mail and reminder are dropped and the address forgotten. Returns whether the
    invitation had an address (other channels have none: nothing to record)."""
    contact = invitation.contact
    hashed = _hash_of(invitation)
    if not hashed:
        return False
    with transaction.atomic():
        # Opted out at the same moment in another tab: that one is recorded.
        with contextlib.suppress(IntegrityError), transaction.atomic():
            SurveyOptOut.objects.get_or_create(address_hash=hashed)
        Invitation.objects.filter(
            pk=invitation.pk, mail_sent_at__isnull=True, mail_suppressed=""
        ).update(mail_suppressed=MailSuppression.OPTED_OUT)
        _forget_address(contact.pk)
    return True
