"""The insights board: insights by status, actions by due date with overdue ones marked,
filters, the menu item, and a query budget that does not grow with the number of rows."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone

from insights.models import ActionStatus, InsightStatus
from tests.conftest import ROLES
from tests.insights.factories import ActionFactory, InsightFactory
from tests.projects.factories import ProjectPageFactory

pytestmark = pytest.mark.django_db

BOARD_URL = "/admin/insights/"


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def column(response, status: str) -> list:
    return next(
        insights for value, _label, insights in response.context["columns"] if value == status
    )


def action_group(response, status: str) -> list:
    return next(
        actions for value, _label, actions in response.context["action_groups"] if value == status
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", HTTPStatus.FOUND),
        ("parent", HTTPStatus.FORBIDDEN),
        ("other_parent", HTTPStatus.FORBIDDEN),
        ("moderator", HTTPStatus.OK),
        ("researcher", HTTPStatus.OK),
        ("admin", HTTPStatus.OK),
        ("team_lead", HTTPStatus.FOUND),
        ("complaints_officer", HTTPStatus.FOUND),
    ],
)
def test_board_permission_matrix(client_for_role, project_page, role, expected):
    InsightFactory(projects=[project_page], title="Geheim inzicht")

    response = client_for_role(role).get(BOARD_URL)

    assert response.status_code == expected
    assert ("Geheim inzicht" in response.content.decode()) is (expected == HTTPStatus.OK)
    if role in {"team_lead", "complaints_officer"}:
        assert response["Location"] == "/admin/"


@pytest.mark.parametrize("role", ROLES)
def test_the_insights_menu_item_shows_for_community_staff_only(client_for_role, role):
    response = client_for_role(role).get("/admin/")

    shown = response.status_code == HTTPStatus.OK and BOARD_URL in response.content.decode()
    assert shown is (role in {"moderator", "researcher", "admin"})


def test_the_board_groups_insights_by_status_and_marks_overdue_actions(
    client_for_role, project_page
):
    draft = InsightFactory(projects=[project_page])
    accepted = InsightFactory(projects=[project_page], status=InsightStatus.ACCEPTED)
    late = ActionFactory(insight=accepted, due_date=days_from_today(-1))
    today = ActionFactory(insight=accepted, due_date=days_from_today(0))
    later = ActionFactory(insight=accepted, due_date=days_from_today(10))
    late_done = ActionFactory(
        insight=accepted, due_date=days_from_today(-5), status=ActionStatus.DONE
    )
    late_dropped = ActionFactory(
        insight=accepted, due_date=days_from_today(-5), status=ActionStatus.DROPPED
    )
    undated = ActionFactory(insight=accepted)

    response = client_for_role("moderator").get(BOARD_URL)

    assert column(response, InsightStatus.DRAFT) == [draft]
    assert column(response, InsightStatus.ACCEPTED) == [accepted]
    assert action_group(response, ActionStatus.PLANNED) == [late, today, later, undated]
    assert action_group(response, ActionStatus.DONE) == [late_done]
    assert action_group(response, ActionStatus.DROPPED) == [late_dropped]
    assert response.context["overdue_count"] == 1
    page = response.content.decode()
    assert f'data-action="{late.pk}" class="insights-actions__overdue" data-overdue="true"' in page
    for action in (today, later, late_done, late_dropped, undated):
        assert f'data-action="{action.pk}">' in page


def test_the_board_filters_by_status_project_and_owner(
    client_for_role, project_page, project_index
):
    other_project = ProjectPageFactory(parent=project_index)
    ours = InsightFactory(
        projects=[project_page], status=InsightStatus.ACCEPTED, owner_team="Team Onthaal"
    )
    theirs = InsightFactory(projects=[other_project], owner_team="Team Lijn")
    action = ActionFactory(insight=ours, owner="Team Lijn")
    client = client_for_role("researcher")

    by_status = client.get(BOARD_URL, {"status": InsightStatus.DRAFT})
    by_project = client.get(BOARD_URL, {"project": project_page.pk})
    by_owner = client.get(BOARD_URL, {"owner": "Team Lijn"})
    by_other_owner = client.get(BOARD_URL, {"owner": "Team Onthaal"})

    assert sum((insights for _v, _l, insights in by_status.context["columns"]), []) == [theirs]
    assert sum((insights for _v, _l, insights in by_project.context["columns"]), []) == [ours]
    assert action_group(by_project, ActionStatus.PLANNED) == [action]
    assert {i.pk for _v, _l, insights in by_owner.context["columns"] for i in insights} == {
        ours.pk,
        theirs.pk,
    }
    assert action_group(by_owner, ActionStatus.PLANNED) == [action]
    assert action_group(by_other_owner, ActionStatus.PLANNED) == [action]
    assert by_owner.context["owners"] == ["Team Lijn", "Team Onthaal"]
    assert f"/admin/insights/projects/{project_page.pk}/report/" in by_status.content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_board_costs_the_same_queries_for_5_and_50_insights(
    client_for_role, project_page, project_index, django_assert_num_queries, rows
):
    other_project = ProjectPageFactory(parent=project_index)
    for number in range(rows):
        insight = InsightFactory(
            projects=[project_page, other_project],
            status=InsightStatus.ACCEPTED if number % 2 else InsightStatus.PROPOSED,
            owner_team=f"Team {number % 3}",
        )
        ActionFactory(insight=insight, due_date=days_from_today(number - 3), owner=f"E{number}")
    client = client_for_role("moderator")
    client.get(BOARD_URL)

    with django_assert_num_queries(BOARD_QUERIES):
        response = client.get(BOARD_URL)

    assert sum(len(insights) for _v, _l, insights in response.context["columns"]) == rows


# admin overhead (permissions, profile, locale, the menu's page and collection permissions:
# 7) plus the insights with counts, their projects, the actions with their insights, the
# owners (two queries) and the projects to filter by
BOARD_QUERIES = 14
