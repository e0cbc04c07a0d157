"""Background work for members: notification e-mails (one by one, in groups, as digests) and
the batches of broadcasts to whole audiences.

Tasks take ids only (never an address or pseudonym: task arguments are stored in the queue)
and are idempotent, so a retry or a duplicate run never sends the same e-mail twice. Every
e-mail claims its rows (`emailed_at`) around the send as community.mail explains, so a worker
killed in the middle of a batch and the batch run again still send each mail once.
"""

import uuid
from collections.abc import Iterable
from functools import partial
from types import SimpleNamespace

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django_tasks import task

from community.mail import MailBatch
from community.models import (
    BroadcastBatch,
    EmailFrequency,
    Notification,
    NotificationPreference,
    User,
)
from community.models.notifications import DEFAULT_EMAIL_FREQUENCY
from community.services.broadcasts import (
    broadcast_batch_create,
    broadcast_batch_mailed,
    broadcast_batch_size,
    broadcast_fail,
)

DIGEST_FREQUENCIES = (EmailFrequency.DAILY, EmailFrequency.WEEKLY)
# A digest lists this many notifications and points to the site for the rest.
DIGEST_MAX_ITEMS = 50
# The ids in a task of notification_emails_send are bound in its query: keep them few.
MAX_IDS_PER_TASK = 100


def _email_reachable(user: User) -> bool:
    """Only active accounts whose login address is verified get e-mail."""
    return bool(
        user.is_active
        and user.email
        and EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )


def _verified(user_ref: str) -> Exists:
    return Exists(
        EmailAddress.objects.filter(
            user=OuterRef(user_ref), email__iexact=OuterRef(f"{user_ref}__email"), verified=True
        )
    )


def _absolute(path: str) -> str:
    return f"{settings.SITE_BASE_URL}{path}"


def _mail_urls(language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "notifications_url": _absolute(reverse("notification_list")),
            "preferences_url": _absolute(reverse("notification_preferences")),
        }


def _message(*, to: str, subject: str, body: str, html: str, preferences_url: str):
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = EmailMultiAlternatives(
        subject=f"{prefix}{' '.join(subject.split())}",
        body=body,
        to=[to],
        headers={"List-Unsubscribe": f"<{preferences_url}>"},
    )
    message.attach_alternative(html, "text/html")
    return message


def _email_build(*, user: User, template: str, context: dict) -> EmailMultiAlternatives:
    """Render templates/community/email/<template>_{subject.txt,message.txt,message.html} in the
    member's language, with the preferences link in the body and the headers."""
    language = user.language or settings.LANGUAGE_CODE
    urls = _mail_urls(language)
    context = {**context, **urls, "user": user}
    with translation.override(language):
        return _message(
            to=user.email,
            subject=render_to_string(f"community/email/{template}_subject.txt", context),
            body=render_to_string(f"community/email/{template}_message.txt", context),
            html=render_to_string(f"community/email/{template}_message.html", context),
            preferences_url=urls["preferences_url"],
        )


def _open_url(notification: Notification, language: str) -> str:
    # Through notification_open, so following the link from the e-mail marks it as read.
    with translation.override(language):
        return _absolute(reverse("notification_open", kwargs={"pk": notification.pk}))


