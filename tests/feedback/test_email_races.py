"""Races (PostgreSQL): mail runs side by side send each mail once and one mail per address;
the same helpline call posted many times at once is one response, 200 each time.

Marked `races`: transactional tests, run after the others."""

import datetime
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone

from feedback.models import Contact, Invitation, MailSuppression, Response, SurveyMailRecord
from feedback.services.email_followup import email_answer_register, email_followups_send
from tests.feedback.test_webhooks import signed_post
from tests.races import RACE_MARKS, at_once

pytestmark = RACE_MARKS


def test_mail_runs_side_by_side_send_each_mail_once(staff, mailoutbox):
    past = timezone.now() - datetime.timedelta(days=4)
    for number in range(8):
        email_answer_register(
            ticket_id=f"T-{number}",
            email=f"ouder{number}@example.org",
            staff=staff,
            occurred_at=past,
        )
    # Two answers to one address: one mail between them, whichever run gets there first.
    email_answer_register(
        ticket_id="T-dup", email="ouder0@example.org", staff=staff, occurred_at=past
    )

    at_once(4, lambda index: email_followups_send())

    assert sorted(message.to[0] for message in mailoutbox) == [
        f"ouder{number}@example.org" for number in range(8)
    ]
    assert Invitation.objects.filter(mail_sent_at__isnull=False).count() == 8
    assert Invitation.objects.filter(mail_suppressed=MailSuppression.RECENTLY_SURVEYED).count() == 1
    assert SurveyMailRecord.objects.count() == 8


CALL = {
    "call_id": "CALL-RACE",
    "time": "2026-11-30T10:15:00+01:00",
    "staff_id": "KG00001",
    "digits": {"satisfaction": 2, "answered": 3},
}


@pytest.mark.parametrize("same_webhook_id", [True, False])
def test_one_call_posted_many_times_at_once_is_one_response(staff, same_webhook_id):
    def post(index: int):
        webhook_id = "msg_race" if same_webhook_id else f"msg_race_{index}"
        return signed_post(Client(), "/api/feedback/helpline-calls/", CALL, webhook_id=webhook_id)

    responses = at_once(10, post)

    assert {response.status_code for response in responses} == {HTTPStatus.OK}
    assert len({response.content for response in responses}) == 1
    assert Contact.objects.count() == Response.objects.count() == 1
