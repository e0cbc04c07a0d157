"""Notifications: in-app messages to members, e-mailed as each member prefers.

Every feature that tells a member something calls `notifications_create` (or
`notification_create`). The in-app notification is always stored; an e-mail follows only
for kinds the member wants "immediately", sent by a background task after the transaction
commits. Digest kinds wait for `notification_digest_send`.
"""

from collections.abc import Iterable, Mapping
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import (
    EmailFrequency,
    Notification,
    NotificationKind,
    NotificationPreference,
    User,
)
from community.models.notifications import DEFAULT_EMAIL_FREQUENCY
from community.request_state import request_state_changed


def title_clean(title: Mapping[str, str]) -> dict[str, str]:
    """Both languages stored; English falls back to the Dutch title when it is missing."""
    dutch = (title.get("nl") or "").strip()
    if not dutch:
        raise ValidationError(_("A notification needs a Dutch title."), code="title_missing")
    return {"nl": dutch, "en": (title.get("en") or "").strip() or dutch}


def url_clean(url: str) -> str:
    # The link is followed by notification_open: only paths on this site, never elsewhere.
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValidationError(
            _("A notification links to a path on this site, such as /projecten/…/."),
            code="url_not_local",
        )
    return url


# Members per query where a list of ids is bound (a few hundred parameters at most). Whole
# audiences go through community.services.broadcasts, which binds no ids at all.
IDS_PER_QUERY = 500


def notification_email_frequencies(
    *, user_ids: Iterable[int], kind: NotificationKind
) -> dict[int, EmailFrequency]:
    """Each user's e-mail frequency for one kind, defaults included: one query per
    IDS_PER_QUERY users, so a long list never exceeds the database's parameter limit."""
    user_ids = list(user_ids)
    default = DEFAULT_EMAIL_FREQUENCY[NotificationKind(kind)]
    chosen: dict[int, str] = {}
    for start in range(0, len(user_ids), IDS_PER_QUERY):
        chosen.update(
            NotificationPreference.objects.filter(
                user_id__in=user_ids[start : start + IDS_PER_QUERY], kind=kind
            ).values_list("user_id", "frequency")
        )
    return {user_id: EmailFrequency(chosen.get(user_id, default)) for user_id in user_ids}


def notification_email_frequency(user: User, kind: NotificationKind) -> EmailFrequency:
    """How often this member wants e-mail about this kind (the default when never chosen)."""
    return notification_email_frequencies(user_ids=[user.pk], kind=kind)[user.pk]


def notification_preferences_get(*, user: User) -> dict[NotificationKind, EmailFrequency]:
    """The member's e-mail frequency for every kind, defaults included, in one query."""
    chosen = dict(user.notification_preferences.values_list("kind", "frequency"))
    return {
        kind: EmailFrequency(chosen.get(kind, DEFAULT_EMAIL_FREQUENCY[kind]))
        for kind in NotificationKind
    }


# Notifications per e-mail task of notifications_create (the task binds their ids).
EMAILS_PER_TASK = 100


def _emails_enqueue(notification_ids: list[int]) -> None:
    from community.tasks import notification_email_send, notification_emails_send

    if len(notification_ids) == 1:
        notification_email_send.enqueue(notification_ids[0])
        return
    # One task per group, sent over one connection: not one task row per member.
    for start in range(0, len(notification_ids), EMAILS_PER_TASK):
        notification_emails_send.enqueue(notification_ids[start : start + EMAILS_PER_TASK])


@transaction.atomic
def notifications_create(
    *,
    recipients: Iterable[User] | QuerySet,
    kind: NotificationKind,
    title: dict[str, str],
    url: str,
    actor: User | None = None,
) -> list[Notification]:
    """Notify a list of members at once: one insert and one preference query per few hundred
    members. For a whole audience use `broadcast_start`, which works in the background.

    `title` is {"nl": …, "en": …}; `url` a Dutch path on this site. A recipient listed twice
    gets one notification. Members who want this kind immediately get an e-mail from a
    background task (one per EMAILS_PER_TASK), enqueued only once the transaction commits
    (nothing on rollback).
    """
    kind = NotificationKind(kind)
    params = {"title": title_clean(title)}
    url = url_clean(url)
    unique: dict[int, User] = {}
    for recipient in recipients:
        unique.setdefault(recipient.pk, recipient)
    if not unique:
        return []
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient=recipient, actor=actor, kind=kind, params=params, url=url)
            for recipient in unique.values()
        ],
        batch_size=IDS_PER_QUERY,
    )
    request_state_changed(unique)  # bulk_create sends no signal: their unread counts
    frequencies = notification_email_frequencies(user_ids=unique, kind=kind)
    # Whether the address is verified is checked by the task, which runs later anyway.
    immediate = [
        notification.pk
        for notification in notifications
        if notification.recipient.is_active
        and frequencies[notification.recipient_id] == EmailFrequency.IMMEDIATELY
    ]
    if immediate:
        # robust: the notifications are saved; a queue failure is logged, not shown as an error.
        transaction.on_commit(partial(_emails_enqueue, immediate), robust=True)
    return notifications


def notification_create(
    *,
    recipient: User,
    kind: NotificationKind,
    title: dict[str, str],
    url: str,
    actor: User | None = None,
) -> Notification:
    """Notify one member; see `notifications_create`."""
    return notifications_create(
        recipients=[recipient], kind=kind, title=title, url=url, actor=actor
    )[0]


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the member's own notifications as read; reading it twice changes nothing."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied("A member can only mark their own notifications as read.")
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
        _unread_count_forget(user)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark all the member's unread notifications as read; returns how many changed."""
    changed = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    _unread_count_forget(user)
    return changed


def _unread_count_forget(user: User) -> None:
    """The request's user carries its unread count (community.auth_backends): recount, and
    forget the kept one (the update sent no signal)."""
    if hasattr(user, "unread_notification_count"):
        del user.unread_notification_count
    request_state_changed([user.pk])


@transaction.atomic
def notification_preferences_update(
    *, user: User, frequencies: Mapping[NotificationKind, EmailFrequency]
) -> None:
    """Store the member's e-mail frequency per kind, one upsert for all kinds."""
    rows = []
    for kind, frequency in frequencies.items():
        if kind not in NotificationKind.values or frequency not in EmailFrequency.values:
            raise ValidationError(
                _("Unknown notification kind or e-mail frequency: %(kind)s, %(frequency)s."),
                code="invalid_preference",
                params={"kind": kind, "frequency": frequency},
            )
        rows.append(NotificationPreference(user=user, kind=kind, frequency=frequency))
    NotificationPreference.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["frequency"],
    )