class NotificationMails:
    """The immediate e-mails of notifications, each text rendered once per language (and
    greeting) for notifications that read the same: same kind, title and actor, as in a
    broadcast. The member's name and the link to the notification are put in afterwards.

    The stand-ins are letters only, so escaping leaves them as they are; the real name is
    escaped for the HTML part."""

    NAME = "mtpname7q"
    LINK = "mtplink7q"
    TO = "mtpto7q@example.invalid"
    MESSAGE_ID = "mtpmessageid7q"
    OPEN_PK = 987654321987

    def __init__(self) -> None:
        self._rendered: dict[tuple, tuple[str, str, str, str, bytes | None]] = {}
        self._open_urls: dict[str, str] = {}

    def message(self, notification: Notification) -> EmailMultiAlternatives:
        user = notification.recipient
        language = user.language or settings.LANGUAGE_CODE
        named = bool(user.pseudonym)
        rendered = self._render(notification, language, named)
        subject, body, html, preferences_url, wire = rendered
        link = self._open_url(language).replace(str(self.OPEN_PK), str(notification.pk))
        name = str(user.display_name) if named else ""
        body = body.replace(self.LINK, link).replace(self.NAME, name)
        html = html.replace(self.LINK, escape(link)).replace(self.NAME, escape(name))
        message = _message(
            to=user.email, subject=subject, body=body, html=html, preferences_url=preferences_url
        )
        if wire is not None and user.email.isascii():
            # The whole message as the SMTP server gets it, from the bytes built once: MIME
            # encoding of every message anew cost more than everything else together.
            message.wire_bytes = (
                wire.replace(self.TO.encode(), user.email.encode())
                .replace(self.MESSAGE_ID.encode(), uuid.uuid4().hex.encode())
                .replace(self.LINK.encode(), link.encode())
                .replace(self.NAME.encode() + b"<", escape(name).encode() + b"<")
                .replace(self.NAME.encode(), name.encode())
            )
        return message

    def _open_url(self, language: str) -> str:
        if language not in self._open_urls:
            with translation.override(language):
                path = reverse("notification_open", kwargs={"pk": self.OPEN_PK})
            self._open_urls[language] = _absolute(path)
        return self._open_urls[language]

    def _wire(self, subject: str, body: str, html: str, preferences_url: str) -> bytes | None:
        """The message with stand-ins for the address, the Message-ID, the name and the link,
        encoded once; None when the encoding would not let them be replaced as bytes."""
        message = _message(
            to=self.TO, subject=subject, body=body, html=html, preferences_url=preferences_url
        )
        message.extra_headers["Message-ID"] = f"<{self.MESSAGE_ID}@{DNS_NAME}>"
        wire = message.message().as_bytes(linesep="\r\n")
        # 8bit parts hold the text as it is; quoted-printable or base64 would not.
        if b"quoted-printable" in wire or b"base64" in wire or self.LINK.encode() not in wire:
            return None
        return wire

    def _render(
        self, notification: Notification, language: str, named: bool
    ) -> tuple[str, str, str, str, bytes | None]:
        key = (
            notification.kind,
            repr(notification.params),
            notification.actor_id,
            language,
            named,
        )
        if key not in self._rendered:
            urls = _mail_urls(language)
            stand_in = SimpleNamespace(pseudonym=self.NAME if named else "", display_name=self.NAME)
            context = {
                **urls,
                "user": stand_in,
                "notification": notification,
                "notification_url": self.LINK,
            }
            with translation.override(language):
                subject, body, html = (
                    render_to_string(f"community/email/notification_{part}", context)
                    for part in ("subject.txt", "message.txt", "message.html")
                )
            self._rendered[key] = (
                subject,
                body,
                html,
                urls["preferences_url"],
                self._wire(subject, body, html, urls["preferences_url"]),
            )
        return self._rendered[key]


