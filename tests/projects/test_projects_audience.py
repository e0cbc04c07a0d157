"""Who sees which project: the audience (all members or segments), status and waiting topics."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone, translation

from projects.models import ProjectPage, ProjectStatus
from tests.conftest import ROLES, dutch_url
from tests.projects.factories import (
    PostFactory,
    ProjectPageFactory,
    TopicPageFactory,
    invite_list,
    project_for_segments,
)

pytestmark = pytest.mark.django_db


def dutch(message: str, plural: str = "", count: int = 0) -> str:
    """The Dutch text of a message, as pages show it (English until translated)."""
    with translation.override("nl"):
        if plural:
            return translation.ngettext(message, plural, count) % {"counter": count}
        return translation.gettext(message)


def waiting(count: int, end: str = "") -> str:
    return dutch(
        "%(counter)s topic waits for your answer" + end,
        "%(counter)s topics wait for your answer" + end,
        count,
    )


@pytest.fixture
def segment_project(project_index, parent):
    """A project for an invite list with only `parent` on it; `other_parent` is outside."""
    project = project_for_segments(
        project_index, [invite_list("Uitgenodigd", parent)], title="Alleen voor genodigden"
    )
    TopicPageFactory(parent=project, title="Onderwerp voor genodigden")
    return project


@pytest.mark.parametrize("role", ROLES)
def test_project_for_all_members_is_open_to_every_member_and_staff(
    client_for_role, project_page, role
):
    response = client_for_role(role).get(dutch_url(project_page))

    assert response.status_code == HTTPStatus.OK
    if role == "anonymous":
        assert f"/accounts/login/?next={dutch_url(project_page)}" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_project_for_a_segment_answers_404_outside_the_segment(
    client_for_role, segment_project, role
):
    response = client_for_role(role).get(dutch_url(segment_project))

    expected = {
        "parent": HTTPStatus.OK,
        "other_parent": HTTPStatus.NOT_FOUND,
    }.get(role, HTTPStatus.OK)
    assert response.status_code == expected
    if expected == HTTPStatus.NOT_FOUND:
        assert "Alleen voor genodigden" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_project_index_lists_only_projects_in_the_audience(
    client_for_role, project_index, project_page, segment_project, role
):
    html = client_for_role(role).get(dutch_url(project_index)).content.decode()

    if role == "anonymous":
        assert "Slapen" not in html
        assert "/accounts/signup/" in html
        return
    assert "Slapen" in html
    assert ("Alleen voor genodigden" in html) is (role != "other_parent")


def test_a_segment_project_shows_in_english_too_for_its_member(
    client, parent, segment_project, project_index
):
    client.force_login(parent)
    assert client.get(f"/en{dutch_url(segment_project)}").status_code == HTTPStatus.OK
    assert segment_project.title_en in client.get(f"/en{dutch_url(project_index)}").content.decode()


def test_unpublished_project_is_404_to_members_even_for_all(client, parent, project_page):
    project_page.unpublish()
    client.force_login(parent)
    assert client.get(dutch_url(project_page)).status_code == HTTPStatus.NOT_FOUND


def test_index_counts_topics_waiting_for_the_member(client, parent, other_parent, project_page):
    answered = TopicPageFactory(parent=project_page)
    TopicPageFactory(parent=project_page)
    TopicPageFactory(parent=project_page)
    replied_only = TopicPageFactory(parent=project_page)
    PostFactory(topic=answered, author=parent)
    PostFactory(parent=PostFactory(topic=replied_only, author=other_parent), author=parent)
    draft = TopicPageFactory(parent=project_page)
    draft.unpublish()
    client.force_login(parent)

    html = client.get(dutch_url(project_page.get_parent())).content.decode()

    assert waiting(3) in html


def test_project_page_marks_each_topic_answered_or_waiting(
    client, parent, project_page, topic_page
):
    other = TopicPageFactory(parent=project_page, title="Tweede onderwerp")
    PostFactory(topic=topic_page, author=parent)
    client.force_login(parent)

    html = client.get(dutch_url(project_page)).content.decode()

    first, second = html.index(topic_page.title), html.index(other.title)
    assert html.index(dutch("Answered"), first) < second
    assert dutch("Waiting for your answer") in html[second:]
    assert waiting(1, ".") in html


def test_project_page_shows_dates_status_and_contact(client, parent, project_index):
    today = timezone.localdate()
    project = ProjectPageFactory(
        parent=project_index,
        start_date=today,
        end_date=today + datetime.timedelta(days=30),
        contact_name="An Onderzoeker",
        contact_email="an@example.org",
    )
    client.force_login(parent)

    html = client.get(dutch_url(project)).content.decode()

    assert "An Onderzoeker" in html
    assert 'href="mailto:an@example.org"' in html
    assert "status-badge--open" in html
    assert str(today.year) in html


@pytest.mark.parametrize(
    ("start", "end", "status", "notice"),
    [
        (1, None, ProjectStatus.UPCOMING, "Dit project start op"),
        (0, None, ProjectStatus.OPEN, None),
        (-10, 0, ProjectStatus.OPEN, None),
        (-10, -1, ProjectStatus.CLOSED, "Dit project is afgelopen."),
    ],
)
def test_status_follows_the_dates_at_their_boundaries(
    client, parent, project_index, start, end, status, notice
):
    today = timezone.localdate()
    project = ProjectPageFactory(
        parent=project_index,
        start_date=today + datetime.timedelta(days=start),
        end_date=None if end is None else today + datetime.timedelta(days=end),
    )
    assert project.status == status
    client.force_login(parent)

    html = client.get(dutch_url(project)).content.decode()

    assert f"status-badge--{status.value}" in html
    if notice:
        assert 'role="status"' in html
        assert notice in html
    else:
        assert 'role="status"' not in html


def test_open_to_hides_segment_projects_from_a_member_outside_them(
    parent, other_parent, segment_project, project_page
):
    assert set(ProjectPage.objects.open_to(other_parent)) == {project_page}
    assert set(ProjectPage.objects.open_to(parent)) == {project_page, segment_project}


@pytest.mark.parametrize("count", [2, 20])
def test_project_index_queries_do_not_grow_with_projects(
    client, parent, project_index, count, django_assert_num_queries
):
    segment = invite_list("Lijst", parent)
    for number in range(count):
        if number % 2:
            project = project_for_segments(project_index, [segment])
        else:
            project = ProjectPageFactory(parent=project_index)
        TopicPageFactory(parent=project)
        PostFactory(topic=TopicPageFactory(parent=project), author=parent)
    client.force_login(parent)
    client.get(dutch_url(project_index))  # warm the site and navigation caches

    # The member's segments (3: segments, rules, membership), projects with their waiting
    # count (view restrictions inside). The user with their request state comes from the
    # cache (community.request_state); the site, the route to the page and its view
    # restrictions are remembered (projects.routing).
    with django_assert_num_queries(6):
        response = client.get(dutch_url(project_index))

    html = response.content.decode()
    assert html.count('class="card"') == count
    assert html.count(waiting(1)) == count


def _project_form_data(slug: str, start: str, end: str, **fields) -> dict:
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    return nested_form_data(
        {
            "title": "Project",
            "slug": slug,
            "title_en": "",
            "summary": "Samenvatting",
            "summary_en": "",
            "introduction": streamfield([]),
            "introduction_en": streamfield([]),
            "start_date": start,
            "end_date": end,
            "contact_name": "",
            "contact_email": "",
            "audience": "all",
            "moderation_mode": "post",
            **fields,
        }
    )


def test_admin_form_puts_an_end_date_before_the_start_at_the_field(project_index, researcher):
    form_class = ProjectPage.get_edit_handler().get_form_class()
    data = _project_form_data("project-met-datums", "2026-05-10", "2026-05-01")
    form = form_class(data, instance=ProjectPage(), parent_page=project_index, for_user=researcher)

    assert not form.is_valid()
    assert form.errors["end_date"] == [dutch("The end date cannot be before the start date.")]


def test_researcher_previews_a_segment_project_without_a_404(client_for_role, project_index):
    from django.urls import reverse

    project = project_for_segments(project_index, [invite_list("Niemand")])
    TopicPageFactory(parent=project)
    client = client_for_role("researcher")
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[project.pk])
    data = _project_form_data(
        project.slug, "2026-01-01", "", audience="segments", title="Voorbeeld voor ouders"
    )

    assert client.post(url, data).json()["is_valid"]
    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Voorbeeld voor ouders" in html
    assert dutch("Waiting for your answer") in html  # as a parent who has not answered yet


def test_researcher_previews_a_new_project_before_saving_it(client_for_role, project_index):
    from django.urls import reverse

    client = client_for_role("researcher")
    url = reverse(
        "wagtailadmin_pages:preview_on_add", args=("projects", "projectpage", project_index.pk)
    )
    data = _project_form_data("nieuw", "2026-01-01", "", title="Nog niet bewaard")

    assert client.post(url, data).json()["is_valid"]
    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert "Nog niet bewaard" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "sees_segment_project"),
    [("anonymous", False), ("parent", True), ("other_parent", False), ("researcher", True)],
)
def test_home_page_lists_a_segment_project_only_inside_its_audience(
    client_for_role, home_page, segment_project, project_page, role, sees_segment_project
):
    response = client_for_role(role).get(dutch_url(home_page))

    assert response.status_code == HTTPStatus.OK
    listed = set(response.context["projects"])
    assert project_page in listed
    assert (segment_project in listed) is sees_segment_project
