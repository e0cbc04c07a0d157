"""Deadlines in calendar days from the date of receipt (month ends, leap years, weekends), and
the daily warnings: the handler (the leads while unassigned) 5 days before, the leads once
missed; run twice, or twice at once, each warning is given once."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from community.models import Notification, NotificationKind
from complaints.models import (
    Complaint,
    Deadline,
    DeadlineWarning,
    DeadlineWarningLevel,
    EventAction,
    Kind,
    RefusalGround,
    Stage,
)
from complaints.models.choices import acknowledge_due, answer_due
from complaints.services.deadlines import complaints_deadlines_warn
from complaints.tasks.deadlines import complaints_deadlines_warn_task
from tests.complaints.factories import ComplaintFactory
from tests.races import ON_POSTGRESQL, at_once

pytestmark = pytest.mark.django_db

BRUSSELS = datetime.timezone(datetime.timedelta(hours=1))


def _received_on(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 12, 0, tzinfo=BRUSSELS)


def _warnings(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind=NotificationKind.COMPLAINT_DEADLINE)
        .order_by("pk")
        .values_list("params__title__en", flat=True)
    )


@pytest.mark.parametrize(
    "received, acknowledge, answer",
    [
        (datetime.date(2024, 2, 20), datetime.date(2024, 3, 1), datetime.date(2024, 4, 5)),
        (datetime.date(2023, 2, 20), datetime.date(2023, 3, 2), datetime.date(2023, 4, 6)),
        (datetime.date(2024, 1, 31), datetime.date(2024, 2, 10), datetime.date(2024, 3, 16)),
        (datetime.date(2025, 12, 31), datetime.date(2026, 1, 10), datetime.date(2026, 2, 14)),
        (datetime.date(2028, 2, 29), datetime.date(2028, 3, 10), datetime.date(2028, 4, 14)),
    ],
    ids=["leap-february", "common-february", "month-end", "year-end", "leap-day"],
)
def test_deadlines_count_calendar_days_from_receipt(received, acknowledge, answer):
    assert (acknowledge_due(received), answer_due(received)) == (acknowledge, answer)
    complaint = ComplaintFactory(received_at=_received_on(received))
    assert (complaint.acknowledge_due, complaint.answer_due) == (acknowledge, answer)


def test_a_deadline_on_a_weekend_stays_on_the_weekend():
    # Received Thursday 5 March 2026: the 10th day is Sunday 15 March, and it counts.
    complaint = ComplaintFactory(received_at=_received_on(datetime.date(2026, 3, 5)))

    assert complaint.acknowledge_due == datetime.date(2026, 3, 15)
    assert complaint.acknowledge_due.weekday() == 6


def test_the_handler_is_warned_five_days_before_and_the_leads_when_missed(
    complaints_officer, complaints_lead
):
    received = datetime.date(2026, 3, 2)
    complaint = ComplaintFactory(received_at=_received_on(received), handler=complaints_officer)

    assert complaints_deadlines_warn(today=datetime.date(2026, 3, 6)) == 0  # 6 days before
    assert complaints_deadlines_warn(today=datetime.date(2026, 3, 7)) == 1  # 5 days before
    assert _warnings(complaints_officer) == [
        f"{complaint.reference} · Acknowledgement or refusal due on Thursday 12 March 2026"
    ]
    assert _warnings(complaints_lead) == []
    assert complaints_deadlines_warn(today=datetime.date(2026, 3, 12)) == 0  # still "soon"
    assert complaints_deadlines_warn(today=datetime.date(2026, 3, 13)) == 1  # missed
    assert _warnings(complaints_lead) == [
        f"{complaint.reference} · Acknowledgement or refusal was due on Thursday 12 March 2026"
    ]
    notification = Notification.objects.filter(recipient=complaints_lead).get()
    assert notification.url == f"/klachten/dossier/{complaint.pk}/"
    levels = complaint.events.filter(action=EventAction.DEADLINE_WARNING)
    assert levels.count() == 2 and set(levels.values_list("actor", flat=True)) == {None}


def test_an_unassigned_complaint_warns_the_leads(complaints_lead):
    ComplaintFactory(received_at=_received_on(datetime.date(2026, 3, 2)))

    complaints_deadlines_warn(today=datetime.date(2026, 3, 8))

    assert len(_warnings(complaints_lead)) == 1


def test_running_twice_gives_each_warning_once(complaints_officer, complaints_lead):
    complaint = ComplaintFactory(
        received_at=timezone.now() - datetime.timedelta(days=50), handler=complaints_officer
    )
    output = StringIO()

    call_command("complaints_deadlines_warn", stdout=output)
    call_command("complaints_deadlines_warn", stdout=output)
    assert complaints_deadlines_warn_task.enqueue().return_value == 0

    # First seen after both deadlines passed: "missed" for both, never "soon".
    warnings = DeadlineWarning.objects.filter(complaint=complaint)
    assert sorted(warnings.values_list("deadline", "level")) == [
        (Deadline.ACKNOWLEDGE, DeadlineWarningLevel.MISSED),
        (Deadline.ANSWER, DeadlineWarningLevel.MISSED),
    ]
    assert len(_warnings(complaints_lead)) == 2
    assert _warnings(complaints_officer) == []
    assert output.getvalue().splitlines() == [
        "Gave 2 complaint deadline warning(s).",
        "Gave 0 complaint deadline warning(s).",
    ]


def test_a_step_taken_ends_the_warnings(complaints_officer, complaints_lead):
    long_ago = timezone.now() - datetime.timedelta(days=60)
    answered = ComplaintFactory(received_at=long_ago, handler=complaints_officer)
    Complaint.objects.filter(pk=answered.pk).update(
        stage=Stage.ANSWERED, acknowledged_at=long_ago, answered_at=long_ago
    )
    refused = ComplaintFactory(received_at=long_ago)
    Complaint.objects.filter(pk=refused.pk).update(
        stage=Stage.REFUSED, refusal_ground=RefusalGround.NO_INTEREST
    )
    not_one = ComplaintFactory(received_at=long_ago, kind=Kind.NOT_A_COMPLAINT)
    acknowledged = ComplaintFactory(received_at=long_ago)
    Complaint.objects.filter(pk=acknowledged.pk).update(
        stage=Stage.ACKNOWLEDGED, acknowledged_at=long_ago
    )

    assert complaints_deadlines_warn() == 1

    assert list(DeadlineWarning.objects.values_list("complaint", "deadline")) == [
        (acknowledged.pk, Deadline.ANSWER)
    ]
    assert not DeadlineWarning.objects.filter(complaint__in=[answered, refused, not_one]).exists()


@pytest.mark.races
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@ON_POSTGRESQL
def test_runs_at_once_give_each_warning_once(complaints_lead):
    for _ in range(5):
        ComplaintFactory(received_at=timezone.now() - datetime.timedelta(days=12))
    counts = at_once(4, lambda index: complaints_deadlines_warn())

    assert sum(counts) == 5
    assert DeadlineWarning.objects.count() == 5
    assert len(_warnings(complaints_lead)) == 5
