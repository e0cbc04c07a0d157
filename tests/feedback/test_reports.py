"""The monthly report: its numbers against a hand count, frozen once built, announced once,
the threshold in the page and both files, who sees which part, and the adjustments."""

import csv
import datetime
import io
from http import HTTPStatus

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from community.models import Notification, NotificationKind
from feedback.models import Channel, FollowUp, Invitation, MonthlyReport, ReportAdjustment
from feedback.services.aggregates import REPORT_TIME_ZONE
from feedback.services.reports import (
    monthly_report_build,
    monthly_report_run,
    report_adjustment_create,
)
from insights.models import Action, ActionStatus
from tests.feedback.conftest import FEEDBACK_ROLES
from tests.feedback.factories import response_for

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)


def at(year: int, month: int, day: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, tzinfo=REPORT_TIME_ZONE)


def answered(staff, scores, when, channel=Channel.CONSULTATION) -> None:
    for score in scores:
        response = response_for(staff, score=score, channel=channel, submitted_at=when)
        Invitation.objects.filter(contact=response.contact).update(created_at=when)


@pytest.fixture
def months(staff, other_staff):
    """Team A: October 5, 4, 4, 2, 1; September 5, 5, 5, 5, 4; October 2025 3, 3, 3, 4, 5.
    Team B: October 3, 5 (below the threshold)."""
    answered(staff, [5, 4, 4, 2, 1], at(2026, 10))
    answered(staff, [5, 5, 5, 5, 4], at(2026, 9))
    answered(staff, [3, 3, 3, 4, 5], at(2025, 10))
    answered(other_staff, [3, 5], at(2026, 10, 11))


def test_the_report_matches_a_hand_count(months, team, other_team):
    data = monthly_report_build(month=OCTOBER).data

    team_a = next(row for row in data["teams"] if row["id"] == team.pk)
    assert team_a["now"]["csat"] == 60.0  # 3 of 5
    assert team_a["now"]["mean"] == 3.2  # 16 / 5
    assert team_a["now"]["rate"] == 100.0  # every invitation answered
    assert team_a["previous"]["csat"] == 100.0
    assert team_a["change_previous"]["csat"] == -40.0
    assert team_a["change_previous"]["mean"] == -1.6  # 3.2 - 4.8
    assert team_a["change_year"]["csat"] == 20.0  # 60 - 40
    team_b = next(row for row in data["teams"] if row["id"] == other_team.pk)
    assert team_b["now"] == {"suppressed": True}
    assert team_b["change_previous"] is None
    total = data["total"]["now"]
    assert (total["responses"], total["csat"], total["mean"]) == (7, 57.1, 3.43)
    consultation = next(row for row in data["channels"] if row["key"] == Channel.CONSULTATION)
    assert consultation["now"]["responses"] == 7
    assert data["regions"][0]["now"]["responses"] == 7
    # Scores 1 and 2 opened follow-up items in team A (the month is read from created_at).
    assert (
        data["follow_ups"]["total"]["opened"]
        == FollowUp.objects.filter(
            created_at__gte=at(2026, 10, 1), created_at__lt=at(2026, 11, 1)
        ).count()
    )


def test_a_report_is_frozen_once_built(months, staff):
    first = monthly_report_build(month=OCTOBER)
    answered(staff, [1, 1, 1], at(2026, 10, 20))

    again = monthly_report_build(month=datetime.date(2026, 10, 17))

    assert again.pk == first.pk
    assert again.data == first.data
    assert MonthlyReport.objects.count() == 1


def test_the_report_is_announced_once_to_leads_and_administrators(
    months, team_lead, other_team_lead, admin_user, staff_member, researcher
):
    today = datetime.date(2026, 11, 1)
    monthly_report_run(today=today)
    call_command("feedback_monthly_report", "--today", "2026-11-02")

    report = MonthlyReport.objects.get()
    assert report.month == OCTOBER
    assert report.mailed_at is not None
    notified = Notification.objects.filter(kind=NotificationKind.FEEDBACK_REPORT)
    assert sorted(notified.values_list("recipient_id", flat=True)) == sorted(
        [team_lead.pk, other_team_lead.pk, admin_user.pk]
    )


