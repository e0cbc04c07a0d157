"""The member dashboard: what is waiting for the member, with a fixed query budget."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import PageViewRestriction

from community.models import (
    ConsentDocument,
    ConsentKind,
    ConsentRecord,
    MemberProfile,
    Notification,
    NotificationKind,
    Role,
)
from projects.models import Post, TopicPage
from tests.community.factories import UserFactory
from tests.projects.factories import PostFactory, ProjectPageFactory, TopicPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    return UserFactory(email="lid@example.org", pseudonym="Zonnebloem")


@pytest.fixture
def neighbour(db):
    return UserFactory(email="buur@example.org", pseudonym="Klaproos")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def fill(project_index, member, neighbour, count: int) -> None:
    """`count` projects, each with an unanswered topic, a reply and a follow-up question to
    the member and a notification."""
    for number in range(count):
        project = ProjectPageFactory(parent=project_index, title=f"Project {number}")
        topic = TopicPageFactory(parent=project, title=f"Onderwerp {number}")
        answered = TopicPageFactory(parent=project, title=f"Beantwoord {number}")
        own = PostFactory(topic=answered, author=member)
        PostFactory(parent=own, author=neighbour, body=f"<p>Antwoord {number}</p>")
        PostFactory(parent=own, author=neighbour, is_probe=True, body=f"<p>Vraag {number}</p>")
        Notification.objects.create(
            recipient=member,
            actor=neighbour,
            kind="reply",
            params={"title": {"nl": topic.title, "en": topic.title}},
            url=f"/projecten/{project.slug}/",
        )


def dashboard_url(language: str = "nl") -> str:
    with translation.override(language):
        return reverse("member_dashboard")


def dutch(message: str) -> str:
    with translation.override("nl"):
        return translation.gettext(message)


def section(html: str, heading_id: str) -> str:
    """The HTML of one dashboard section, found by the id of its heading."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_dashboard_in_english_lives_under_en(member_client):
    assert dashboard_url("en") == "/en/my/"
    response = member_client.get(dashboard_url("en"))
    assert response.status_code == HTTPStatus.OK
    assert "My Meet the Parents" in response.content.decode()


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(dashboard_url())
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(f"/accounts/login/?next={dashboard_url()}")


def test_empty_dashboard_explains_what_to_do_next(member_client):
    html = member_client.get(dashboard_url()).content.decode()
    nothing_open = (
        "No project is open to you right now. We let you know as soon as a new project starts."
    )
    assert dutch(nothing_open) in section(html, "dashboard-projects")
    for heading in ("dashboard-projects", "dashboard-topics", "dashboard-replies"):
        assert f'id="{heading}"' in html
    assert 'id="dashboard-notifications"' in html
    assert reverse("notification_preferences") in html
    assert reverse("personal_data") in html
    assert reverse("account_delete") in html


def test_dashboard_lists_open_projects_unanswered_topics_replies_and_notifications(
    member_client, member, neighbour, project_index
):
    fill(project_index, member, neighbour, 1)
    html = member_client.get(dashboard_url()).content.decode()
    assert "Project 0" in section(html, "dashboard-projects")
    topics = section(html, "dashboard-topics")
    assert "Onderwerp 0" in topics
    assert "Beantwoord 0" not in topics  # answered already
    replies = section(html, "dashboard-replies")
    assert "Antwoord 0" in replies
    assert "Klaproos" in replies
    assert "Beantwoord 0" in replies
    notifications = section(html, "dashboard-notifications")
    assert (
        reverse(
            "notification_open",
            args=[Notification.objects.exclude(kind=NotificationKind.NEW_TOPIC).get().pk],
        )
        in notifications
    )
    assert reverse("notification_list") in notifications


def test_a_reply_to_someone_else_does_not_count_as_an_answer(
    member_client, member, neighbour, topic_page
):
    answer = PostFactory(topic=topic_page, author=neighbour)
    PostFactory(parent=answer, author=member)
    html = member_client.get(dashboard_url()).content.decode()
    assert topic_page.title in section(html, "dashboard-topics")


def test_topics_of_unpublished_or_private_projects_are_not_waiting(member_client, project_index):
    hidden = ProjectPageFactory(parent=project_index, title="Verborgen project")
    TopicPageFactory(parent=hidden, title="Onderwerp in verborgen project")
    hidden.unpublish()
    private = ProjectPageFactory(parent=project_index, title="Privé project")
    TopicPageFactory(parent=private, title="Onderwerp in privé project")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    # Publishing the topics told the member (NEW_TOPIC); this test is about the topic list.
    Notification.objects.filter(kind=NotificationKind.NEW_TOPIC).delete()
    html = member_client.get(dashboard_url()).content.decode()
    assert "Verborgen project" not in html
    assert "Onderwerp in verborgen project" not in html
    assert "Onderwerp in privé project" not in html
    assert TopicPage.objects.live().count() == 2  # the topics themselves are still live


def test_replies_by_the_member_to_their_own_post_are_not_listed(member_client, member, topic_page):
    own = PostFactory(topic=topic_page, author=member)
    PostFactory(parent=own, author=member, body="<p>Nog iets van mezelf</p>")
    html = member_client.get(dashboard_url()).content.decode()
    assert "Nog iets van mezelf" not in html


def test_a_reply_by_a_former_member_reads_as_such(member_client, member, topic_page):
    own = PostFactory(topic=topic_page, author=member)
    PostFactory(parent=own, author=None, body="<p>Van iemand die weg is</p>")
    html = member_client.get(dashboard_url()).content.decode()
    assert "Van iemand die weg is" in html
    assert dutch("A former member in “%(title)s”") % {"title": topic_page.title} in html