def notifications_due_now(notifications: QuerySet) -> list[Notification]:
    """Of these notifications, the ones to e-mail right away, in one query: not e-mailed or
    read yet, of a kind the member wants immediately (chosen or by default), for an active
    account with a verified login address."""
    chosen = NotificationPreference.objects.filter(
        user=OuterRef("recipient"), kind=OuterRef("kind")
    ).values("frequency")[:1]
    immediate_by_default = [
        kind
        for kind, default in DEFAULT_EMAIL_FREQUENCY.items()
        if default == EmailFrequency.IMMEDIATELY
    ]
    return list(
        notifications.filter(
            _verified("recipient"),
            emailed_at__isnull=True,
            read_at__isnull=True,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .annotate(chosen=Subquery(chosen))
        .filter(
            Q(chosen=EmailFrequency.IMMEDIATELY)
            | Q(chosen__isnull=True, kind__in=immediate_by_default)
        )
        .select_related("recipient", "actor")
        .order_by("recipient_id", "pk")
    )


def _notification_claim(mails: NotificationMails, notification: Notification):
    claimed = Notification.objects.filter(
        pk=notification.pk, emailed_at__isnull=True, read_at__isnull=True
    ).update(emailed_at=timezone.now())
    return mails.message(notification) if claimed else None


def _notification_release(notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk).update(emailed_at=None)


def notifications_mail(notifications: Iterable[Notification]) -> int:
    """E-mail these notifications (from `notifications_due_now`) over one connection, each
    claimed right around its send; returns how many went out."""
    notifications = list(notifications)
    if not notifications:
        return 0
    mails = NotificationMails()
    sent = 0
    with MailBatch() as batch:
        for notification in notifications:
            sent += batch.send_once(
                claim=partial(_notification_claim, mails, notification),
                release=partial(_notification_release, notification),
            )
    return sent


@task()
def notification_email_send(notification_id: int) -> bool:
    """E-mail one notification right away; returns whether a mail went out.

    Does nothing when it was e-mailed or read already, when the member now wants this kind in
    a digest or never, or when the account cannot receive e-mail (inactive, no verified
    address): running it twice sends one mail.
    """
    due = notifications_due_now(Notification.objects.filter(pk=notification_id))
    return notifications_mail(due) == 1


@task()
def notification_emails_send(notification_ids: list[int]) -> int:
    """E-mail a few notifications (at most MAX_IDS_PER_TASK) over one connection, as
    `notification_email_send` does for one; returns how many mails went out."""
    if len(notification_ids) > MAX_IDS_PER_TASK:
        raise ValueError(f"At most {MAX_IDS_PER_TASK} notifications per task.")
    return notifications_mail(
        notifications_due_now(Notification.objects.filter(pk__in=notification_ids))
    )


# ---------- broadcasts to whole audiences (community.services.broadcasts) ----------


@task()
def broadcast_batch_run(broadcast_id: int, after: int) -> int:
    """Notify the broadcast's next batch of members (ids above `after`) and queue its e-mails
    and the batch after it; returns how many were notified. Safe to run twice."""
    try:
        return broadcast_batch_create(broadcast_id=broadcast_id, after=after)
    except Exception:
        broadcast_fail(broadcast_id=broadcast_id)
        raise


@task()
def broadcast_emails_send(batch_id: int) -> int:
    """E-mail the members of one broadcast batch who want it now, over one connection, with
    the templates rendered once per language; returns how many mails went out.

    Run again after a crash it sends only what was not claimed yet."""
    batch = BroadcastBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.mailed_at is not None:
        return 0
    try:
        due = notifications_due_now(
            Notification.objects.filter(
                broadcast_id=batch.broadcast_id,
                recipient_id__gt=batch.after,
                recipient_id__lte=batch.upto,
            )
        )
        sent = notifications_mail(due)
        broadcast_batch_mailed(batch=batch)
    except Exception:
        broadcast_fail(broadcast_id=batch.broadcast_id)
        raise
    return sent


# ---------- digests ----------


def _digest_kinds(user: User, frequency: EmailFrequency) -> list[str]:
    # .all(): the preferences prefetched for a whole batch, or one query for one member.
    chosen = {
        preference.kind: preference.frequency for preference in user.notification_preferences.all()
    }
    return [
        kind
        for kind, default in DEFAULT_EMAIL_FREQUENCY.items()
        if chosen.get(kind, default) == frequency
    ]


def _digest_claim(
    user: User, kinds: list[str], frequency: EmailFrequency, claimed: list[Notification]
) -> EmailMultiAlternatives | None:
    # Locking the rows (skipping ones a parallel run holds) keeps two runs from both mailing
    # the same item.
    due = list(
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("actor")
        .filter(recipient=user, kind__in=kinds, read_at__isnull=True, emailed_at__isnull=True)
        .order_by("created_at", "pk")
    )
    if not due:
        return None
    Notification.objects.filter(pk__in=[item.pk for item in due]).update(emailed_at=timezone.now())
    claimed.extend(due)
    language = user.language or settings.LANGUAGE_CODE
    shown = due[-DIGEST_MAX_ITEMS:]
    return _email_build(
        user=user,
        template="digest",
        context={
            "frequency": frequency.value,
            "items": [{"notification": item, "url": _open_url(item, language)} for item in shown],
            "count": len(due),
            "more": len(due) - len(shown),
        },
    )


def _digest_release(claimed: list[Notification]) -> None:
    Notification.objects.filter(pk__in=[item.pk for item in claimed]).update(emailed_at=None)


def _digest_send(user: User, frequency: EmailFrequency, batch: MailBatch) -> int:
    """One member's digest on the batch's connection; returns how many items it held."""
    kinds = _digest_kinds(user, frequency)
    if not kinds:
        return 0
    claimed: list[Notification] = []
    sent = batch.send_once(
        claim=partial(_digest_claim, user, kinds, frequency, claimed),
        release=partial(_digest_release, claimed),
    )
    return len(claimed) if sent else 0


def _frequency_check(frequency: str) -> EmailFrequency:
    frequency = EmailFrequency(frequency)
    if frequency not in DIGEST_FREQUENCIES:
        raise ValueError(f"{frequency} is not a digest frequency")
    return frequency


@task()
def notification_digest_send(user_id: int, frequency: str) -> int:
    """Send one member one e-mail with everything due for this digest; returns how many items.

    Due: unread, not yet e-mailed notifications of the kinds the member wants in this digest.
    They are marked as e-mailed with the mail, so a second run finds nothing and sends nothing.
    """
    frequency = _frequency_check(frequency)
    user = User.objects.filter(pk=user_id).first()
    if user is None or not _email_reachable(user):
        return 0
    with MailBatch() as batch:
        return _digest_send(user, frequency, batch)


def _digest_due(frequency: EmailFrequency) -> QuerySet:
    """Notifications due for this digest, for members who can get e-mail."""
    chosen = NotificationPreference.objects.filter(
        user=OuterRef("recipient"), kind=OuterRef("kind")
    ).values("frequency")[:1]
    default_kinds = [
        kind for kind, default in DEFAULT_EMAIL_FREQUENCY.items() if default == frequency
    ]
    # Without a verified login address nothing is ever sent: no daily task that does nothing.
    return (
        Notification.objects.filter(
            _verified("recipient"),
            read_at__isnull=True,
            emailed_at__isnull=True,
            recipient__is_active=True,
        )
        .annotate(chosen=Subquery(chosen))
        .filter(Q(chosen=frequency) | Q(chosen__isnull=True, kind__in=default_kinds))
    )


def digest_recipient_ids(frequency: EmailFrequency) -> list[int]:
    """Members who can get e-mail and have something due for this digest, in one query."""
    return list(
        _digest_due(frequency)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


@task()
def notification_digests_send(frequency: str, after: int, upto: int) -> int:
    """Send the digest to every member with something due whose id is in (after, upto], over
    one connection; returns how many mails went out. Safe to run twice, as one member's."""
    frequency = _frequency_check(frequency)
    due = _digest_due(frequency).filter(recipient_id__gt=after, recipient_id__lte=upto)
    users = (
        User.objects.filter(pk__in=due.values("recipient_id"))
        .prefetch_related(Prefetch("notification_preferences"))
        .order_by("pk")
    )
    sent = 0
    with MailBatch() as batch:
        for user in users:
            sent += bool(_digest_send(user, frequency, batch))
    return sent


@task()
def notification_digests_enqueue(frequency: str) -> int:
    """Queue the digests: one task per batch of members with something due (one query finds
    them); returns how many members. Run daily and weekly from the scheduler
    (`manage.py send_notification_digests`)."""
    frequency = _frequency_check(frequency)
    user_ids = digest_recipient_ids(frequency)
    size = broadcast_batch_size()
    after = 0
    for start in range(0, len(user_ids), size):
        upto = user_ids[start : start + size][-1]
        notification_digests_send.enqueue(frequency.value, after, upto)
        after = upto
    return len(user_ids)
