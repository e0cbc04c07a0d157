"""A concern about a child's safety found in a complaint: flagged to the safeguarding officers
at once, outside the normal flow of the complaint.

Each safeguarding officer gets a notification and an e-mail, whatever their notification
preferences: the e-mail claims the notification (its `emailed_at`), so the ordinary
notification mail never sends a second one and a task run twice sends each mail once.
"""

from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from community.models import Notification, NotificationKind, Role, User
from community.services.notifications import notifications_create
from complaints.models import Complaint, EventAction
from complaints.rules import can_handle_complaint
from complaints.services.handling import complaint_titles, complaint_url
from complaints.services.register import event_log

NOTE_MAX_LENGTH = 2000


def safeguarding_officers() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__name=Role.SAFEGUARDING_OFFICER)
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def complaint_flag_safeguarding(*, complaint: Complaint, note: str, by: User) -> Complaint:
    """Flag a concern about a child's safety: the safeguarding officers are told at once (a
    notification and an e-mail each) and may then open the complaint. Flagging a flagged
    complaint again changes nothing and tells nobody twice."""
    if not can_handle_complaint(by, complaint):
        raise PermissionDenied("Only a complaints officer who may handle it flags it.")
    note = (note or "").replace("\r\n", "\n").strip()
    if not note:
        raise ValidationError(
            {"note": ValidationError(_("Write what the concern is."), code="required")}
        )
    if len(note) > NOTE_MAX_LENGTH or "\x00" in note:
        raise ValidationError(
            {
                "note": ValidationError(
                    _("Write at most %(limit)d characters, without null characters."),
                    code="invalid",
                    params={"limit": NOTE_MAX_LENGTH},
                )
            }
        )
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.safeguarding_flagged_at is not None:
        return complaint
    complaint.safeguarding_flagged_at = timezone.now()
    complaint.safeguarding_flagged_by = by
    complaint.safeguarding_note = note
    complaint.save(
        update_fields=["safeguarding_flagged_at", "safeguarding_flagged_by", "safeguarding_note"]
    )
    event_log(
        complaint=complaint,
        action=EventAction.SAFEGUARDING,
        actor=by,
        at=complaint.safeguarding_flagged_at,
    )
    # Registered before the notifications' own mail, so this one claims them first.
    transaction.on_commit(partial(_mails_enqueue, complaint.pk), robust=True)
    notifications_create(
        recipients=safeguarding_officers(),
        kind=NotificationKind.COMPLAINT_SAFEGUARDING,
        title=complaint_titles(complaint),
        url=complaint_url(complaint),
        actor=by,
    )
    return complaint


def _mails_enqueue(complaint_id: int) -> None:
    from complaints.tasks.safeguarding import complaint_safeguarding_mail_send

    complaint_safeguarding_mail_send.enqueue(complaint_id)


def _message(notification: Notification, complaint: Complaint) -> EmailMessage:
    user = notification.recipient
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "complaint": complaint,
            "url": f"{settings.SITE_BASE_URL}"
            f"{reverse('complaints_admin_complaint', args=[complaint.pk])}",
        }
        subject = render_to_string("complaints/mail/safeguarding_subject.txt", context)
        body = render_to_string("complaints/mail/safeguarding_message.txt", context)
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    return EmailMessage(subject=f"{prefix}{' '.join(subject.split())}", body=body, to=[user.email])


def safeguarding_mails_send(*, complaint_id: int) -> int:
    """E-mail each safeguarding officer told about this complaint and not e-mailed yet, over
    one connection; returns how many mails went out."""
    from community.mail import MailBatch

    complaint = Complaint.objects.filter(pk=complaint_id).only("pk", "reference").first()
    if complaint is None:
        return 0
    notifications = list(
        Notification.objects.filter(
            kind=NotificationKind.COMPLAINT_SAFEGUARDING,
            url=complaint_url(complaint),
            emailed_at__isnull=True,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("pk")
    )
    if not notifications:
        return 0
    sent = 0
    with MailBatch() as batch:
        for notification in notifications:

            def claim(notification=notification) -> EmailMessage | None:
                claimed = Notification.objects.filter(
                    pk=notification.pk, emailed_at__isnull=True
                ).update(emailed_at=timezone.now())
                return _message(notification, complaint) if claimed else None

            def release(notification=notification) -> None:
                Notification.objects.filter(pk=notification.pk).update(emailed_at=None)

            sent += batch.send_once(claim=claim, release=release)
    return sent
