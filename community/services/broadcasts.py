"""Broadcasts: one notification for a whole audience, of any size, without holding up a request.

A feature that tells many members something (a project's invitation, a new topic, results)
calls `broadcast_start` with a function that lists the audience. Background tasks then work
through the audience in batches of member ids (keyset: ids above the last batch's highest):
per batch one INSERT … SELECT writes the notifications and one task e-mails them
(community.tasks). No query binds a parameter per member, and the work per batch stays the
same whatever the audience's size.

Safe to run twice: a batch is recorded once (unique per broadcast and starting id) and a
member gets one notification per broadcast (unique per broadcast and recipient), so a task
run again, or a duplicate running at the same time, adds nothing and mails nobody twice.
"""

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from community.models import (
    Broadcast,
    BroadcastBatch,
    BroadcastStatus,
    Notification,
    NotificationKind,
    User,
)
from community.request_state import request_state_changed

# Members per batch: one INSERT of this many rows and one e-mail task for them.
DEFAULT_BATCH_SIZE = 1000

Audience = Callable[[Broadcast], QuerySet]
_AUDIENCES: dict[str, Audience] = {}


def broadcast_batch_size() -> int:
    return getattr(settings, "BROADCAST_BATCH_SIZE", DEFAULT_BATCH_SIZE)


def broadcast_audience(function: Audience) -> Audience:
    """Decorator: `function(broadcast)` lists the members a broadcast reaches, as a queryset
    of users (it may leave out members told before). Only registered functions can be named
    by a broadcast, so a stored name never imports anything else."""
    _AUDIENCES[broadcast_audience_name(function)] = function
    return function


def broadcast_audience_name(function: Audience) -> str:
    """What a broadcast stores to name its audience function."""
    return f"{function.__module__}.{function.__qualname__}"


def _audience_of(broadcast: Broadcast) -> QuerySet:
    if broadcast.audience not in _AUDIENCES:
        # A worker may not have imported the feature's module yet: importing registers it.
        module, _name = broadcast.audience.rsplit(".", 1)
        import_module(module)
    function = _AUDIENCES.get(broadcast.audience)
    if function is None:
        raise ImproperlyConfigured(f"{broadcast.audience} is not a broadcast audience.")
    return function(broadcast).order_by()


def broadcast_start(
    *,
    kind: NotificationKind,
    audience: Audience,
    title: dict[str, str],
    url: str,
    target_id: int | None = None,
    actor: User | None = None,
    description: str = "",
) -> Broadcast:
    """Record a broadcast and queue its first batch, in the caller's transaction.

    The task row is written to the same database (django-tasks-db), not after the commit: the
    broadcast and its work commit together with whatever the caller writes (the topic going
    live) or roll back with it. Nobody is notified before the commit; a worker does that.
    """
    from community.services.notifications import title_clean, url_clean
    from community.tasks import broadcast_batch_run

    titles = title_clean(title)
    name = broadcast_audience_name(audience)
    if name not in _AUDIENCES:
        raise ImproperlyConfigured(f"Register {name} with @broadcast_audience first.")
    broadcast = Broadcast.objects.create(
        kind=NotificationKind(kind),
        title=titles["nl"],
        title_en=titles["en"],
        url=url_clean(url),
        actor=actor,
        audience=name,
        target_id=target_id,
        description=description[:500],
    )
    broadcast_batch_run.enqueue(broadcast.pk, 0)
    return broadcast


def broadcast_batch_create(*, broadcast_id: int, after: int) -> int:
    """Notify the next batch of the audience: members with ids above `after`, at most the
    batch size. In one transaction: the batch row, the notifications (one INSERT … SELECT),
    the counts, the batch's e-mail task and the next batch's task. Returns how many members
    were notified: 0 when the broadcast is gone or finished, or a run did this batch.

    The number of queries is the same for every batch and no query binds member ids.
    """
    from community.tasks import broadcast_batch_run, broadcast_emails_send

    broadcast = Broadcast.objects.filter(pk=broadcast_id).first()
    if broadcast is None or not broadcast.is_active or broadcast.all_notified:
        return 0
    audience = _audience_of(broadcast)
    if broadcast.total is None:
        # Counted by the first batch, so the request that started the broadcast stays quick.
        Broadcast.objects.filter(pk=broadcast.pk).update(
            total=audience.count(), status=BroadcastStatus.RUNNING
        )
    size = broadcast_batch_size()
    member_ids = list(
        audience.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:size]
    )
    if not member_ids:
        Broadcast.objects.filter(pk=broadcast.pk).update(all_notified=True)
        broadcast_finish_if_done(broadcast_id=broadcast.pk)
        return 0
    upto = member_ids[-1]
    last = len(member_ids) < size
    with transaction.atomic():
        try:
            with transaction.atomic():
                batch = BroadcastBatch.objects.create(broadcast=broadcast, after=after, upto=upto)
        except IntegrityError:
            return 0  # a run of the same batch got there first
        notified = _notifications_insert(
            broadcast=broadcast, members=audience.filter(pk__gt=after, pk__lte=upto)
        )
        BroadcastBatch.objects.filter(pk=batch.pk).update(notified=notified)
        Broadcast.objects.filter(pk=broadcast.pk).update(
            notified=F("notified") + notified, status=BroadcastStatus.RUNNING, all_notified=last
        )
        request_state_changed(member_ids)  # their unread counts; the insert sends no signal
        broadcast_emails_send.enqueue(batch.pk)
        if not last:
            broadcast_batch_run.enqueue(broadcast.pk, upto)
    return notified