def test_reply_text_is_shown_escaped_without_its_html(member_client, member, neighbour, topic_page):
    own = PostFactory(topic=topic_page, author=member)
    PostFactory(parent=own, author=neighbour, body="<p>Tom &amp; <strong>Jerry</strong></p>")
    html = member_client.get(dashboard_url()).content.decode()
    assert "Tom &amp; Jerry" in html
    assert "<strong>Jerry" not in html


def test_member_who_withdrew_consent_is_told_how_to_take_part_again(member_client, member):
    terms = ConsentDocument.objects.create(
        kind=ConsentKind.RESEARCH_TERMS, title="Voorwaarden", body="<p>x</p>", live=True, version=1
    )
    ConsentRecord.objects.create(user=member, document=terms, version=1, action="accepted")
    ConsentRecord.objects.create(user=member, document=terms, version=1, action="withdrawn")
    html = member_client.get(dashboard_url()).content.decode()
    assert 'id="dashboard-taking-part"' in html
    assert reverse("consent_overview") in html


def test_member_taking_part_sees_no_consent_notice(member_client):
    html = member_client.get(dashboard_url()).content.decode()
    assert 'id="dashboard-taking-part"' not in html


def test_incomplete_profile_gets_a_gentle_prompt(member_client, member):
    html = member_client.get(dashboard_url()).content.decode()
    assert 'id="dashboard-profile"' in html
    assert reverse("profile_edit") in html


def test_complete_profile_gets_no_prompt(member_client, member):
    profile = MemberProfile.objects.create(
        user=member,
        province="antwerpen",
        family_situation="two-parents",
        service_channel="helpline",
    )
    profile.children.create(month="2024-01-01")
    profile.home_languages.create(language="nl")
    html = member_client.get(dashboard_url()).content.decode()
    assert 'id="dashboard-profile"' not in html


def test_staff_see_neither_consent_notice_nor_profile_prompt(client):
    researcher = UserFactory(roles=[Role.RESEARCHER])
    ConsentDocument.objects.create(
        kind=ConsentKind.RESEARCH_TERMS, title="Voorwaarden", body="<p>x</p>", live=True, version=1
    )
    client.force_login(researcher)
    html = client.get(dashboard_url()).content.decode()
    assert 'id="dashboard-taking-part"' not in html
    assert 'id="dashboard-profile"' not in html


@pytest.mark.parametrize("count", [1, 20])
def test_dashboard_query_budget_does_not_grow(
    member_client, member, neighbour, project_index, count, django_assert_num_queries
):
    fill(project_index, member, neighbour, count)
    member_client.get(dashboard_url())  # warm the site and navigation caches
    # Projects (3: the member's segments with their rules, membership, pages; built once per
    # request), site, follow-up questions, waiting topics (2), replies, what happened with what
    # you said (insights), notifications, profile (taking part is read from the user row). The
    # user with their request state is kept between requests (community.request_state).
    with django_assert_num_queries(11):
        response = member_client.get(dashboard_url())
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.count('class="card"') == count
    assert html.count("Antwoord ") == min(count, 5)


# --- follow-up questions (probes) -------------------------------------------------------


@pytest.fixture
def probe_setup(member, neighbour, topic_page, researcher, consent_documents):
    from tests.community.factories import consent_accept_all

    consent_accept_all(member, neighbour)
    answer = PostFactory(topic=topic_page, author=member, body="<p>Mijn antwoord</p>")
    probe = PostFactory(
        topic=topic_page,
        parent=answer,
        author=researcher,
        author_role=Role.RESEARCHER,
        is_probe=True,
        body="<p>Hoe lang duurde dat?</p>",
    )
    return answer, probe


def probes_section(client) -> str:
    html = client.get(dashboard_url()).content.decode()
    if 'aria-labelledby="dashboard-probes"' not in html:
        return ""
    return section(html, "dashboard-probes")


def test_a_follow_up_question_waits_on_the_dashboard_of_the_parent_asked(
    member_client, probe_setup, neighbour, client
):
    answer, probe = probe_setup

    shown = probes_section(member_client)

    assert "Hoe lang duurde dat?" in shown
    assert f"#post-{probe.pk}" in shown
    # Not among the replies too, and not on anyone else's dashboard.
    html = member_client.get(dashboard_url()).content.decode()
    assert "Hoe lang duurde dat?" not in section(html, "dashboard-replies")
    client.force_login(neighbour)
    assert probes_section(client) == ""


def test_the_question_goes_once_the_parent_answers_in_that_conversation(
    member_client, member, probe_setup
):
    answer, probe = probe_setup
    PostFactory(topic=answer.topic, parent=answer, author=member, body="<p>Twee weken.</p>")

    assert probes_section(member_client) == ""


def test_a_reply_written_before_the_question_does_not_answer_it(member_client, member, probe_setup):
    answer, probe = probe_setup
    earlier = PostFactory(topic=answer.topic, parent=answer, author=member)
    Post.objects.filter(pk=earlier.pk).update(created_at=probe.created_at - timedelta(minutes=5))

    assert "Hoe lang duurde dat?" in probes_section(member_client)


@pytest.mark.parametrize(
    "change",
    [
        {"status": "hidden"},
        {"status": "pending"},
        {"removed_at": timezone.now()},
    ],
)
def test_a_hidden_pending_or_removed_question_is_not_listed(member_client, probe_setup, change):
    answer, probe = probe_setup
    Post.objects.filter(pk=probe.pk).update(**change)

    assert probes_section(member_client) == ""


def test_a_question_in_an_unpublished_topic_is_not_listed(member_client, probe_setup):
    answer, probe = probe_setup
    answer.topic.unpublish()

    assert probes_section(member_client) == ""
