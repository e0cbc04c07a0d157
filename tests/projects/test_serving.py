"""Explain instead of bouncing (projects.serving): a visitor who follows a project or topic
link reads the project's public summary with an invitation to log in or join; a member
outside a project's audience is told kindly that it is for a specific group of parents.
Neither ever sees a post, a member's name or whom a segment project is for."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from projects.models import ProjectPage
from projects.services.posts import post_create
from tests.community.factories import UserFactory, consent_accept_all
from tests.conftest import ROLES, dutch_url
from tests.projects.factories import (
    ProjectPageFactory,
    TopicPageFactory,
    invite_list,
    project_for_segments,
)

pytestmark = pytest.mark.django_db

INTRODUCTION = [{"type": "paragraph", "value": "<p>De lange inleiding voor leden.</p>"}]


@pytest.fixture
def author(consent_documents, parent, other_parent):
    user = UserFactory(pseudonym="Nachtuil")
    consent_accept_all(user, parent, other_parent)
    return user


@pytest.fixture
def open_project(project_index, author):
    project = ProjectPageFactory(
        parent=project_index,
        title="Slapen",
        title_en="Sleeping",
        summary="Hoe slaapt je baby?",
        summary_en="How does your baby sleep?",
        introduction=INTRODUCTION,
    )
    topic = TopicPageFactory(parent=project, title="Eerste nacht", title_en="First night")
    TopicPageFactory(parent=project, title="Dutjes overdag", title_en="Naps")
    post_create(author=author, topic=topic, text="Wij sliepen de eerste nacht amper.")
    return project


@pytest.fixture
def segment_project(project_index, parent, author):
    project = project_for_segments(
        project_index,
        [invite_list("Ouders van een tweeling", parent, author)],
        title="Twee tegelijk",
        summary="Over de eerste maanden met meer dan één baby.",
        summary_en="",
    )
    topic = TopicPageFactory(parent=project, title="Voeden in duo")
    post_create(author=author, topic=topic, text="Om de beurt de fles, dat werkte.")
    return project


def topic_of(project):
    return project.get_children().live().specific().first()


def assert_nothing_of_the_members(html: str) -> None:
    assert "Wij sliepen de eerste nacht amper." not in html
    assert "Om de beurt de fles" not in html
    assert "Nachtuil" not in html
    assert "Ouders van een tweeling" not in html  # the segment's name
    assert 'class="post' not in html


# ---------- visitors ----------


def test_a_visitor_reads_the_summary_and_is_invited_to_log_in_or_join(client, open_project):
    url = dutch_url(open_project)

    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<h1>Slapen</h1>" in html
    assert "Hoe slaapt je baby?" in html
    assert "Eerste nacht" in html and "Dutjes overdag" in html  # the topics' titles
    assert f'href="/accounts/login/?next={url}"' in html
    assert f'href="/accounts/signup/?next={url}"' in html
    assert "De lange inleiding voor leden." not in html
    assert_nothing_of_the_members(html)


def test_a_visitor_on_a_topic_reads_its_title_and_its_projects_summary(client, open_project):
    topic = topic_of(open_project)
    url = dutch_url(topic)

    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<h1>Eerste nacht</h1>" in html
    assert "Hoe slaapt je baby?" in html
    assert f'href="{dutch_url(open_project)}"' in html  # back to the project
    assert f'href="/accounts/login/?next={url}"' in html
    assert_nothing_of_the_members(html)


def test_a_visitor_reads_it_in_english_and_comes_back_to_the_english_address(client, open_project):
    url = f"/en{dutch_url(open_project)}"

    html = client.get(url).content.decode()

    assert "<h1>Sleeping</h1>" in html
    assert "How does your baby sleep?" in html
    assert f'href="/en/accounts/login/?next={url}"' in html
    assert "Log in to take part in this project." in html


def test_a_segment_project_tells_a_visitor_no_more_than_its_summary(client, segment_project):
    for page in (segment_project, topic_of(segment_project)):
        response = client.get(f"/en{dutch_url(page)}")

        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert "Over de eerste maanden met meer dan één baby." in html
        assert "This project is for a specific group of parents." in html
        assert_nothing_of_the_members(html)
    # Its topics are for its members: a visitor sees only the one they followed a link to.
    assert "Voeden in duo" not in client.get(dutch_url(segment_project)).content.decode()


def test_a_project_without_a_summary_shows_its_title_and_the_invitation(client, project_index):
    project = ProjectPageFactory(parent=project_index, title="Zonder samenvatting")
    # The admin requires a summary; a project made otherwise may lack one.
    ProjectPage.objects.filter(pk=project.pk).update(summary="")

    html = client.get(dutch_url(project)).content.decode()

    assert "<h1>Zonder samenvatting</h1>" in html
    assert 'class="lead"' not in html
    assert "/accounts/login/?next=" in html


def test_a_closed_project_tells_a_visitor_that_members_can_still_read_it(client, open_project):
    open_project.start_date = timezone.localdate() - datetime.timedelta(days=30)
    open_project.end_date = timezone.localdate() - datetime.timedelta(days=1)
    open_project.save_revision().publish()

    html = client.get(f"/en{dutch_url(open_project)}").content.decode()

    assert "This project is closed. Members can log in to read what parents wrote." in html


def test_an_unpublished_project_stays_404_for_a_visitor(client, open_project):
    url = dutch_url(open_project)
    open_project.unpublish()

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_project_behind_a_login_restriction_still_sends_a_visitor_to_log_in(client, open_project):
    PageViewRestriction.objects.create(page=open_project, restriction_type="login")

    response = client.get(dutch_url(topic_of(open_project)))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


# ---------- kept for visitors ----------


def test_a_second_visitor_costs_no_query(client, open_project, django_assert_num_queries):
    url = dutch_url(open_project)
    client.get(url)

    with django_assert_num_queries(0):
        response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert "Hoe slaapt je baby?" in response.content.decode()


def test_a_published_change_shows_on_the_next_visit(client, open_project):
    url = dutch_url(open_project)
    client.get(url)

    open_project.summary = "Een nieuwe samenvatting."
    open_project.save_revision().publish()

    assert "Een nieuwe samenvatting." in client.get(url).content.decode()


def test_each_address_and_language_is_kept_apart(client, open_project):
    project_url, topic_url = dutch_url(open_project), dutch_url(topic_of(open_project))
    client.get(project_url)
    client.get(f"/en{project_url}")

    topic_html = client.get(topic_url).content.decode()
    english_html = client.get(f"/en{project_url}").content.decode()

    assert f"next={topic_url}" in topic_html and "<h1>Eerste nacht</h1>" in topic_html
    assert "<h1>Sleeping</h1>" in english_html


def test_the_kept_page_holds_no_form_token(client, open_project):
    client.get(dutch_url(open_project))

    html = client.get(dutch_url(open_project)).content.decode()

    assert "csrfmiddlewaretoken" not in html


# ---------- members outside the audience ----------


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_a_segment_project_and_who_is_told_it_is_for_others(
    client_for_role, segment_project, role
):
    client = client_for_role(role)

    for page in (segment_project, topic_of(segment_project)):
        response = client.get(f"/en{dutch_url(page)}")
        html = response.content.decode()
        if role == "other_parent":
            assert response.status_code == HTTPStatus.NOT_FOUND
            assert "This project is for a specific group of parents" in html
            assert 'href="/en/projecten/"' in html  # the projects open to them
            assert "Twee tegelijk" not in html and "Voeden in duo" not in html
            assert "Over de eerste maanden" not in html
            assert_nothing_of_the_members(html)
        elif role == "anonymous":
            assert response.status_code == HTTPStatus.OK
            assert_nothing_of_the_members(html)
        else:
            assert response.status_code == HTTPStatus.OK
            assert "/accounts/login/?next=" not in html


def test_an_address_that_does_not_exist_keeps_the_plain_404(client, parent, open_project):
    client.force_login(parent)

    response = client.get(dutch_url(open_project) + "bestaat-niet/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "specific group of parents" not in response.content.decode()
