"""The dashboard's figures: per month (in Brussels), channel, service and outcome; days to
answer; open complaints by stage and by deadline; and their cost in queries."""

import datetime

import pytest

from complaints.models import ComplaintChannel, Kind, Outcome, Service, Stage
from complaints.services.statistics import (
    answer_times_of,
    dashboard_figures,
    open_by_stage,
    open_complaints,
)
from tests.complaints.report_cases import YEAR, brussels, complaint_made, year_of_complaints

pytestmark = pytest.mark.django_db

JANUARY = datetime.date(YEAR, 1, 1)
DECEMBER = datetime.date(YEAR, 12, 1)


def counts(rows) -> dict:
    return {row.key: row.count for row in rows}


def test_the_period_figures_match_a_hand_count():
    year_of_complaints()

    figures = dashboard_figures(first=JANUARY, last=DECEMBER, today=datetime.date(YEAR + 1, 1, 5))

    months = {row["month"].month: row for row in figures["months"]}
    assert len(months) == 12
    # Received at 00:30 on 1 January and at 23:30 on 31 December, Brussels time.
    assert months[1]["complaints"] == 1
    assert months[12]["complaints"] == 1
    assert months[7] == {"month": datetime.date(YEAR, 7, 1), "complaints": 0, "not_complaints": 1}
    assert figures["complaints"] == 7
    assert figures["not_complaints"] == 1
    assert counts(figures["channels"]) == {
        ComplaintChannel.WEB_FORM: 3,
        ComplaintChannel.EMAIL: 1,
        ComplaintChannel.PHONE: 1,
        ComplaintChannel.LETTER: 1,
        ComplaintChannel.DESK: 1,
    }
    services = counts(figures["services"])
    assert services[Service.CONSULTATION] == 4
    assert services[""] == 0
    outcomes = counts(figures["outcomes"])
    assert outcomes[Outcome.FOUNDED] == outcomes[Outcome.UNFOUNDED] == 1
    assert outcomes[Outcome.PARTLY_FOUNDED] == 1
    assert outcomes[""] == 4  # refused, not assessed and still in handling
    times = figures["answer_times"]
    assert (times.answered, times.within, times.beyond) == (3, 2, 1)
    assert times.mean == 35.0
    assert times.median == 45.0
    assert times.within_share == 66.7


def test_a_shorter_period_counts_only_its_months():
    year_of_complaints()

    figures = dashboard_figures(first=datetime.date(YEAR, 2, 1), last=datetime.date(YEAR, 3, 1))

    assert [row["complaints"] for row in figures["months"]] == [1, 1]
    assert figures["answer_times"].answered == 2


def test_answer_times_of_nothing_are_empty_not_zero():
    times = answer_times_of([])

    assert (times.answered, times.mean, times.median, times.within_share) == (0, None, None, None)
    assert answer_times_of([3, 9, 46, 50]).median == 27.5


def test_open_complaints_list_overdue_first_then_the_soonest_due():
    today = datetime.date(YEAR, 6, 20)
    soon = complaint_made(brussels(YEAR, 6, 15))  # acknowledge by 25 June
    overdue_answer = complaint_made(brussels(YEAR, 4, 1), stage=Stage.IN_HANDLING)  # 16 May
    overdue_ack = complaint_made(brussels(YEAR, 6, 1))  # acknowledge by 11 June
    later = complaint_made(brussels(YEAR, 6, 10), stage=Stage.ACKNOWLEDGED)  # answer 25 July
    complaint_made(brussels(YEAR, 3, 1), stage=Stage.CLOSED, closed=True)
    complaint_made(brussels(YEAR, 6, 2), kind=Kind.NOT_A_COMPLAINT)

    rows = open_complaints(today=today)

    assert [row.reference for row in rows] == [
        overdue_answer.reference,
        overdue_ack.reference,
        soon.reference,
        later.reference,
    ]
    assert [row.days_left for row in rows] == [-35, -9, 5, 35]
    assert rows[0].overdue and rows[0].days_overdue == 35
    assert rows[0].deadline == "answer" and rows[1].deadline == "acknowledge"
    assert not rows[2].overdue
    assert {stage: count for stage, _label, count in open_by_stage()} == {
        Stage.RECEIVED: 2,
        Stage.ACKNOWLEDGED: 1,
        Stage.IN_HANDLING: 1,
    }


def test_a_staff_member_does_not_see_open_complaints_about_themselves(
    complaints_officer, subject_staff
):
    mine = complaint_made(brussels(YEAR, 6, 1), about_user=complaints_officer)
    other = complaint_made(brussels(YEAR, 6, 2), about_user=subject_staff)

    seen = [row.reference for row in open_complaints(hidden_from=complaints_officer)]

    assert seen == [other.reference]
    assert mine.reference in [row.reference for row in open_complaints()]


@pytest.mark.parametrize("complaints", [5, 50])
def test_the_dashboard_figures_cost_the_same_for_5_and_50_complaints(
    django_assert_num_queries, complaints, complaints_officer
):
    for number in range(complaints):
        complaint_made(
            brussels(YEAR, 1 + number % 12, 1 + number % 28),
            stage=[Stage.RECEIVED, Stage.IN_HANDLING, Stage.ANSWERED][number % 3],
            answered_after=20 if number % 3 == 2 else None,
            handler=complaints_officer,
            channel=ComplaintChannel.values[number % 5],
        )

    with django_assert_num_queries(4):
        dashboard_figures(first=JANUARY, last=DECEMBER)