@pytest.mark.parametrize(("count", "shown"), [(4, False), (5, True)])
def test_the_threshold_holds_on_the_page_and_in_both_files(
    client_for_role, staff, team, count, shown
):
    answered(staff, [5] * count, at(2026, 10))
    report = monthly_report_build(month=OCTOBER)
    client = client_for_role("team_lead")

    page = client.get(f"/admin/feedback/reports/{report.pk}/")
    assert page.status_code == HTTPStatus.OK
    content = page.content.decode()
    table = content.split('data-section="teams"')[1].split("</table>")[0]
    assert (f'<td data-figure="responses">{count}</td>' in table) == shown
    assert ('data-suppressed="true"' in table) != shown

    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/admin/feedback/reports/{report.pk}/download/csv/").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    team_row = next(row for row in rows if row[1].startswith(team.name))
    assert (team_row[2] == str(count)) == shown
    assert (team_row[5] == "100.0") == shown

    workbook = load_workbook(
        io.BytesIO(client.get(f"/admin/feedback/reports/{report.pk}/download/xlsx/").content)
    )
    sheet_rows = list(workbook.active.iter_rows(values_only=True))
    team_row = next(row for row in sheet_rows if str(row[1]).startswith(team.name))
    assert (team_row[2] == count) == shown
    assert (team_row[5] == 100.0) == shown


ALLOWED = {"admin", "team_lead", "other_team_lead"}


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
@pytest.mark.parametrize("address", ["", "download/csv/"])
def test_only_team_leads_and_administrators_open_reports(client_for_role, team, role, address):
    report = monthly_report_build(month=OCTOBER)

    response = client_for_role(role).get(f"/admin/feedback/reports/{report.pk}/{address}")

    if role in ALLOWED:
        assert response.status_code == HTTPStatus.OK
    else:
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)


def test_a_lead_of_another_team_sees_only_their_team_and_the_totals(
    client_for_role, months, team, other_team
):
    report = monthly_report_build(month=OCTOBER)
    client = client_for_role("other_team_lead")

    page = client.get(f"/admin/feedback/reports/{report.pk}/")
    content = page.content.decode()
    assert page.context["data"]["teams"] == [
        row for row in report.data["teams"] if row["id"] == other_team.pk
    ]
    assert page.context["data"]["regions"] == []
    assert team.name not in content
    assert 'data-row="total"' in content
    csv_text = client.get(f"/admin/feedback/reports/{report.pk}/download/csv/").content.decode()
    assert team.name not in csv_text
    assert other_team.name in csv_text


def test_an_adjustment_is_recorded_once_and_listed_by_the_next_report(
    client_for_role, months, team_lead
):
    report = monthly_report_build(month=OCTOBER)
    client = client_for_role("team_lead")
    form = {"title": "Avondconsultaties", "owner": "Team Berchem", "due_date": "2026-12-15"}

    for _ in range(2):
        response = client.post(f"/admin/feedback/reports/{report.pk}/adjustments/", form)
        assert response.status_code == HTTPStatus.FOUND

    adjustment = ReportAdjustment.objects.get()
    assert adjustment.action.insight is None
    assert adjustment.action.due_date == datetime.date(2026, 12, 15)
    client.post(
        f"/admin/feedback/reports/{report.pk}/adjustments/{adjustment.action_id}/status/",
        {"to_status": ActionStatus.IN_PROGRESS},
    )
    november = monthly_report_build(month=datetime.date(2026, 11, 1))
    assert november.data["adjustments"] == [
        {
            "action_id": adjustment.action_id,
            "title": "Avondconsultaties",
            "owner": "Team Berchem",
            "due_date": "2026-12-15",
            "status": ActionStatus.IN_PROGRESS,
        }
    ]


def test_a_bad_adjustment_is_refused_at_the_field_and_kept(client_for_role, team):
    report = monthly_report_build(month=OCTOBER)

    response = client_for_role("team_lead").post(
        f"/admin/feedback/reports/{report.pk}/adjustments/",
        {"title": "Wachtzaal", "owner": "", "due_date": "morgen"},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    errors = response.context["form"].errors.as_data()
    assert errors["owner"][0].code == "required"
    assert errors["due_date"][0].code == "invalid"
    assert response.context["form"]["title"].value() == "Wachtzaal"
    assert not Action.objects.exists()


def test_adjustments_without_insight_stay_off_the_insights_board(team, admin_user):
    report = monthly_report_build(month=OCTOBER)
    adjustment = report_adjustment_create(
        user=admin_user, report=report, title="Wachtzaal", owner="Regio"
    )

    assert adjustment.action.status == ActionStatus.PLANNED
    assert Action.objects.filter(insight__isnull=False).count() == 0


# +1: the Complaints menu asks whether a complaint about the team lead was shared.
REPORT_QUERIES = 12


@pytest.mark.parametrize("reports", [5, 50])
def test_the_report_list_costs_the_same_for_5_and_50_reports(
    client_for_role, team, django_assert_num_queries, reports
):
    MonthlyReport.objects.bulk_create(
        MonthlyReport(month=datetime.date(2020 + n // 12, n % 12 + 1, 1), data={})
        for n in range(reports)
    )
    client = client_for_role("team_lead")
    client.get("/admin/feedback/reports/")

    with django_assert_num_queries(REPORT_QUERIES):
        assert client.get("/admin/feedback/reports/").status_code == HTTPStatus.OK
