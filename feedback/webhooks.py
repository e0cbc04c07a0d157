"""Standard Webhooks (standardwebhooks.com, specification 1.0.0): is a request from the contact
centre or the e-mail desk signed with our shared secret, and recent?

A request carries three headers: `webhook-id` (the message's unique id, the same on every
retry), `webhook-timestamp` (Unix seconds of this attempt) and `webhook-signature`: one or
more space-separated "v1,<base64 signature>", each an HMAC-SHA256 of
"{webhook-id}.{webhook-timestamp}.{raw body}" keyed with the secret's bytes (the base64 after
"whsec_"). Several signatures let the sender rotate its secret without downtime; several
secrets in FEEDBACK_WEBHOOK_SECRET (space-separated) let us accept the old one for a while.

The signature is checked before anything else is believed, with a constant-time comparison.
A timestamp more than 5 minutes off, in the past or the future, is refused, so a captured
request cannot be replayed later; a replay within the window repeats a webhook id, which the
API answers as the first time without doing anything twice.
"""

import base64
import binascii
import hashlib
import hmac
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings

SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
TOLERANCE_SECONDS = 5 * 60
# The id and the timestamp are joined to the body with full stops: neither may hold one.
WEBHOOK_ID_PATTERN = re.compile(r"^[A-Za-z0-9_:\-]{1,255}$")
TIMESTAMP_PATTERN = re.compile(r"^[0-9]{1,12}$")


class WebhookError(Exception):
    """A request the API refuses before reading it; `code` and `message` go in the answer."""

    status = HTTPStatus.UNAUTHORIZED
    code = "invalid_signature"
    message = "No signature matches the request."


class MissingHeaders(WebhookError):
    code = "missing_signature"
    message = "The webhook-id, webhook-timestamp and webhook-signature headers are required."


class InvalidSignature(WebhookError):
    pass


class InvalidHeaders(WebhookError):
    status = HTTPStatus.BAD_REQUEST
    code = "invalid_headers"
    message = (
        "webhook-id must be 1 to 255 letters, digits, '_', ':' or '-', and webhook-timestamp "
        "a whole number of seconds since 1970."
    )


class StaleTimestamp(WebhookError):
    status = HTTPStatus.BAD_REQUEST
    code = "stale_timestamp"
    message = "webhook-timestamp is more than 5 minutes away from our clock."


class NotConfigured(WebhookError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    code = "not_configured"
    message = "This API is not configured on this server."


@dataclass(frozen=True)
class VerifiedMessage:
    webhook_id: str
    timestamp: int


def webhook_secret_keys(secrets: str) -> list[bytes]:
    """The keys of space-separated "whsec_<base64>" secrets (the prefix may be left out)."""
    keys = []
    for secret in secrets.split():
        encoded = secret.removeprefix(SECRET_PREFIX)
        try:
            key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except binascii.Error as error:
            raise NotConfigured("FEEDBACK_WEBHOOK_SECRET is not base64.") from error
        if key:
            keys.append(key)
    return keys


def _signature(key: bytes, webhook_id: str, timestamp: str, body: bytes) -> bytes:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return hmac.new(key, signed, hashlib.sha256).digest()


def webhook_sign(*, secret: str, webhook_id: str, timestamp: int | str, body: bytes) -> str:
    """The `webhook-signature` value for a message (the sender's side: tests and examples)."""
    key = webhook_secret_keys(secret)[0]
    digest = _signature(key, webhook_id, str(timestamp), body)
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


def _signatures_given(header: str) -> list[bytes]:
    given = []
    for item in header.split():
        version, _comma, encoded = item.partition(",")
        if version != SIGNATURE_VERSION:
            continue  # another scheme (v1a: asymmetric) or a later version
        try:
            given.append(base64.b64decode(encoded, validate=True))
        except binascii.Error:
            continue
    return given


def webhook_verify(
    *,
    headers: Mapping[str, str],
    body: bytes,
    secrets: str | None = None,
    now: float | None = None,
) -> VerifiedMessage:
    """Check a request's Standard Webhooks headers against its raw body; raises a WebhookError
    (missing or malformed headers, no matching signature, a stale timestamp) or returns the
    message's id and timestamp. `secrets` defaults to FEEDBACK_WEBHOOK_SECRET."""
    keys = webhook_secret_keys(settings.FEEDBACK_WEBHOOK_SECRET if secrets is None else secrets)
    if not keys:
        raise NotConfigured
    webhook_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    signature_header = headers.get("webhook-signature", "")
    if not (webhook_id and timestamp and signature_header):
        raise MissingHeaders
    if not (WEBHOOK_ID_PATTERN.match(webhook_id) and TIMESTAMP_PATTERN.match(timestamp)):
        raise InvalidHeaders
    expected = [_signature(key, webhook_id, timestamp, body) for key in keys]
    given = _signatures_given(signature_header)
    # Every pair is compared, so the time taken does not tell which one matched.
    matches = [hmac.compare_digest(e, g) for e in expected for g in given]
    if not any(matches):
        raise InvalidSignature
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        raise StaleTimestamp
    return VerifiedMessage(webhook_id=webhook_id, timestamp=int(timestamp))
