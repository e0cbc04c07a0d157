"""The signed API: a helpline call's answers, an e-mail answer to follow up and invitations in
bulk; idempotent on the webhook id and on the call, ticket or appointment id; every refusal a
JSON 4xx that says why, with nothing saved."""

import datetime
import json
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone

from feedback.models import (
    Channel,
    Contact,
    FollowUp,
    Invitation,
    QuestionAnswered,
    Response,
    WebhookMessage,
)
from feedback.services.surveys import invitation_for_token, response_record
from feedback.tokens import address_hash
from tests.feedback.test_webhooks import headers_for, signed_post

pytestmark = pytest.mark.django_db

CALLS = "/api/feedback/helpline-calls/"
EMAIL_ANSWERS = "/api/feedback/email-answers/"
INVITATIONS = "/api/feedback/invitations/"
CALL_TIME = "2026-11-30T10:15:00+01:00"


def call(**fields) -> dict:
    return {
        "call_id": "CALL-7",
        "time": CALL_TIME,
        "staff_id": "KG00001",
        "digits": {"satisfaction": 4, "answered": 1},
        **fields,
    }


def email_answer(**fields) -> dict:
    return {
        "ticket_id": "T-100",
        "time": CALL_TIME,
        "staff_id": "KG00001",
        "email": "ouder@example.org",
        **fields,
    }


@pytest.fixture
def api():
    """A client that would refuse any request without a CSRF token, as browsers are."""
    return Client(enforce_csrf_checks=True)


# --- helpline calls ---


def test_a_signed_call_records_its_contact_and_response(api, staff):
    response = signed_post(api, CALLS, call())

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "status": "recorded",
        "call_id": "CALL-7",
        "score": 4,
        "question_answered": "yes",
    }
    contact = Contact.objects.get()
    assert (contact.channel, contact.external_reference, contact.staff) == (
        Channel.HELPLINE,
        "CALL-7",
        staff,
    )
    assert contact.occurred_at == datetime.datetime(2026, 11, 30, 9, 15, tzinfo=datetime.UTC)
    answer = Response.objects.get()
    assert (answer.score, answer.question_answered, answer.team) == (4, "yes", staff.team)
    assert "sessionid" not in response.cookies
    assert WebhookMessage.objects.get().contact == contact


@pytest.mark.parametrize(
    "digits,answered",
    [
        ({"satisfaction": 5}, ""),
        ({"satisfaction": "3", "answered": "2"}, QuestionAnswered.PARTLY),
        ({"satisfaction": 2, "answered": 3}, QuestionAnswered.NO),
        ({"satisfaction": 5, "answered": None}, ""),
    ],
)
def test_the_answered_digit_is_optional_and_may_be_a_string(api, staff, digits, answered):
    response = signed_post(api, CALLS, call(digits=digits))

    assert response.status_code == HTTPStatus.OK
    assert Response.objects.get().question_answered == answered
    assert response.json()["question_answered"] == (answered or None)


def test_a_low_score_opens_a_follow_up_for_the_team_lead(api, staff):
    signed_post(api, CALLS, call(digits={"satisfaction": 1}))

    follow_up = FollowUp.objects.get()
    assert follow_up.response == Response.objects.get()
    assert follow_up.team == staff.team


def test_the_same_message_twice_gives_one_response_and_the_same_answer(api, staff):
    first = signed_post(api, CALLS, call(), webhook_id="msg_same")
    second = signed_post(api, CALLS, call(), webhook_id="msg_same")

    assert first.status_code == second.status_code == HTTPStatus.OK
    assert first.json() == second.json()
    assert Response.objects.count() == Contact.objects.count() == 1
    assert WebhookMessage.objects.count() == 1


def test_a_retried_message_is_answered_as_the_first_time_even_if_staff_left(api, staff):
    first = signed_post(api, CALLS, call(), webhook_id="msg_same")
    staff.staff_number = "KG99999"
    staff.save()

    second = signed_post(api, CALLS, call(), webhook_id="msg_same")

    assert second.status_code == HTTPStatus.OK
    assert second.json() == first.json()


def test_the_same_call_under_two_webhook_ids_is_one_response(api, staff):
    first = signed_post(api, CALLS, call(), webhook_id="msg_a")
    second = signed_post(api, CALLS, call(digits={"satisfaction": 1}), webhook_id="msg_b")

    assert first.status_code == second.status_code == HTTPStatus.OK
    assert first.json() == second.json()
    assert Response.objects.get().score == 4
    assert not FollowUp.objects.exists()
    assert {message.contact for message in WebhookMessage.objects.all()} == {Contact.objects.get()}


