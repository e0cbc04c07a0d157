"""Insights and actions in the Wagtail admin: who reaches what, the refused second save,
bad input, the evidence picker, the insight page's query budget and the printable report."""

import datetime
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.users.models import UserProfile

from community.models import Role
from insights.models import (
    PRIVACY_THRESHOLD,
    Action,
    ActionStatus,
    Insight,
    InsightEvidence,
    InsightStatus,
)
from projects.models import PostStatus
from tests.community.factories import UserFactory
from tests.conftest import ROLES, login_with_two_factor
from tests.insights.factories import (
    ActionFactory,
    CodeFactory,
    InsightFactory,
    excerpt_of,
    insight_with_parents,
)
from tests.projects.factories import post_write

pytestmark = pytest.mark.django_db

ALL_ROLES = [*ROLES, "team_lead", "complaints_officer"]
STAFF = {"moderator", "researcher", "admin"}


@pytest.fixture
def english_staff(moderator, researcher):
    """Staff who read the admin in English, for tests that assert its text."""
    for user in (moderator, researcher):
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "en"
        profile.save()


@pytest.fixture
def excerpt(topic_page, parent, moderator):
    return excerpt_of(post_write(topic_page, parent, "We wachtten drie weken."), moderator)


@pytest.fixture
def accepted(project_page, excerpt):
    insight = InsightFactory(projects=[project_page], status=InsightStatus.ACCEPTED)
    InsightEvidence.objects.create(insight=insight, excerpt=excerpt)
    return insight


@pytest.fixture
def action(accepted):
    return ActionFactory(insight=accepted)


def expected_status(role: str, ok: int = HTTPStatus.OK) -> int:
    """Anonymous visitors go to the login; parents get 403; staff who may use the admin but
    not insights (team lead, complaints officer) are sent back to the admin's dashboard."""
    if role in STAFF:
        return ok
    return HTTPStatus.FORBIDDEN if role in {"parent", "other_parent"} else HTTPStatus.FOUND


def assert_refused_or_allowed(response, role: str, ok: int = HTTPStatus.OK) -> None:
    assert response.status_code == expected_status(role, ok)
    if role == "anonymous":
        assert (
            response["Location"].startswith("/accounts/login/") or "login" in response["Location"]
        )
    elif role in {"team_lead", "complaints_officer"}:
        assert response["Location"] == "/admin/"


# --- permission matrix: every address, every role ---


def get_urls(insight, action, project) -> list[str]:
    return [
        "/admin/insights/",
        "/admin/insights/new/",
        f"/admin/insights/{insight.pk}/",
        f"/admin/insights/{insight.pk}/edit/",
        f"/admin/insights/{insight.pk}/actions/new/",
        f"/admin/insights/actions/{action.pk}/edit/",
        f"/admin/insights/projects/{project.pk}/report/",
    ]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_pages_permission_matrix(client_for_role, accepted, action, project_page, role):
    client = client_for_role(role)

    for url in get_urls(accepted, action, project_page):
        response = client.get(url)
        assert_refused_or_allowed(response, role)
        assert "Inzicht" not in response.content.decode() or role in STAFF, url


@pytest.mark.parametrize("role", ALL_ROLES)
def test_writes_permission_matrix(client_for_role, accepted, action, excerpt, role):
    client = client_for_role(role)
    posts = [
        (f"/admin/insights/{accepted.pk}/status/", {"to_status": "done", "comment": "Klaar."}),
        (f"/admin/insights/{accepted.pk}/evidence/{excerpt.pk}/remove/", {}),
        (f"/admin/insights/{accepted.pk}/evidence/add/", {"excerpt": excerpt.pk}),
        (f"/admin/insights/actions/{action.pk}/status/", {"to_status": "in_progress"}),
        (f"/admin/insights/actions/{action.pk}/entries/", {"text": "Overleg."}),
        (
            f"/admin/insights/{accepted.pk}/actions/new/",
            {"title": "Nieuw", "owner": "Onthaal", "progress": 0},
        ),
        (
            "/admin/insights/new/",
            {"title": "T", "finding": "F", "priority": "medium", "projects": [excerpt.project_id]},
        ),
    ]

    for url, data in posts:
        response = client.post(url, data)
        assert_refused_or_allowed(response, role, HTTPStatus.FOUND)

    if role not in STAFF:
        accepted.refresh_from_db()
        action.refresh_from_db()
        assert accepted.status == InsightStatus.ACCEPTED
        assert action.status == ActionStatus.PLANNED
        assert accepted.evidence.count() == 1
        assert Insight.objects.count() == 1
        assert Action.objects.count() == 1
        assert not action.entries.exists()


