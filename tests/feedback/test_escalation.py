"""Escalation: items not closed and past their due date reach the region's leads once (the
administrators when the region has no lead), from the daily task or the cron command."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from community.models import Notification, Role
from feedback.models import FollowUp, FollowUpStatus
from feedback.services.followups import follow_up_escalate_overdue
from feedback.tasks.followups import follow_ups_escalate_task
from tests.community.factories import UserFactory
from tests.feedback.factories import follow_up_notices, response_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def region_lead(region):
    lead = UserFactory(email="regio@example.org", roles=[Role.TEAM_LEAD], pseudonym="")
    region.leads.add(lead)
    return lead


def _overdue(staff, days: int = 1) -> FollowUp:
    item = FollowUp.objects.get(response=response_for(staff, score=1))
    FollowUp.objects.filter(pk=item.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=days)
    )
    return item


def test_an_overdue_item_reaches_the_region_leads_once(staff, region_lead, team_lead):
    item = _overdue(staff)
    told_before = follow_up_notices(team_lead)

    assert follow_up_escalate_overdue() == 1
    assert follow_up_escalate_overdue() == 0

    item.refresh_from_db()
    assert item.escalated_at is not None
    assert follow_up_notices(region_lead) == 1
    assert follow_up_notices(team_lead) == told_before  # the team's lead was told when it opened
    assert list(item.events.values_list("what", flat=True)) == [
        "opened: low_score",
        "escalated: region",
    ]
    notification = Notification.objects.get(recipient=region_lead)
    assert notification.url == f"/feedback/opvolging/{item.pk}/"


def test_nothing_is_escalated_before_or_on_the_due_date(staff, region_lead):
    item = FollowUp.objects.get(response=response_for(staff, score=1))

    assert follow_up_escalate_overdue(today=item.due_date) == 0
    assert follow_up_escalate_overdue(today=item.due_date + datetime.timedelta(days=1)) == 1
    assert follow_up_notices(region_lead) == 1


def test_closed_items_are_never_escalated(staff, region_lead):
    item = _overdue(staff)
    FollowUp.objects.filter(pk=item.pk).update(status=FollowUpStatus.CLOSED)

    assert follow_up_escalate_overdue() == 0
    assert follow_up_notices(region_lead) == 0


def test_an_item_in_progress_past_its_date_is_escalated(staff, region_lead):
    item = _overdue(staff)
    FollowUp.objects.filter(pk=item.pk).update(status=FollowUpStatus.IN_PROGRESS)

    assert follow_up_escalate_overdue() == 1


def test_a_region_without_lead_tells_the_administrators(staff, admin_user, team_lead):
    item = _overdue(staff)

    follow_up_escalate_overdue()

    assert follow_up_notices(admin_user) == 1
    assert item.events.filter(what="escalated: administrators").exists()


def test_a_region_lead_without_the_role_is_not_told(staff, region, admin_user):
    former = UserFactory(email="oud@example.org", pseudonym="")  # no team-lead role any more
    region.leads.add(former)
    _overdue(staff)

    follow_up_escalate_overdue()

    assert follow_up_notices(former) == 0
    assert follow_up_notices(admin_user) == 1


def test_the_task_and_the_command_escalate_once(staff, region_lead):
    _overdue(staff)
    _overdue(staff, days=5)

    result = follow_ups_escalate_task.call()
    out = StringIO()
    call_command("feedback_follow_ups_escalate", stdout=out)

    assert result == 2
    assert "Escalated 0" in out.getvalue()
    assert follow_up_notices(region_lead) == 2


def test_the_command_takes_a_date(staff, region_lead):
    item = FollowUp.objects.get(response=response_for(staff, score=2))
    later = item.due_date + datetime.timedelta(days=2)
    out = StringIO()

    call_command("feedback_follow_ups_escalate", "--today", later.isoformat(), stdout=out)

    assert "Escalated 1" in out.getvalue()