def test_malformed_json_is_a_400(api, staff):
    for body in (b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe"):
        response = signed_post(api, CALLS, body)

        assert response.status_code == HTTPStatus.BAD_REQUEST, body
        assert response.json()["error"] == "malformed_json"
    assert not Contact.objects.exists()


def test_missing_fields_are_a_400_with_an_error_per_field(api, staff):
    response = signed_post(api, CALLS, {})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert body["error"] == "invalid_fields"
    assert set(body["errors"]) == {"call_id", "time", "staff_id", "digits"}
    assert body["errors"]["call_id"][0]["code"] == "required"
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "fields,field,code",
    [
        ({"time": "yesterday"}, "time", "invalid"),
        ({"time": "2999-01-01T00:00:00+00:00"}, "time", "future"),
        ({"call_id": 12345}, "call_id", "not_a_string"),
        ({"call_id": "x" * 101}, "call_id", "max_length"),
        ({"staff_id": ["KG00001"]}, "staff_id", "not_a_string"),
        ({"digits": [4, 1]}, "digits", "required"),
    ],
)
def test_badly_formed_fields_are_a_400(api, staff, fields, field, code):
    response = signed_post(api, CALLS, call(**fields))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][field][0]["code"] == code
    assert not Contact.objects.exists()


def test_an_unknown_staff_id_is_a_422(api, staff):
    response = signed_post(api, CALLS, call(staff_id="KG404"))

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    body = response.json()
    assert body["error"] == "unknown_staff"
    assert body["errors"]["staff_id"][0]["code"] == "unknown"
    assert not Contact.objects.exists()
    assert not WebhookMessage.objects.exists()


@pytest.mark.parametrize(
    "digits,field",
    [
        ({"satisfaction": 0}, "digits.satisfaction"),
        ({"satisfaction": 6}, "digits.satisfaction"),
        ({"satisfaction": "x"}, "digits.satisfaction"),
        ({"satisfaction": True}, "digits.satisfaction"),
        ({"satisfaction": 4.5}, "digits.satisfaction"),
        ({"answered": 1}, "digits.satisfaction"),
        ({"satisfaction": 4, "answered": 4}, "digits.answered"),
        ({"satisfaction": 4, "satisfation": 4}, "digits.satisfation"),
    ],
)
def test_bad_digits_are_a_422(api, staff, digits, field):
    response = signed_post(api, CALLS, call(digits=digits))

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    body = response.json()
    assert body["error"] == "invalid_digits"
    assert field in body["errors"]
    assert not Contact.objects.exists()


def test_a_body_over_64_kb_is_a_413(api, staff):
    response = signed_post(api, CALLS, call(padding="x" * 70_000))

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.json()["error"] == "too_large"
    assert not Contact.objects.exists()


def test_an_announced_length_over_the_limit_is_a_413_before_reading(api, staff):
    body = json.dumps(call()).encode()
    response = api.generic(
        "POST",
        CALLS,
        body,
        content_type="application/json",
        headers=headers_for(body),
        CONTENT_LENGTH="1000000",
    )

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_other_methods_are_a_405(api, method):
    response = getattr(api, method)(CALLS)

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "POST"
    assert response.json()["error"] == "method_not_allowed"


# --- e-mail answers ---


def test_an_e_mail_answer_schedules_its_mail_three_days_later(api, staff):
    response = signed_post(api, EMAIL_ANSWERS, email_answer())

    assert response.status_code == HTTPStatus.OK
    invitation = Invitation.objects.select_related("contact").get()
    contact = invitation.contact
    assert (contact.channel, contact.external_reference, contact.email) == (
        Channel.EMAIL,
        "T-100",
        "ouder@example.org",
    )
    assert invitation.mail_due_at == contact.occurred_at + datetime.timedelta(days=3)
    assert invitation.address_hash == address_hash("ouder@example.org")
    assert invitation.mail_sent_at is None
    assert response.json() == {
        "status": "scheduled",
        "ticket_id": "T-100",
        "mail_due_at": "2026-12-03T09:15:00+00:00",
    }


def test_the_delay_is_a_setting(api, staff, settings):
    settings.FEEDBACK_EMAIL_DELAY_DAYS = 5

    signed_post(api, EMAIL_ANSWERS, email_answer())

    invitation = Invitation.objects.select_related("contact").get()
    assert invitation.mail_due_at - invitation.contact.occurred_at == datetime.timedelta(days=5)


def test_an_e_mail_answer_is_idempotent_on_webhook_id_and_ticket(api, staff):
    first = signed_post(api, EMAIL_ANSWERS, email_answer(), webhook_id="msg_1")
    replay = signed_post(api, EMAIL_ANSWERS, email_answer(), webhook_id="msg_1")
    again = signed_post(
        api, EMAIL_ANSWERS, email_answer(email="ander@example.org"), webhook_id="msg_2"
    )

    assert first.status_code == replay.status_code == again.status_code == HTTPStatus.OK
    assert first.json() == replay.json() == again.json()
    assert Invitation.objects.count() == Contact.objects.count() == 1
    assert Contact.objects.get().email == "ouder@example.org"