def test_parents_do_not_see_the_menu_item_and_staff_do(client_for_role):
    assert "/admin/insights/" in client_for_role("moderator").get("/admin/").content.decode()


# --- creating and editing ---


def test_staff_create_an_insight_and_land_on_its_page(client_for_role, project_page):
    client = client_for_role("moderator")

    response = client.post(
        "/admin/insights/new/",
        {
            "title": "Lange wachttijd",
            "finding": "Ouders wachten lang.",
            "priority": "high",
            "projects": [project_page.pk],
        },
    )

    insight = Insight.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/admin/insights/{insight.pk}/"
    assert (insight.status, insight.priority) == (InsightStatus.DRAFT, "high")


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", ""), ("title", "x" * 10_000), ("finding", ""), ("finding", "x" * 10_000)],
)
def test_bad_input_gets_an_error_next_to_the_field_and_keeps_the_text(
    english_staff, client_for_role, project_page, field, value
):
    data = {"title": "Titel", "finding": "Mijn bevinding", "priority": "medium"}
    data |= {"projects": [project_page.pk], field: value}

    response = client_for_role("moderator").post("/admin/insights/new/", data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.context["form"].errors
    assert not Insight.objects.exists()
    kept = "Mijn bevinding" if field == "title" else "Titel"
    assert kept in response.content.decode()


def edit(client: Client, insight: Insight, version: int, **fields) -> object:
    data = {
        "title": insight.title,
        "finding": insight.finding,
        "recommended_action": insight.recommended_action,
        "owner_team": insight.owner_team,
        "priority": insight.priority,
        "projects": [project.pk for project in insight.projects.all()],
        "version": version,
    } | fields
    return client.post(f"/admin/insights/{insight.pk}/edit/", data)


def test_the_second_of_two_concurrent_saves_is_refused_with_both_texts(
    english_staff, client, project_page, moderator
):
    researcher = UserFactory(email="els@example.org", first_name="Els", roles=[Role.RESEARCHER])
    insight = InsightFactory(projects=[project_page], finding="Oude tekst.")
    other = Client()
    login_with_two_factor(client, moderator)
    login_with_two_factor(other, researcher)
    first_form = other.get(f"/admin/insights/{insight.pk}/edit/").context["form"]
    second_form = client.get(f"/admin/insights/{insight.pk}/edit/").context["form"]
    assert first_form["version"].value() == second_form["version"].value() == 1

    first = edit(other, insight, 1, finding="Tekst van Els.")
    second = edit(client, insight, 1, finding="Mijn eigen tekst.")

    assert first.status_code == HTTPStatus.FOUND
    assert second.status_code == HTTPStatus.CONFLICT
    insight.refresh_from_db()
    assert (insight.finding, insight.version, insight.updated_by) == (
        "Tekst van Els.",
        2,
        researcher,
    )
    page = second.content.decode()
    at = timezone.localtime(insight.updated_at).strftime("%H:%M")
    assert "Els" in page and at in page
    assert "Tekst van Els." in page  # theirs, as saved
    assert "Mijn eigen tekst." in page  # yours, in the form
    assert second.context["form"]["finding"].value() == "Mijn eigen tekst."
    assert second.context["theirs"].finding == "Tekst van Els."


def test_the_refusal_names_the_editor_by_e_mail_without_a_first_name(
    english_staff, client_for_role, project_page
):
    colleague = UserFactory(email="collega@example.org", first_name="", roles=[Role.MODERATOR])
    insight = InsightFactory(projects=[project_page])
    Insight.objects.filter(pk=insight.pk).update(version=2, updated_by=colleague)

    response = edit(client_for_role("moderator"), insight, 1, title="Mijn titel")

    assert response.status_code == HTTPStatus.CONFLICT
    assert "collega@example.org" in response.content.decode()
    insight.refresh_from_db()
    assert insight.title != "Mijn titel"


def test_saving_again_after_a_refusal_is_a_conscious_overwrite(client_for_role, project_page):
    insight = InsightFactory(projects=[project_page])
    Insight.objects.filter(pk=insight.pk).update(version=2)
    client = client_for_role("moderator")
    refused = edit(client, insight, 1, title="Mijn titel")

    again = edit(client, insight, refused.context["form"]["version"].value(), title="Mijn titel")

    assert again.context is None or not again.context["form"].errors, again.context["form"].errors
    assert again.status_code == HTTPStatus.FOUND
    insight.refresh_from_db()
    assert (insight.title, insight.version) == ("Mijn titel", 3)


# --- status changes through the page ---


def test_a_refused_transition_shows_a_clear_message(english_staff, client_for_role, project_page):
    insight = InsightFactory(projects=[project_page])

    response = client_for_role("moderator").post(
        f"/admin/insights/{insight.pk}/status/", {"to_status": "proposed", "comment": ""}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Add at least one excerpt as evidence" in response.content.decode()
    insight.refresh_from_db()
    assert insight.status == InsightStatus.DRAFT


def test_rejecting_without_a_reason_is_refused_and_keeps_the_status(
    english_staff, client_for_role, project_page, excerpt
):
    insight = InsightFactory(projects=[project_page], status=InsightStatus.PROPOSED)
    InsightEvidence.objects.create(insight=insight, excerpt=excerpt)

    response = client_for_role("researcher").post(
        f"/admin/insights/{insight.pk}/status/", {"to_status": "rejected", "comment": " "}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Give the reason for rejecting" in response.content.decode()
    insight.refresh_from_db()
    assert insight.status == InsightStatus.PROPOSED


def test_dropping_an_action_without_a_reason_is_refused(english_staff, client_for_role, action):
    response = client_for_role("moderator").post(
        f"/admin/insights/actions/{action.pk}/status/",
        {"to_status": "dropped", "comment": "Mijn commentaar", "reason": ""},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert "Give the reason for dropping" in page
    assert "Mijn commentaar" in page
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED


def test_progress_101_is_refused_with_a_message(client_for_role, action):
    response = client_for_role("moderator").post(
        f"/admin/insights/actions/{action.pk}/edit/",
        {"title": action.title, "owner": action.owner, "progress": 101},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "progress" in response.context["form"].errors
    action.refresh_from_db()
    assert action.progress == 0


def test_an_action_for_a_draft_insight_is_refused(english_staff, client_for_role, project_page):
    insight = InsightFactory(projects=[project_page])

    response = client_for_role("moderator").post(
        f"/admin/insights/{insight.pk}/actions/new/",
        {"title": "Nieuw", "owner": "Onthaal", "progress": 0},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Only an accepted insight gets actions." in response.content.decode()
    assert not Action.objects.exists()


# --- evidence picker ---


def test_the_picker_shows_excerpts_of_the_projects_with_codes_and_marks(
    english_staff, client_for_role, project_page, topic_page, parent, moderator
):
    code = CodeFactory(name="Wachttijd")
    hidden = excerpt_of(
        post_write(topic_page, parent, "Verborgen tekst.", status=PostStatus.HIDDEN),
        moderator,
        code,
    )
    edited_post = post_write(topic_page, parent, "Oude tekst.")
    edited = excerpt_of(edited_post, moderator)
    edited_post.edited_at = timezone.now() + datetime.timedelta(minutes=5)
    edited_post.save()
    removed = excerpt_of(
        post_write(topic_page, parent, "Weg.", removed_at=timezone.now()), moderator
    )
    insight = InsightFactory(projects=[project_page])

    client = client_for_role("moderator")
    response = client.get(f"/admin/insights/{insight.pk}/")

    assert {excerpt.pk for excerpt in response.context["excerpts"]} == {
        hidden.pk,
        edited.pk,
        removed.pk,
    }
    page = response.content.decode()
    assert 'data-mark="hidden"' in page
    assert 'data-mark="edited"' in page
    assert 'data-mark="removed"' in page
    assert "Wachttijd" in page

    filtered = client.get(f"/admin/insights/{insight.pk}/?code={code.pk}")
    assert [excerpt.pk for excerpt in filtered.context["excerpts"]] == [hidden.pk]


def test_adding_and_removing_evidence_through_the_page(client_for_role, project_page, excerpt):
    insight = InsightFactory(projects=[project_page])
    client = client_for_role("moderator")

    client.post(f"/admin/insights/{insight.pk}/evidence/add/", {"excerpt": excerpt.pk})
    assert list(insight.evidence.all()) == [excerpt]
    page = client.get(f"/admin/insights/{insight.pk}/")
    assert list(page.context["excerpts"]) == []

    client.post(f"/admin/insights/{insight.pk}/evidence/{excerpt.pk}/remove/")
    assert not insight.evidence.exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_insight_page_costs_the_same_queries_for_5_and_50_rows(
    client_for_role, project_page, topic_page, moderator, django_assert_num_queries, rows
):
    code = CodeFactory()
    parents = [UserFactory() for _ in range(rows)]
    insight = insight_with_parents(topic_page, moderator, parents)
    for number in range(rows):
        excerpt_of(post_write(topic_page, parents[number], f"Nog iets {number}."), moderator, code)
        action = ActionFactory(insight=insight)
        action.entries.create(date=timezone.localdate(), text="Gepland.")
    for link in insight.evidence_links.all():
        link.excerpt.codings.create(code=code)
    client = client_for_role("moderator")
    client.get(f"/admin/insights/{insight.pk}/")

    with django_assert_num_queries(INSIGHT_PAGE_QUERIES):
        response = client.get(f"/admin/insights/{insight.pk}/")

    assert len(response.context["insight"].evidence_links.all()) == rows


# admin overhead (7) plus the insight, its projects, evidence, the evidence's codes, status
# changes, actions, their entries, the topics and codes to filter by, the excerpts to pick
# from and their codes
INSIGHT_PAGE_QUERIES = 19


# --- the printable report ---


def report(client: Client, project) -> object:
    return client.get(f"/admin/insights/projects/{project.pk}/report/")


@pytest.mark.parametrize(("parents", "marked"), [(4, True), (5, False)])
def test_the_report_marks_counts_below_5_distinct_parents(
    english_staff, client_for_role, topic_page, project_page, moderator, parents, marked
):
    assert PRIVACY_THRESHOLD == 5
    code = CodeFactory(name="Wachttijd")
    people = [UserFactory() for _ in range(parents)]
    insight = insight_with_parents(topic_page, moderator, people, title="Wachten")
    for link in insight.evidence_links.all():
        link.excerpt.codings.create(code=code)
    # a second excerpt of the same parent is not a second parent
    excerpt_of(post_write(topic_page, people[0], "Nog eens."), moderator, code)

    response = report(client_for_role("researcher"), project_page)

    assert response.status_code == HTTPStatus.OK
    row = response.context["insights"][0].parents
    assert (row["count"], row["below_threshold"]) == (parents, marked)
    theme = response.context["themes"][0]
    assert (theme["code"], theme["count"], theme["below_threshold"]) == (code, parents, marked)
    page = response.content.decode()
    assert f'data-parents="{parents}"' in page
    assert ("fewer than 5 parents" in page) is marked
    assert "Ik wachtte 2 weken op een afspraak." in page


def test_the_report_shows_only_accepted_and_done_insights_and_no_pseudonyms(
    client_for_role, topic_page, project_page, moderator, parent
):
    shown = insight_with_parents(topic_page, moderator, [parent], title="Getoond")
    InsightFactory(projects=[project_page], title="Nog een voorstel", status="proposed")
    InsightFactory(projects=[project_page], title="Afgewezen", status="rejected")

    response = report(client_for_role("moderator"), project_page)

    assert [insight.pk for insight in response.context["insights"]] == [shown.pk]
    page = response.content.decode()
    assert "Nog een voorstel" not in page and "Afgewezen" not in page
    assert parent.pseudonym not in page
    assert "css/insights_print.css" in page
    assert "<script" not in page and "style=" not in page


def test_report_button_on_the_project_in_the_page_explorer(client_for_role, project_page):
    response = client_for_role("researcher").get(f"/admin/pages/{project_page.pk}/edit/")

    assert f"/admin/insights/projects/{project_page.pk}/report/" in response.content.decode()


def test_report_link_on_the_project_row_in_the_page_explorer(
    client_for_role, project_index, project_page
):
    response = client_for_role("researcher").get(f"/admin/pages/{project_index.pk}/")

    assert f"/admin/insights/projects/{project_page.pk}/report/" in response.content.decode()
