"""The complaints demo: about 40 complaints over 14 months in every stage, some late and some
overdue, made through the services once, so the dashboard and last year's report show real
figures."""

import datetime

import pytest
from django.db.models import Count

from community.models import Role, User
from complaints import demo_content
from complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintLetter,
    ConciliationEntry,
    EventAction,
    Kind,
    RefusalGround,
    Stage,
)
from complaints.services.annual_report import annual_report_build
from complaints.services.statistics import dashboard_figures, today_local
from feedback.services.aggregates import month_add, month_start
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db


def sizes() -> tuple:
    return (
        Complaint.objects.count(),
        ComplaintEvent.objects.count(),
        ComplaintLetter.objects.count(),
        ConciliationEntry.objects.count(),
    )


def test_the_demo_makes_complaints_in_every_stage_once():
    UserFactory(email=demo_content.OFFICER_EMAIL, roles=[Role.COMPLAINTS_OFFICER], pseudonym="")

    assert demo_content.seed() == len(demo_content.COMPLAINTS)
    first = sizes()
    assert demo_content.seed() == 0

    assert sizes() == first
    assert 35 <= first[0] <= 45
    assert set(Complaint.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert Complaint.objects.filter(kind=Kind.NOT_A_COMPLAINT).count() == 2
    assert Complaint.objects.filter(solved_at__isnull=False).count() >= 3
    grounds = set(Complaint.objects.exclude(refusal_ground="").values_list("refusal_ground"))
    assert len(grounds) >= 5 and {ground for (ground,) in grounds} <= set(RefusalGround.values)
    assert len(set(Complaint.objects.values_list("channel", flat=True))) == 5
    oldest = Complaint.objects.order_by("received_at").first().received_at
    assert timezone_days_ago(oldest) <= 14 * 31
    assert Complaint.objects.filter(actions__isnull=False).distinct().count() >= 4
    # Every demo account exists, and the steps are audited, lettered and logged.
    for email, _name, role in demo_content.STAFF_ACCOUNTS:
        assert User.objects.get(email=email).groups.filter(name=role.value).exists()
    assert ComplaintEvent.objects.filter(action=EventAction.STAGE).count() >= 60
    assert ComplaintLetter.objects.values("kind").annotate(n=Count("pk")).count() == 3
    assert ConciliationEntry.objects.count() >= 20
    # Letters count as sent back then: none is left for the mail task to send.
    assert not ComplaintLetter.objects.filter(by_post=False, emailed_at__isnull=True).exists()


def timezone_days_ago(moment: datetime.datetime) -> int:
    return (today_local() - moment.date()).days


def test_the_demo_gives_the_dashboard_and_last_years_report_real_figures():
    demo_content.seed()
    today = today_local()

    figures = dashboard_figures(first=month_add(month_start(today), -11), last=today)
    report = annual_report_build(year=today.year - 1)

    assert any(row.overdue for row in figures["open"])
    assert figures["open"][0].overdue
    assert figures["answer_times"].beyond >= 1
    assert figures["answer_times"].within >= 5
    # 14 months back always reach into last year; early in a year it holds most of them.
    assert report.figure("totals", "received").value >= 2
    answered = Complaint.objects.filter(answered_at__isnull=False)
    assert any(complaint.days_to_answer > 45 for complaint in answered)
