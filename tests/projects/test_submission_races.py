"""Races: the same form sent many times at once makes one row and never a 500 (PostgreSQL).

Marked `races`: `make test` runs them after the others, with the browser tests, because a
transactional test empties the database after it."""

import re
import threading
import uuid
from collections.abc import Callable
from http import HTTPStatus

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from projects.models import Flag, FlagReason, PollVote, Post
from tests.conftest import dutch_url
from tests.projects.factories import post_write
from tests.projects.test_submissions import answer_url, messages_of, nl, poll_topic, react
from tests.races import ON_POSTGRESQL, at_once

KEY_INPUT = re.compile(r'name="submission_key" value="([^"]*)"')
THANK_YOU = "Thank you, your post is online."

pytestmark = [pytest.mark.django_db, pytest.mark.races]


# --- many at once ---


def at_once_as(user, count: int, send: Callable[[Client], HttpResponse]) -> list[HttpResponse]:
    """`count` requests by `user`, each from its own signed-in client, let go at once."""

    def signed_in(index: int) -> Client:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        return client

    return at_once(count, send, prepare=signed_in)


def concurrently(test):
    """Races need PostgreSQL: SQLite runs one writer at a time, and under pytest-xdist the flush
    after a transactional test on its in-memory database left the worker's next tests without
    the page tree."""
    return ON_POSTGRESQL(pytest.mark.django_db(transaction=True, serialized_rollback=True)(test))


@concurrently
def test_twenty_identical_answers_at_once_make_one_post(parent, topic_page):
    sent = {"text": "Eén keer, ook bij twintig klikken", "submission_key": str(uuid.uuid4())}

    responses = at_once_as(parent, 20, lambda client: client.post(answer_url(topic_page), sent))

    post = Post.objects.get()
    assert {response.status_code for response in responses} == {HTTPStatus.FOUND}
    assert {response["Location"] for response in responses} == {
        f"{dutch_url(topic_page)}#post-{post.pk}"
    }


@concurrently
def test_twenty_reactions_at_once_never_fail(parent, other_parent, topic_page):
    post = post_write(topic_page, other_parent, "Herkenbaar?")

    wanted = at_once_as(parent, 20, lambda client: react(client, post, "1"))
    toggled = at_once_as(parent, 20, lambda client: react(client, post))

    assert {response.status_code for response in wanted + toggled} == {HTTPStatus.FOUND}
    assert post.reactions.count() in (0, 1)
    assert at_once_as(parent, 2, lambda client: react(client, post, "1"))
    assert post.reactions.count() == 1


@concurrently
def test_two_votes_at_once_count_one_and_tell_the_other(parent, project_page):
    topic = poll_topic(project_page)
    options = list(topic.poll_options.order_by("sort_order"))
    turn = iter(options)
    lock = threading.Lock()

    def vote(client: Client) -> HttpResponse:
        with lock:
            option = next(turn)
        return client.post(reverse("poll_vote", args=[topic.pk]), {"options": str(option.pk)})

    responses = at_once_as(parent, 2, vote)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [HTTPStatus.FOUND, HTTPStatus.BAD_REQUEST]
    refused = next(r for r in responses if r.status_code == HTTPStatus.BAD_REQUEST)
    assert nl("You already voted in this poll.") in refused.content.decode()
    assert PollVote.objects.filter(user=parent).count() == 1


@concurrently
def test_the_same_report_twice_at_once_is_one_flag_and_thanks_twice(
    parent, other_parent, topic_page
):
    post = post_write(topic_page, other_parent, "Reclame")
    url = reverse("post_flag", args=[post.pk])

    responses = at_once_as(parent, 2, lambda client: client.post(url, {"reason": FlagReason.SPAM}))

    assert [response.status_code for response in responses] == [HTTPStatus.FOUND] * 2
    thanks = nl("Thank you. A moderator will look at this post soon.")
    assert all(messages_of(response) == [thanks] for response in responses)
    assert Flag.objects.count() == 1
