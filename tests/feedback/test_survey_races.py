"""Races: one survey link sent 20 times at once stores one response, and every sender gets
the thank-you page, never an error (PostgreSQL; the contact's one-to-one response decides).

Marked `races`: `make test` runs them after the others, because a transactional test empties
the database after it."""

import threading
import uuid
from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import reverse

from community.models import Notification, NotificationKind
from feedback.models import Channel, Contact, FollowUp, Invitation, Response
from feedback.services.surveys import response_record
from feedback.tasks.followups import follow_up_open_task
from tests.conftest import login_with_two_factor
from tests.feedback.factories import invited_contact

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="races are tested on PostgreSQL; SQLite runs one writer at a time",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.races,
]


def post_at_once(url: str, data: dict, count: int, cookies=None) -> list:
    """`count` POSTs, each from its own client and database connection, let go together
    (with `cookies`: all in one signed-in session, as a double tap on one phone)."""
    start = threading.Barrier(count)
    responses: list = [None] * count
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            client = Client(raise_request_exception=False)
            if cookies is not None:
                client.cookies = cookies
            start.wait(timeout=60)
            responses[index] = client.post(url, data)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    return responses


def test_twenty_submits_of_one_link_at_once_store_one_response(staff):
    contact, token = invited_contact(staff)
    url = reverse("feedback_survey", kwargs={"token": token})

    responses = post_at_once(url, {"score": "1", "comment": "Twintig keer"}, 20)

    assert {response.status_code for response in responses} == {HTTPStatus.FOUND}
    assert {response["Location"] for response in responses} == {reverse("feedback_survey_thanks")}
    assert Response.objects.filter(contact=contact).count() == 1
    # The low score opened its one follow-up item with the one response.
    assert FollowUp.objects.count() == 1


def test_two_workers_running_one_follow_up_task_at_once_open_one_item(settings, staff, team_lead):
    """A task retried while its first run is still going: one item, one notification."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    contact, _token = invited_contact(staff)
    response = response_record(contact=contact, score=1)
    start = threading.Barrier(2)
    opened: list = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=60)
            opened.append(follow_up_open_task.call(response.pk))
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not failures, failures
    follow_up = FollowUp.objects.get(response=response)
    assert opened == [follow_up.pk, follow_up.pk]
    assert follow_up.events.count() == 1
    assert (
        Notification.objects.filter(
            recipient=team_lead, kind=NotificationKind.FEEDBACK_FOLLOW_UP
        ).count()
        == 1
    )


def test_five_taps_at_once_on_the_staff_page_make_one_contact(staff_member):
    client = Client()
    login_with_two_factor(client, staff_member)
    sent = {"channel": Channel.CONSULTATION, "submission_key": str(uuid.uuid4())}
    url = reverse("feedback_staff_invitation")

    responses = post_at_once(url, sent, 5, cookies=client.cookies)

    assert {response.status_code for response in responses} == {HTTPStatus.OK}
    assert all(b"data-qr-code" in response.content for response in responses)
    assert Contact.objects.count() == 1
    assert Invitation.objects.count() == 1
