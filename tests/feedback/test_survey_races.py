"""Races: one survey link sent 20 times at once stores one response, and every sender gets
the thank-you page, never an error (PostgreSQL; the contact's one-to-one response decides).

Marked `races`: `make test` runs them after the others, because a transactional test empties
the database after it."""

import uuid
from http import HTTPStatus

from django.test import Client
from django.urls import reverse

from feedback.models import Channel, Contact, FollowUp, Invitation, Response
from feedback.services.surveys import response_record
from feedback.tasks.followups import follow_up_open_task
from tests.conftest import login_with_two_factor
from tests.feedback.factories import follow_up_notices, invited_contact
from tests.races import RACE_MARKS, at_once

pytestmark = RACE_MARKS


def post_at_once(url: str, data: dict, count: int, cookies=None) -> list:
    """`count` POSTs, each from its own client and database connection, let go together
    (with `cookies`: all in one signed-in session, as a double tap on one phone)."""

    def client(index: int) -> Client:
        client = Client(raise_request_exception=False)
        if cookies is not None:
            client.cookies = cookies
        return client

    return at_once(count, lambda client: client.post(url, data), prepare=client)


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
    opened = at_once(2, lambda index: follow_up_open_task.call(response.pk))

    follow_up = FollowUp.objects.get(response=response)
    assert opened == [follow_up.pk, follow_up.pk]
    assert follow_up.events.count() == 1
    assert follow_up_notices(team_lead) == 1


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
