"""Coding feedback comments with global codes, citing them for actions, and the report's
comments grouped by code."""

import datetime
from http import HTTPStatus

import pytest

from feedback.models import ActionFeedbackEvidence, ResponseCoding
from feedback.services.aggregates import REPORT_TIME_ZONE
from feedback.services.reports import monthly_report_build, report_adjustment_create
from tests.feedback.conftest import FEEDBACK_ROLES
from tests.feedback.factories import response_for
from tests.insights.factories import CodeFactory

pytestmark = pytest.mark.django_db

COMMENTS_URL = "/admin/feedback/comments/"


@pytest.fixture
def code(db):
    return CodeFactory(name="Wachttijd")


@pytest.fixture
def comment(staff):
    return response_for(staff, score=3, comment="De wachtzaal was erg vol.")


ALLOWED = {"admin", "team_lead", "other_team_lead"}


@pytest.mark.parametrize("role", FEEDBACK_ROLES)
def test_only_team_leads_and_administrators_code_comments(client_for_role, comment, role):
    response = client_for_role(role).get(COMMENTS_URL)

    if role in ALLOWED:
        assert response.status_code == HTTPStatus.OK
    else:
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)


def test_a_lead_codes_a_comment_once_and_can_take_a_code_off(client_for_role, comment, code):
    client = client_for_role("team_lead")
    address = f"/admin/feedback/comments/{comment.pk}/codes/"

    for _ in range(2):
        assert client.post(address, {"codes": [code.pk]}).status_code == HTTPStatus.FOUND
    assert list(ResponseCoding.objects.values_list("response_id", "code_id")) == [
        (comment.pk, code.pk)
    ]

    client.post(address, {})
    assert not ResponseCoding.objects.exists()


def test_a_lead_of_another_team_neither_sees_nor_codes_the_comment(
    client_for_role, comment, code, other_team
):
    client = client_for_role("other_team_lead")

    page = client.get(COMMENTS_URL)
    response = client.post(f"/admin/feedback/comments/{comment.pk}/codes/", {"codes": [code.pk]})

    assert f'data-comment="{comment.pk}"' not in page.content.decode()
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not ResponseCoding.objects.exists()


def test_a_project_code_is_refused(client_for_role, comment, project_page):
    project_code = CodeFactory(name="Slaap", project=project_page)

    client_for_role("team_lead").post(
        f"/admin/feedback/comments/{comment.pk}/codes/", {"codes": [project_code.pk]}
    )

    assert not ResponseCoding.objects.exists()


def test_a_comment_is_cited_for_an_action_once(client_for_role, comment, team, admin_user):
    report = monthly_report_build(month=datetime.date(2026, 10, 1))
    action = report_adjustment_create(
        user=admin_user, report=report, title="Wachtzaal", owner="Team"
    ).action
    client = client_for_role("team_lead")

    for _ in range(2):
        client.post(f"/admin/feedback/actions/{action.pk}/evidence/", {"response": comment.pk})
    page = client.get(f"/admin/feedback/actions/{action.pk}/evidence/")

    assert ActionFeedbackEvidence.objects.filter(action=action, response=comment).count() == 1
    assert f'data-cited="{comment.pk}"' in page.content.decode()


def test_a_lead_of_another_team_cannot_cite_the_comment(
    client_for_role, comment, other_team, admin_user, team
):
    report = monthly_report_build(month=datetime.date(2026, 10, 1))
    action = report_adjustment_create(
        user=admin_user, report=report, title="Wachtzaal", owner="Team"
    ).action

    response = client_for_role("other_team_lead").post(
        f"/admin/feedback/actions/{action.pk}/evidence/", {"response": comment.pk}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["form"].errors.as_data()["response"][0].code == "invalid_choice"
    assert not ActionFeedbackEvidence.objects.exists()


def test_the_report_groups_comments_by_code_with_the_threshold(staff, team, code, admin_user):
    when = datetime.datetime(2026, 10, 5, 10, tzinfo=REPORT_TIME_ZONE)
    other = CodeFactory(name="Vriendelijk")
    for number in range(5):
        response = response_for(staff, score=4, comment=f"Opmerking {number}", submitted_at=when)
        ResponseCoding.objects.create(response=response, code=code)
        if number == 0:
            ResponseCoding.objects.create(response=response, code=other)

    data = monthly_report_build(month=datetime.date(2026, 10, 1)).data

    counts = {row["id"]: row["count"] for row in data["codes"]}
    assert counts == {code.pk: 5, other.pk: None}
    waiting = next(row for row in data["codes"] if row["id"] == code.pk)
    assert waiting["teams"] == {str(team.pk): 5}
    assert len(waiting["comments"]) == 5


# +1: the Complaints menu asks whether a complaint about the team lead was shared.
COMMENT_LIST_QUERIES = 19


@pytest.mark.parametrize("comments", [5, 50])
def test_the_comment_list_costs_the_same_for_5_and_50_comments(
    client_for_role, staff, code, django_assert_num_queries, comments
):
    for number in range(comments):
        response = response_for(staff, score=4, comment=f"Opmerking {number}")
        ResponseCoding.objects.create(response=response, code=code)
    client = client_for_role("team_lead")
    client.get(COMMENTS_URL)

    with django_assert_num_queries(COMMENT_LIST_QUERIES):
        assert client.get(COMMENTS_URL).status_code == HTTPStatus.OK
