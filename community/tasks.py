"""Background work for members: notification e-mails, sent one by one or as digests.

Tasks take ids only (never an address or pseudonym: task arguments are stored in the queue)
and are idempotent, so a retry or a duplicate run never sends the same e-mail twice.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from community.models import (
    EmailFrequency,
    Notification,
    NotificationPreference,
    User,
)
from community.models.notifications import DEFAULT_EMAIL_FREQUENCY
from community.services.notifications import (
    notification_email_frequency,
    notification_preferences_get,
)

DIGEST_FREQUENCIES = (EmailFrequency.DAILY, EmailFrequency.WEEKLY)
# A digest lists this many notifications and points to the site for the rest.
DIGEST_MAX_ITEMS = 50


def _email_reachable(user: User) -> bool:
    """Only active accounts whose login address is verified get e-mail."""
    return bool(
        user.is_active
        and user.email
        and EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )


def _absolute(path: str) -> str:
    return f"{settings.SITE_BASE_URL}{path}"


def _email_send(*, user: User, template: str, context: dict) -> None:
    """Render templates/community/email/<template>_{subject.txt,message.txt,message.html} in the
    member's language and send them, with the preferences link in the body and the headers."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        preferences_url = _absolute(reverse("notification_preferences"))
        context = {
            **context,
            "user": user,
            "notifications_url": _absolute(reverse("notification_list")),
            "preferences_url": preferences_url,
        }
        subject = render_to_string(f"community/email/{template}_subject.txt", context)
        subject = " ".join(subject.split())
        prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
        message = EmailMultiAlternatives(
            subject=f"{prefix}{subject}",
            body=render_to_string(f"community/email/{template}_message.txt", context),
            to=[user.email],
            headers={"List-Unsubscribe": f"<{preferences_url}>"},
        )
        message.attach_alternative(
            render_to_string(f"community/email/{template}_message.html", context), "text/html"
        )
    message.send()


def _open_url(notification: Notification, language: str) -> str:
    # Through notification_open, so following the link from the e-mail marks it as read.
    with translation.override(language):
        return _absolute(reverse("notification_open", kwargs={"pk": notification.pk}))


@task()
def notification_email_send(notification_id: int) -> bool:
    """E-mail one notification right away; returns whether a mail went out.

    Does nothing when it was e-mailed or read already, when the member now wants this kind in
    a digest or never, or when the account cannot receive e-mail (inactive, no verified
    address): running it twice sends one mail.
    """
    notification = (
        Notification.objects.select_related("recipient", "actor").filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed_at or notification.read_at:
        return False
    recipient = notification.recipient
    if notification_email_frequency(recipient, notification.kind) != EmailFrequency.IMMEDIATELY:
        return False
    if not _email_reachable(recipient):
        return False
    with transaction.atomic():
        # Claim the row before sending: a concurrent duplicate finds nothing to claim, and a
        # failed send rolls the claim back so a retry can still deliver it.
        claimed = Notification.objects.filter(
            pk=notification.pk, emailed_at__isnull=True, read_at__isnull=True
        ).update(emailed_at=timezone.now())
        if not claimed:
            return False
        language = recipient.language or settings.LANGUAGE_CODE
        _email_send(
            user=recipient,
            template="notification",
            context={
                "notification": notification,
                "notification_url": _open_url(notification, language),
            },
        )
    return True


@task()
def notification_digest_send(user_id: int, frequency: str) -> int:
    """Send one member one e-mail with everything due for this digest; returns how many items.

    Due: unread, not yet e-mailed notifications of the kinds the member wants in this digest.
    They are marked as e-mailed with the mail, so a second run finds nothing and sends nothing.
    """
    frequency = EmailFrequency(frequency)
    if frequency not in DIGEST_FREQUENCIES:
        raise ValueError(f"{frequency} is not a digest frequency")
    user = User.objects.filter(pk=user_id).first()
    if user is None or not _email_reachable(user):
        return 0
    kinds = [
        kind
        for kind, chosen in notification_preferences_get(user=user).items()
        if chosen == frequency
    ]
    if not kinds:
        return 0
    language = user.language or settings.LANGUAGE_CODE
    with transaction.atomic():
        # Locking the rows (skipping ones a parallel run holds) keeps two runs from both
        # mailing the same item; a failed send rolls back and leaves them due.
        due = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("actor")
            .filter(recipient=user, kind__in=kinds, read_at__isnull=True, emailed_at__isnull=True)
            .order_by("created_at", "pk")
        )
        if not due:
            return 0
        Notification.objects.filter(pk__in=[item.pk for item in due]).update(
            emailed_at=timezone.now()
        )
        shown = due[-DIGEST_MAX_ITEMS:]
        _email_send(
            user=user,
            template="digest",
            context={
                "frequency": frequency.value,
                "items": [
                    {"notification": item, "url": _open_url(item, language)} for item in shown
                ],
                "count": len(due),
                "more": len(due) - len(shown),
            },
        )
    return len(due)


def digest_recipient_ids(frequency: EmailFrequency) -> list[int]:
    """Members who can get e-mail and have something due for this digest, in one query."""
    chosen = NotificationPreference.objects.filter(
        user=OuterRef("recipient"), kind=OuterRef("kind")
    ).values("frequency")[:1]
    # Without a verified login address nothing is ever sent: no daily task that does nothing.
    reachable = EmailAddress.objects.filter(
        user=OuterRef("recipient"), email__iexact=OuterRef("recipient__email"), verified=True
    )
    default_kinds = [
        kind for kind, default in DEFAULT_EMAIL_FREQUENCY.items() if default == frequency
    ]
    return list(
        Notification.objects.filter(
            Exists(reachable),
            read_at__isnull=True,
            emailed_at__isnull=True,
            recipient__is_active=True,
        )
        .annotate(chosen=Subquery(chosen))
        .filter(Q(chosen=frequency) | Q(chosen__isnull=True, kind__in=default_kinds))
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


@task()
def notification_digests_enqueue(frequency: str) -> int:
    """Enqueue one digest task per member with something due; returns how many were enqueued.

    Run daily and weekly from the scheduler (`manage.py send_notification_digests`).
    """
    frequency = EmailFrequency(frequency)
    if frequency not in DIGEST_FREQUENCIES:
        raise ValueError(f"{frequency} is not a digest frequency")
    user_ids = digest_recipient_ids(frequency)
    for user_id in user_ids:
        notification_digest_send.enqueue(user_id, frequency.value)
    return len(user_ids)
