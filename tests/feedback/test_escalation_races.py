"""Races: two escalation runs at once (a cron run and a worker's task) notify about each
overdue item once (PostgreSQL).

Marked `races`: `make test` runs them after the others, because a transactional test empties
the database after it."""

import datetime

from django.utils import timezone

from community.models import Role
from feedback.models import FollowUp
from feedback.services.followups import follow_up_escalate_overdue
from tests.community.factories import UserFactory
from tests.feedback.factories import follow_up_notices, response_for
from tests.races import RACE_MARKS, at_once

pytestmark = RACE_MARKS

RUNS = 4


def test_runs_at_once_escalate_each_item_once(staff, region):
    lead = UserFactory(email="regio@example.org", roles=[Role.TEAM_LEAD], pseudonym="")
    region.leads.add(lead)
    for _ in range(5):
        response_for(staff, score=1)
    FollowUp.objects.update(due_date=timezone.localdate() - datetime.timedelta(days=2))
    counts = at_once(RUNS, lambda index: follow_up_escalate_overdue())

    assert sum(counts) == 5
    assert follow_up_notices(lead) == 5
    assert not FollowUp.objects.filter(escalated_at__isnull=True).exists()
