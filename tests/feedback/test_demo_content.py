"""Feedback's demo content: enough responses over 13 months in every channel for the team
view and the monthly report to show real charts, once."""

import pytest
from django.db.models.functions import TruncMonth

from community.models import Role
from feedback import demo_content
from feedback.models import (
    Channel,
    FollowUp,
    FollowUpStatus,
    MonthlyReport,
    Region,
    Response,
    StaffMember,
)
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_fills_thirteen_months_of_every_channel_once():
    lead = UserFactory(email=demo_content.TEAM_LEAD_EMAIL, roles=[Role.TEAM_LEAD])

    demo_content.seed()
    sizes = (Region.objects.count(), StaffMember.objects.count(), Response.objects.count())
    demo_content.seed()

    assert (Region.objects.count(), StaffMember.objects.count()) == sizes[:2]
    assert Response.objects.count() == sizes[2] >= 300
    months = Response.objects.annotate(month=TruncMonth("submitted_at")).values("month")
    assert months.distinct().count() >= 13
    assert set(Response.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert Response.objects.filter(score__lte=2).exists()
    assert FollowUp.objects.exclude(status=FollowUpStatus.CLOSED).exists()
    assert FollowUp.objects.filter(status=FollowUpStatus.CLOSED).exists()
    assert lead.led_teams.exists() and lead.led_regions.exists()
    demo_staff = StaffMember.objects.get(user__email="medewerker@example.org")
    assert demo_staff.user.groups.filter(name=Role.STAFF_MEMBER).exists()
    assert demo_staff.responses.count() >= 10
    assert MonthlyReport.objects.count() == 1
