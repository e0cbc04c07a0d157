"""Races: two escalation runs at once (a cron run and a worker's task) notify about each
overdue item once (PostgreSQL).

Marked `races`: `make test` runs them after the others, because a transactional test empties
the database after it."""

import datetime
import threading

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from community.models import Notification, NotificationKind, Role
from feedback.models import FollowUp
from feedback.services.followups import follow_up_escalate_overdue
from tests.community.factories import UserFactory
from tests.feedback.factories import response_for

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.races,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="races are tested on PostgreSQL; SQLite runs one writer at a time",
    ),
]

RUNS = 4


def test_runs_at_once_escalate_each_item_once(staff, region):
    lead = UserFactory(email="regio@example.org", roles=[Role.TEAM_LEAD], pseudonym="")
    region.leads.add(lead)
    for _ in range(5):
        response_for(staff, score=1)
    FollowUp.objects.update(due_date=timezone.localdate() - datetime.timedelta(days=2))
    start = threading.Barrier(RUNS)
    counts: list[int] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=60)
            counts.append(follow_up_escalate_overdue())
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not failures, failures
    assert sum(counts) == 5
    assert (
        Notification.objects.filter(
            recipient=lead, kind=NotificationKind.FEEDBACK_FOLLOW_UP
        ).count()
        == 5
    )
    assert not FollowUp.objects.filter(escalated_at__isnull=True).exists()
