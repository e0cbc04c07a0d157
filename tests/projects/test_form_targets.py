"""Form targets on the topic page answer GET with the topic, never a blank 405: after a form
error the address bar holds the target's address, and reloading it, bookmarking it or
switching its language must still lead somewhere (issue 13)."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from projects.models import PollOption, ResponseMode
from tests.community.factories import TEST_PASSWORD, UserFactory, consent_accept_all
from tests.conftest import dutch_url
from tests.projects.factories import (
    TopicPageFactory,
    invite_list,
    post_write,
    project_for_segments,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def answer(topic_page, member, other_parent):
    consent_accept_all(other_parent)
    return post_write(topic_page, other_parent, "Een antwoord")


def test_a_failed_answer_leaves_an_address_that_leads_back_to_the_topic(client, member, topic_page):
    client.force_login(member)
    target = reverse("post_answer", args=[topic_page.pk])

    failed = client.post(target, {"text": "x"})
    again = client.get(target)

    assert failed.status_code == HTTPStatus.BAD_REQUEST  # the form with its error, text kept
    assert again.status_code == HTTPStatus.FOUND
    assert again["Location"] == dutch_url(topic_page)


@pytest.mark.parametrize("name", ["post_reply", "post_probe", "post_react"])
def test_post_targets_lead_to_the_post_on_its_topic(client, member, answer, topic_page, name):
    client.force_login(member)

    response = client.get(reverse(name, args=[answer.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{dutch_url(topic_page)}#post-{answer.pk}"


def test_the_vote_target_leads_to_the_poll_in_english_too(client, member, project_page):
    poll = TopicPageFactory(
        parent=project_page,
        response_mode=ResponseMode.POLL,
        poll_options=[PollOption(label="Ja", sort_order=0), PollOption(label="Nee", sort_order=1)],
    )
    client.force_login(member)

    with translation.override("en"):
        target = reverse("poll_vote", args=[poll.pk])
        expected = poll.get_url()
    response = client.get(target)

    assert target.startswith("/en/")
    assert response["Location"] == expected


def test_the_targets_still_hide_what_the_reader_may_not_see(client, member, project_index):
    outsider_topic = TopicPageFactory(
        parent=project_for_segments(project_index, [invite_list("Anderen", UserFactory())])
    )
    client.force_login(member)

    response = client.get(reverse("post_answer", args=[outsider_topic.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_visitors_are_asked_to_log_in_first(client, topic_page):
    response = client.get(reverse("post_answer", args=[topic_page.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("prefix", "dashboard"), [("", "/mijn/"), ("/en", "/en/my/")])
def test_parents_land_on_their_own_space_after_logging_in(client, member, prefix, dashboard):
    response = client.post(
        f"{prefix}/accounts/login/", {"login": member.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == dashboard


def test_a_login_with_a_next_address_goes_there(client, member, topic_page):
    response = client.post(
        f"/accounts/login/?next={dutch_url(topic_page)}",
        {"login": member.email, "password": TEST_PASSWORD},
    )

    assert response["Location"] == dutch_url(topic_page)
