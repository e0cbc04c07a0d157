"""Two runs of one broadcast batch at once (PostgreSQL): each member notified once.

Marked `races`: `make test` runs it after the others, with the browser tests, because a
transactional test empties the database after it."""

from community import tasks
from community.models import (
    BroadcastBatch,
    Notification,
    NotificationKind,
)
from community.services.broadcasts import broadcast_start
from tests.community.test_broadcasts import everyone_active, members
from tests.races import RACE_MARKS, at_once

TITLE = {"nl": "Slapen", "en": "Sleeping"}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

pytestmark = RACE_MARKS


def test_two_runs_of_one_batch_at_the_same_time_notify_each_member_once(settings):
    settings.TASKS = DATABASE_TASKS  # tasks are queued, not run: the race is ours to start
    members(40)
    broadcast = broadcast_start(
        kind=NotificationKind.PROJECT_INVITATION,
        audience=everyone_active,
        title=TITLE,
        url="/projecten/slapen/",
    )
    results = at_once(
        2, lambda index: tasks.broadcast_batch_create(broadcast_id=broadcast.pk, after=0)
    )

    assert sorted(results) == [0, 40]
    assert Notification.objects.filter(broadcast=broadcast).count() == 40
    assert BroadcastBatch.objects.filter(broadcast=broadcast).count() == 1
