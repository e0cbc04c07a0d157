"""Figures per month, channel, team and region: computed in the database, months in
Brussels, the privacy threshold applied in the service output, and the team view."""

import datetime
from http import HTTPStatus

import pytest

from feedback.models import Channel, Invitation, QuestionAnswered
from feedback.services.aggregates import REPORT_TIME_ZONE, figures_table, response_groups
from tests.feedback.conftest import FEEDBACK_ROLES
from tests.feedback.factories import StaffMemberFactory, TeamFactory, invited_contact, response_for

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)
TEAM_URL = "/admin/feedback/team/"


def at(day: int, month: int = 10, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, tzinfo=REPORT_TIME_ZONE)


def answered(staff, scores, when, channel=Channel.CONSULTATION, **answers) -> None:
    """Responses with these scores at `when`, their invitations made at the same time."""
    for score in scores:
        response = response_for(staff, score=score, channel=channel, submitted_at=when, **answers)
        Invitation.objects.filter(contact=response.contact).update(created_at=when)


def test_figures_per_team_and_channel_match_a_hand_count(staff, other_staff, team, other_team):
    answered(staff, [5, 4, 4, 2, 1], at(10))
    answered(other_staff, [3, 5], at(11))
    for _ in range(5):  # invitations nobody answered: team A's rate is 5 of 10
        contact, _token = invited_contact(staff)
        Invitation.objects.filter(contact=contact).update(created_at=at(12))

    figures = figures_table(first=OCTOBER, last=OCTOBER)

    assert figures["teams"][team.pk] == {
        "suppressed": False,
        "responses": 5,
        "invitations": 10,
        "rate": 50.0,
        "csat": 60.0,
        "mean": 3.2,
        "answered": None,
    }
    assert figures["teams"][other_team.pk] == {"suppressed": True}
    total = figures["total"]
    assert (total["responses"], total["csat"], total["mean"]) == (7, 57.1, 3.43)
    assert total["rate"] == round(100 * 7 / 12, 1)


def test_a_staff_member_who_moves_leaves_old_invitations_and_responses_with_the_old_team(
    staff, team, other_team
):
    answered(staff, [5, 4, 4, 3, 5], at(10))
    for _ in range(5):
        contact, _token = invited_contact(staff)
        Invitation.objects.filter(contact=contact).update(created_at=at(12))
    staff.team = other_team
    staff.save()

    figures = figures_table(first=OCTOBER, last=OCTOBER)

    assert (figures["teams"][team.pk]["responses"], figures["teams"][team.pk]["rate"]) == (5, 50.0)
    assert other_team.pk not in figures["teams"]


def test_the_helpline_has_no_rate_and_the_answered_share_counts_those_asked(staff):
    answered(
        staff, [5, 5, 4], at(3), channel=Channel.HELPLINE, question_answered=QuestionAnswered.YES
    )
    answered(staff, [2, 3], at(4), channel=Channel.HELPLINE, question_answered=QuestionAnswered.NO)
    Invitation.objects.filter(contact__channel=Channel.HELPLINE).delete()

    figures = figures_table(first=OCTOBER, last=OCTOBER, channel=Channel.HELPLINE)

    helpline = figures["total"]
    assert helpline["rate"] is None
    assert helpline["answered"] == 60.0
    assert helpline["csat"] == 60.0


def test_months_are_counted_in_brussels(staff):
    # 23:30 UTC on 31 October is 00:30 on 1 November in Brussels.
    late = datetime.datetime(2026, 10, 31, 23, 30, tzinfo=datetime.UTC)
    answered(staff, [5], late)

    groups = response_groups(first=OCTOBER, last=datetime.date(2026, 11, 1))

    assert [group.month for group in groups] == [datetime.date(2026, 11, 1)]


@pytest.mark.parametrize(("count", "shown"), [(4, False), (5, True)])
def test_the_team_view_shows_figures_from_five_responses(
    client_for_role, staff, team, count, shown
):
    answered(staff, [5] * count, at(10))

    response = client_for_role("team_lead").get(TEAM_URL, {"first": "2026-10", "last": "2026-10"})

    assert response.status_code == HTTPStatus.OK
    row = response.content.decode().split(f'data-row="team-{team.pk}"')[1].split("</tr>")[0]
    assert ('data-suppressed="true"' not in row) == shown
    assert (f'<td data-figure="responses">{count}</td>' in row) == shown
    chart_bars = response.content.decode().count('data-bar="now" data-value=')
    assert chart_bars == (2 if shown else 0)  # the month and the consultation channel


ALLOWED = {"admin", "team_lead", "other_team_lead"}


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
def test_only_team_leads_and_administrators_see_team_results(client_for_role, staff, role):
    response = client_for_role(role).get(TEAM_URL)

    if role in ALLOWED:
        assert response.status_code == HTTPStatus.OK
    else:
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)


def test_a_lead_of_another_team_sees_nothing_of_this_team(client_for_role, staff, team, other_team):
    answered(staff, [5] * 6, at(10))

    page = client_for_role("other_team_lead").get(TEAM_URL, {"first": "2026-10", "last": "2026-10"})

    content = page.content.decode()
    assert f'data-row="team-{other_team.pk}"' in content
    assert f'data-row="team-{team.pk}"' not in content
    assert 'data-figure="responses">6<' not in content


def test_a_lead_cannot_pick_another_team(client_for_role, staff, team, other_team):
    page = client_for_role("other_team_lead").get(TEAM_URL, {"team": team.pk})

    assert page.status_code == HTTPStatus.BAD_REQUEST
    assert page.context["form"].errors.as_data()["team"][0].code == "invalid_choice"


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"first": "2026-11", "last": "2026-10"}, "first", "order"),
        ({"first": "2020-01", "last": "2026-10"}, "first", "too_long"),
        ({"first": "oktober"}, "first", "invalid"),
    ],
)
def test_a_bad_period_is_refused_at_the_field(client_for_role, team, query, field, code):
    page = client_for_role("team_lead").get(TEAM_URL, query)

    assert page.status_code == HTTPStatus.BAD_REQUEST
    assert page.context["form"].errors.as_data()[field][0].code == code
    assert page.context["form"]["first"].value() == query["first"]


TEAM_VIEW_QUERIES = 19


@pytest.mark.parametrize("teams", [5, 50])
def test_the_team_view_costs_the_same_for_5_and_50_teams(
    client_for_role, region, django_assert_num_queries, teams
):
    for number in range(teams):
        staff = StaffMemberFactory(team=TeamFactory(region=region, name=f"Team {number}"))
        answered(staff, [4], at(10))
    client = client_for_role("admin")
    client.get(TEAM_URL)

    with django_assert_num_queries(TEAM_VIEW_QUERIES):
        client.get(TEAM_URL)