def _notifications_insert(*, broadcast: Broadcast, members: QuerySet) -> int:
    """INSERT … SELECT one notification per member of `members`, skipping members who have
    one of this broadcast already; returns how many were inserted.

    The members' query goes in as a subquery: its own few parameters plus six constants,
    whatever the number of members."""
    using = router.db_for_write(Notification)
    connection = connections[using]
    quote = connection.ops.quote_name
    select_sql, select_params = (
        members.values(member=F("pk")).query.get_compiler(using=using).as_sql()
    )
    field = Notification._meta.get_field
    constants: list[tuple[str, Any]] = [
        ("actor_id", broadcast.actor_id),
        ("kind", broadcast.kind),
        ("params", {"title": broadcast.titles}),
        ("url", broadcast.url),
        ("created_at", timezone.now()),
        ("broadcast_id", broadcast.pk),
    ]
    names = ["recipient_id", *(name for name, _value in constants)]
    columns = ", ".join(quote(field(name).column) for name in names)
    values = [field(name).get_db_prep_save(value, connection) for name, value in constants]
    if connection.vendor == "postgresql":
        # PostgreSQL reads a bare parameter in a SELECT list as text.
        casts = ", ".join(
            f"CAST(%s AS {field(name).cast_db_type(connection)})" for name, _value in constants
        )
    else:
        casts = ", ".join("%s" for _constant in constants)
    # WHERE 1 = 1: SQLite needs a WHERE before ON CONFLICT in an INSERT … SELECT.
    sql = (
        f"INSERT INTO {quote(Notification._meta.db_table)} ({columns}) "
        f"SELECT audience.member, {casts} FROM ({select_sql}) audience WHERE 1 = 1 "
        f"ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *select_params])
        return cursor.rowcount


def broadcast_batch_mailed(*, batch: BroadcastBatch) -> None:
    """Record that the batch's e-mail task went through it (once), with how many of its
    notifications are e-mailed, and finish the broadcast when it was the last."""
    mailed = Notification.objects.filter(
        broadcast_id=batch.broadcast_id,
        recipient_id__gt=batch.after,
        recipient_id__lte=batch.upto,
        emailed_at__isnull=False,
    ).count()
    BroadcastBatch.objects.filter(pk=batch.pk).update(mailed=mailed, mailed_at=timezone.now())
    broadcast_finish_if_done(broadcast_id=batch.broadcast_id)


def broadcast_finish_if_done(*, broadcast_id: int) -> bool:
    """Mark the broadcast done once every member is notified and every batch is e-mailed;
    one conditional update, so of two last tasks only one finishes it."""
    unmailed = BroadcastBatch.objects.filter(broadcast=OuterRef("pk"), mailed_at__isnull=True)
    return bool(
        Broadcast.objects.filter(
            pk=broadcast_id,
            all_notified=True,
            status__in=[BroadcastStatus.QUEUED, BroadcastStatus.RUNNING],
        )
        .exclude(Exists(unmailed))
        .update(status=BroadcastStatus.DONE, finished_at=timezone.now())
    )


def broadcast_fail(*, broadcast_id: int) -> None:
    """A task of the broadcast failed: show it. Running the failed task again resumes it."""
    Broadcast.objects.filter(pk=broadcast_id).update(status=BroadcastStatus.FAILED)


def broadcasts_with_progress() -> QuerySet:
    """Broadcasts, newest first, each with `mailed`: how many members were e-mailed so far
    (summed over its batches, in the same query)."""
    return Broadcast.objects.annotate(mailed=Coalesce(Sum("batches__mailed"), 0)).order_by(
        "-created_at", "-pk"
    )
