"""Standard Webhooks signatures: the specification's example, several signatures, a secret
rotation, the 5-minute window either way, and how the API answers each refusal."""

import base64
import json
import time
from http import HTTPStatus

import pytest
from django.conf import settings

from feedback.models import Contact
from feedback.webhooks import (
    InvalidHeaders,
    InvalidSignature,
    MissingHeaders,
    NotConfigured,
    StaleTimestamp,
    webhook_sign,
    webhook_verify,
)

BODY = b'{"call_id": "C-1"}'
NOW = 1_800_000_000
OLD_SECRET = "whsec_" + base64.b64encode(b"an-old-secret-of-24-bytes-or-more").decode()
HELPLINE_URL = "/api/feedback/helpline-calls/"


def headers_for(
    body: bytes,
    *,
    webhook_id: str = "msg_1",
    timestamp: int | None = None,
    secret: str | None = None,
) -> dict[str, str]:
    """Headers as a Standard Webhooks sender makes them (timestamp: now by default)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = webhook_sign(
        secret=secret or settings.FEEDBACK_WEBHOOK_SECRET,
        webhook_id=webhook_id,
        timestamp=timestamp,
        body=body,
    )
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


def signed_post(client, path: str, payload, *, webhook_id: str = "msg_1", **signing):
    """POST `payload` (an object as JSON, or raw bytes) signed as the contact centre does."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = headers_for(body, webhook_id=webhook_id, **signing)
    return client.post(path, data=body, content_type="application/json", headers=headers)


def verify(headers: dict[str, str], body: bytes = BODY, now: float = NOW, **kwargs):
    return webhook_verify(headers=headers, body=body, now=now, **kwargs)


# --- the scheme ---


def test_the_specifications_example_signs_as_the_reference_library():
    """The test vector of the reference implementation (standard-webhooks, libraries/python,
    test_sign_function)."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    headers = {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }
    body = b'{"test": 2432232314}'

    signature = webhook_sign(
        secret=secret, webhook_id=headers["webhook-id"], timestamp=1614265330, body=body
    )

    assert signature == headers["webhook-signature"]
    message = webhook_verify(headers=headers, body=body, secrets=secret, now=1614265330)
    assert message.webhook_id == "msg_p5jXN8AQM9LWM0D4loKWxJek"
    # The secret without its "whsec_" prefix is the same key.
    webhook_verify(headers=headers, body=body, secrets=secret[6:], now=1614265330)


def test_a_valid_signature_gives_the_message_id_and_time():
    message = verify(headers_for(BODY, webhook_id="msg_abc", timestamp=NOW))

    assert (message.webhook_id, message.timestamp) == ("msg_abc", NOW)


def test_a_changed_body_or_id_breaks_the_signature():
    headers = headers_for(BODY, timestamp=NOW)

    with pytest.raises(InvalidSignature):
        verify(headers, body=BODY.replace(b"C-1", b"C-2"))
    with pytest.raises(InvalidSignature):
        verify({**headers, "webhook-id": "msg_2"})


def test_a_signature_with_another_secret_is_refused():
    with pytest.raises(InvalidSignature):
        verify(headers_for(BODY, timestamp=NOW, secret=OLD_SECRET))


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_each_header_is_required(missing):
    headers = headers_for(BODY, timestamp=NOW)
    del headers[missing]

    with pytest.raises(MissingHeaders):
        verify(headers)


def test_one_matching_signature_among_several_is_enough():
    valid = headers_for(BODY, timestamp=NOW)["webhook-signature"]
    other = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
    headers = headers_for(BODY, timestamp=NOW)
    headers["webhook-signature"] = " ".join(
        [other, "v1a,hnO3f9T8Ytu9HwrXslvumlU=", "v2," + valid[3:], "v1,not-base64!", valid]
    )

    assert verify(headers).webhook_id == "msg_1"


def test_only_other_versions_of_a_valid_signature_are_refused():
    headers = headers_for(BODY, timestamp=NOW)
    headers["webhook-signature"] = headers["webhook-signature"].replace("v1,", "v1a,")

    with pytest.raises(InvalidSignature):
        verify(headers)


def test_the_sender_rotates_its_secret_by_signing_with_both():
    new = headers_for(BODY, timestamp=NOW)["webhook-signature"]
    old = headers_for(BODY, timestamp=NOW, secret=OLD_SECRET)["webhook-signature"]
    headers = {**headers_for(BODY, timestamp=NOW), "webhook-signature": f"{old} {new}"}

    assert verify(headers).webhook_id == "msg_1"


def test_we_rotate_ours_by_accepting_the_old_secret_for_a_while():
    signed_with_old = headers_for(BODY, timestamp=NOW, secret=OLD_SECRET)
    both = f"{settings.FEEDBACK_WEBHOOK_SECRET} {OLD_SECRET}"

    assert verify(signed_with_old, secrets=both).webhook_id == "msg_1"
    with pytest.raises(InvalidSignature):
        verify(signed_with_old, secrets=settings.FEEDBACK_WEBHOOK_SECRET)


@pytest.mark.parametrize("offset", [-300, -1, 0, 1, 300])
def test_timestamps_within_five_minutes_either_way_pass(offset):
    assert verify(headers_for(BODY, timestamp=NOW + offset)).timestamp == NOW + offset


@pytest.mark.parametrize("offset", [-301, 301, -86400])
def test_timestamps_more_than_five_minutes_off_are_refused(offset):
    with pytest.raises(StaleTimestamp):
        verify(headers_for(BODY, timestamp=NOW + offset))


def test_the_signature_is_checked_before_the_timestamp():
    headers = headers_for(BODY, timestamp=NOW - 3600, secret=OLD_SECRET)

    with pytest.raises(InvalidSignature):
        verify(headers)


@pytest.mark.parametrize(
    "header,value",
    [
        ("webhook-timestamp", "hello"),
        ("webhook-timestamp", "1800000000.5"),
        ("webhook-id", "msg.1"),
        ("webhook-id", "x" * 256),
    ],
)
def test_malformed_headers_are_refused(header, value):
    headers = {**headers_for(BODY, timestamp=NOW), header: value}

    with pytest.raises(InvalidHeaders):
        verify(headers)


@pytest.mark.parametrize("secrets", ["", "   "])
def test_without_a_secret_nothing_is_accepted(secrets):
    with pytest.raises(NotConfigured):
        verify(headers_for(BODY, timestamp=NOW), secrets=secrets)


# --- how the API answers ---

CALL = {
    "call_id": "C-1",
    "time": "2026-11-30T10:15:00+01:00",
    "staff_id": "KG00001",
    "digits": {"satisfaction": 4},
}


@pytest.mark.django_db
def test_the_api_answers_401_without_a_signature(client):
    response = client.post(HELPLINE_URL, data=CALL, content_type="application/json")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["error"] == "missing_signature"
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_the_api_answers_401_to_a_wrong_signature(client, staff):
    response = signed_post(client, HELPLINE_URL, CALL, secret=OLD_SECRET)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["error"] == "invalid_signature"
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_the_api_answers_400_to_a_stale_timestamp(client, staff):
    response = signed_post(client, HELPLINE_URL, CALL, timestamp=int(time.time()) - 301)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"] == "stale_timestamp"
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_the_api_answers_503_when_no_secret_is_configured(client, staff, settings):
    body = json.dumps(CALL).encode()
    headers = headers_for(body)
    settings.FEEDBACK_WEBHOOK_SECRET = ""

    response = client.post(
        HELPLINE_URL, data=body, content_type="application/json", headers=headers
    )

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["error"] == "not_configured"