@pytest.mark.parametrize(
    "fields,status,field",
    [
        ({"email": "not an address"}, HTTPStatus.BAD_REQUEST, "email"),
        ({"email": None}, HTTPStatus.BAD_REQUEST, "email"),
        ({"ticket_id": ""}, HTTPStatus.BAD_REQUEST, "ticket_id"),
        ({"staff_id": "KG404"}, HTTPStatus.UNPROCESSABLE_ENTITY, "staff_id"),
    ],
)
def test_a_bad_e_mail_answer_is_refused_with_nothing_saved(api, staff, fields, status, field):
    response = signed_post(api, EMAIL_ANSWERS, email_answer(**fields))

    assert response.status_code == status
    assert field in response.json()["errors"]
    assert not Contact.objects.exists()


# --- invitations in bulk ---


def bulk(*references: str, channel: str = Channel.CONSULTATION, staff_id: str = "KG00001"):
    return {
        "contacts": [
            {"channel": channel, "time": CALL_TIME, "staff_id": staff_id, "reference": ref}
            for ref in references
        ]
    }


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def test_bulk_invitations_answer_each_link_once(api, staff, colleague):
    payload = bulk("A-1", "A-2")
    payload["contacts"].append(
        {"channel": "home_visit", "time": CALL_TIME, "staff_id": "KG00002", "reference": "H-1"}
    )

    response = signed_post(api, INVITATIONS, payload)

    assert response.status_code == HTTPStatus.OK
    rows = response.json()["invitations"]
    assert [(row["reference"], row["status"]) for row in rows] == [
        ("A-1", "created"),
        ("A-2", "created"),
        ("H-1", "created"),
    ]
    for row in rows:
        assert "/f/" in row["url"]
        invitation = invitation_for_token(token_of(row["url"]))
        assert invitation.contact.external_reference == row["reference"]
    assert Contact.objects.get(external_reference="H-1").staff == colleague


def test_a_known_reference_answers_exists_without_a_new_link(api, staff):
    first = signed_post(api, INVITATIONS, bulk("A-1"), webhook_id="msg_1")
    token = token_of(first.json()["invitations"][0]["url"])

    second = signed_post(api, INVITATIONS, bulk("A-1", "A-2"), webhook_id="msg_2")

    rows = second.json()["invitations"]
    assert [(row["status"], row["url"] is None) for row in rows] == [
        ("exists", True),
        ("created", False),
    ]
    assert invitation_for_token(token) is not None  # the first link still works
    assert Invitation.objects.count() == 2


def test_reissue_gives_an_unanswered_reference_a_new_link(api, staff):
    first = signed_post(api, INVITATIONS, bulk("A-1", "A-2"), webhook_id="msg_1")
    old_tokens = [token_of(row["url"]) for row in first.json()["invitations"]]
    response_record(contact=Contact.objects.get(external_reference="A-2"), score=5)

    again = signed_post(api, INVITATIONS, {**bulk("A-1", "A-2"), "reissue": True}, webhook_id="m2")

    rows = again.json()["invitations"]
    assert [row["status"] for row in rows] == ["reissued", "exists"]
    assert invitation_for_token(old_tokens[0]) is None
    assert invitation_for_token(token_of(rows[0]["url"])).contact.external_reference == "A-1"


def test_bulk_is_all_or_nothing_when_a_staff_id_is_unknown(api, staff):
    payload = bulk("A-1", "A-2")
    payload["contacts"][1]["staff_id"] = "KG404"

    response = signed_post(api, INVITATIONS, payload)

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert set(response.json()["errors"]) == {"contacts[1].staff_id"}
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"contacts": []}, "contacts"),
        ({"contacts": "A-1"}, "contacts"),
        (bulk(*[f"A-{n}" for n in range(501)]), "contacts"),
        (bulk("A-1", channel=Channel.HELPLINE), "contacts[0].channel"),
        (bulk("A-1", "A-1"), "contacts[1].reference"),
        ({"contacts": [42]}, "contacts[0]"),
        ({**bulk("A-1"), "reissue": "yes"}, "reissue"),
    ],
)
def test_a_bad_bulk_request_is_a_400_with_nothing_saved(api, staff, payload, field):
    response = signed_post(api, INVITATIONS, payload)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()["errors"]
    assert not Contact.objects.exists()


def test_a_bulk_contact_time_keeps_its_offset(api, staff):
    signed_post(api, INVITATIONS, bulk("A-1"))

    contact = Contact.objects.get()
    assert contact.occurred_at == datetime.datetime(2026, 11, 30, 9, 15, tzinfo=datetime.UTC)
    assert contact.invitation.expires_at > timezone.now()
