"""Two runs of one broadcast batch at once (PostgreSQL): each member notified once.

Marked `races`: `make test` runs it after the others, with the browser tests, because a
transactional test empties the database after it."""

import threading

import pytest
from django.conf import settings as django_settings
from django.db import connections

from community import tasks
from community.models import (
    BroadcastBatch,
    Notification,
    NotificationKind,
)
from community.services.broadcasts import broadcast_start
from tests.community.test_broadcasts import everyone_active, members

TITLE = {"nl": "Slapen", "en": "Sleeping"}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

pytestmark = [pytest.mark.django_db, pytest.mark.races]


# serialized_rollback: the page tree and content types that migrations made come back after
# the flush, for the tests that run after this one on the same worker.
@pytest.mark.skipif(
    not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="SQLite runs one writer at a time: there is no race to lose",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_of_one_batch_at_the_same_time_notify_each_member_once(settings):
    settings.TASKS = DATABASE_TASKS  # tasks are queued, not run: the race is ours to start
    members(40)
    broadcast = broadcast_start(
        kind=NotificationKind.PROJECT_INVITATION,
        audience=everyone_active,
        title=TITLE,
        url="/projecten/slapen/",
    )
    barrier = threading.Barrier(2)
    results: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(tasks.broadcast_batch_create(broadcast_id=broadcast.pk, after=0))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [0, 40]
    assert Notification.objects.filter(broadcast=broadcast).count() == 40
    assert BroadcastBatch.objects.filter(broadcast=broadcast).count() == 1
