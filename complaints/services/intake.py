"""Complaints as they come in: sent with the public form, or registered by a complaints officer
for one received by phone, letter, e-mail or at a desk.

One form sent is one complaint: the form carries a one-time submission key
(projects.submission), stored on the complaint and unique in the database. A double click, a
resubmit or twenty requests at once make one complaint, and each of them gets the first one's
receipt. The status-link token exists only when the complaint is made (the database keeps its
hash), so the receipt is kept for a few minutes in the cache, encrypted with the submission
key that only the sender's page holds: a twin request can show the same link, a reader of the
cache cannot.

Everything is one transaction: the complaint, its attachments and their audit lines; when any
of it fails there is no complaint and no file left on disk. The receipt mail goes after the
commit, straight from this process: a queued task would store the token in the task table.
"""

import base64
import contextlib
import datetime
import hashlib
import hmac
import ipaddress
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from community.models import User
from complaints.models import (
    ACKNOWLEDGE_WITHIN_DAYS,
    ANSWER_WITHIN_DAYS,
    Complaint,
    ComplaintChannel,
)
from complaints.rules import can_register_complaint
from complaints.services.attachments import (
    CheckedFile,
    attachment_files_discard,
    attachments_store,
)
from complaints.services.register import complaint_receive

logger = logging.getLogger(__name__)

# Spam protection of the public form: complaints received per client address per hour and per
# e-mail address per day. Counted in Django's cache (Redis in production: shared by every web
# process); while the cache is down the limits let everyone through. Not allauth's rate limits:
# their public function reads only ACCOUNT_RATE_LIMITS (and is marked for deprecation), and
# the rest is allauth's internal API; the client address is read as allauth reads it.
RATE_LIMIT_PER_IP = (5, 60 * 60)
RATE_LIMIT_PER_ADDRESS = (3, 24 * 60 * 60)
# How long a twin request (double click, resubmit) can still show the status link.
RECEIPT_KEPT_SECONDS = 15 * 60


@dataclass(frozen=True)
class Receipt:
    """What the parent sees after sending: the reference, the status-link token (None when a
    later resubmit can no longer show it) and whether the receipt went by e-mail."""

    reference: str
    token: str | None
    language: str
    emailed: bool

    def status_path(self) -> str | None:
        """The status page's address in the complaint's language, or None without a token."""
        if not self.token:
            return None
        with translation.override(self.language):
            return reverse("complaint_status", kwargs={"token": self.token})

    def as_dict(self) -> dict:
        return asdict(self)


# --- rate limits ---


def _client_key(kind: str, value: str) -> str:
    """A cache key that holds no address: a keyed hash of the IP or e-mail address."""
    secret = f"complaints-rate:{settings.SECRET_KEY}".encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def _network(ip: str) -> str:
    """IPv6 clients are counted per /64: one home or phone network, as allauth counts them."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False).network_address)
    return ip


def _rate_keys(*, ip: str, email: str) -> list[tuple[str, int, int]]:
    """(cache key, limit, period) of each counter that applies: fixed windows of the period."""
    now = int(time.time())
    keys = []
    if ip:
        limit, period = RATE_LIMIT_PER_IP
        keys.append(
            (f"complaints:rl:ip:{_client_key('ip', _network(ip))}:{now // period}", limit, period)
        )
    if email:
        limit, period = RATE_LIMIT_PER_ADDRESS
        address = _client_key("email", email.strip().lower())
        keys.append((f"complaints:rl:email:{address}:{now // period}", limit, period))
    return keys


def complaint_rate_limited(*, ip: str, email: str = "") -> bool:
    """Whether this client address or e-mail address sent its share of complaints already."""
    keys = _rate_keys(ip=ip, email=email)
    counts = cache.get_many([key for key, _limit, _period in keys])
    return any(counts.get(key, 0) >= limit for key, limit, _period in keys)


def complaint_rate_count(*, ip: str, email: str = "") -> None:
    """Count one complaint (or one caught by the honeypot) against the address and e-mail."""
    for key, _limit, period in _rate_keys(ip=ip, email=email):
        cache.add(key, 0, timeout=period)
        # Expired between add and incr, or the cache is unreachable: not counted.
        with contextlib.suppress(ValueError):
            cache.incr(key)


# --- the receipt of a submission key ---


def _receipt_cache_key(submission_key: uuid.UUID) -> str:
    return f"complaints:receipt:{hashlib.sha256(submission_key.bytes).hexdigest()}"


def _receipt_seal(submission_key: uuid.UUID, data: bytes) -> bytes:
    """`data` XOR a key stream drawn from the submission key: sealing and opening alike."""
    stream = hashlib.shake_256(b"complaints-receipt:" + submission_key.bytes).digest(len(data))
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def _receipt_keep(submission_key: uuid.UUID, token: str) -> None:
    sealed = _receipt_seal(submission_key, token.encode())
    cache.set(
        _receipt_cache_key(submission_key),
        base64.b64encode(sealed).decode(),
        timeout=RECEIPT_KEPT_SECONDS,
    )


def _receipt_token(submission_key: uuid.UUID) -> str | None:
    sealed = cache.get(_receipt_cache_key(submission_key))
    if not sealed:
        return None
    return _receipt_seal(submission_key, base64.b64decode(sealed)).decode()


def receipt_of_submission(*, submission_key: uuid.UUID) -> Receipt | None:
    """The receipt of the complaint this form (its key) made before, if it made one."""
    complaint = (
        Complaint.objects.filter(submission_key=submission_key)
        .only("reference", "language", "email")
        .first()
    )
    if complaint is None:
        return None
    return Receipt(
        reference=complaint.reference,
        token=_receipt_token(submission_key),
        language=complaint.language,
        emailed=bool(complaint.email),
    )


# --- the receipt mail ---


def receipt_mail_send(
    *, to: str, reference: str, token: str, language: str, received_on: datetime.date
) -> None:
    """The receipt by e-mail: the reference, the status link and what happens next. Nothing
    the sender typed goes into it (the form must not relay anyone's text to any address)."""
    with translation.override(language):
        path = reverse("complaint_status", kwargs={"token": token})
        context = {
            "reference": reference,
            "status_url": f"{settings.SITE_BASE_URL}{path}",
            "received_on": received_on,
            "language": language,
            "acknowledge_days": ACKNOWLEDGE_WITHIN_DAYS,
            "answer_days": ANSWER_WITHIN_DAYS,
        }
        subject = render_to_string("complaints/mail/receipt_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("complaints/mail/receipt.txt", context),
            to=[to],
        )
        message.attach_alternative(
            render_to_string("complaints/mail/receipt.html", context), "text/html"
        )
    try:
        message.send()
    except Exception:  # noqa: BLE001 - the complaint is in; the page shows the link
        # The reference only: never the token or the address.
        logger.warning("The receipt mail of complaint %s could not be sent.", reference)


# --- receiving ---


def _complaint_submit(
    *,
    submission_key: uuid.UUID,
    channel: str,
    what_happened: str,
    attachments: Sequence[CheckedFile],
    registered_by: User | None,
    received_at: datetime.datetime | None,
    details: dict,
) -> Receipt:
    earlier = receipt_of_submission(submission_key=submission_key)
    if earlier is not None:
        return earlier
    written: list[str] = []
    try:
        with transaction.atomic():
            complaint, token = complaint_receive(
                channel=channel,
                what_happened=what_happened,
                registered_by=registered_by,
                received_at=received_at,
                # The key's uniqueness is the database's to decide: a twin request that
                # committed first makes this insert fail (PostgreSQL waits for it), and this
                # one is rolled back.
                submission_key=submission_key,
                **details,
            )
            attachments_store(
                complaint=complaint, files=attachments, actor=registered_by, written=written
            )
            _receipt_keep(submission_key, token)
            if complaint.email:
                mail = {
                    "to": complaint.email,
                    "reference": complaint.reference,
                    "token": token,
                    "language": complaint.language,
                    "received_on": complaint.received_on,
                }
                transaction.on_commit(lambda: receipt_mail_send(**mail))
    except IntegrityError:
        attachment_files_discard(written)
        earlier = receipt_of_submission(submission_key=submission_key)
        if earlier is None:
            raise
        return earlier
    except BaseException:
        attachment_files_discard(written)
        raise
    return Receipt(
        reference=complaint.reference,
        token=token,
        language=complaint.language,
        emailed=bool(complaint.email),
    )


def complaint_send(
    *,
    submission_key: uuid.UUID,
    what_happened: str,
    language: str,
    user: User | None = None,
    attachments: Sequence[CheckedFile] = (),
    **details,
) -> Receipt:
    """A complaint from the public form, with its attachments; a logged-in parent's complaint
    is linked to their account. The same submission key again returns the first receipt. The
    rate limit and the honeypot are the caller's (the view knows the client): see
    `complaint_rate_limited` and `complaint_rate_count`."""
    if user is not None and not user.is_authenticated:
        user = None
    return _complaint_submit(
        submission_key=submission_key,
        channel=ComplaintChannel.WEB_FORM,
        what_happened=what_happened,
        attachments=attachments,
        registered_by=None,
        received_at=None,
        details={**details, "language": language, "user": user},
    )


def received_at_for(received_on: datetime.date) -> datetime.datetime:
    """The moment a complaint received on a date is registered as received: now for today,
    noon (local time) for a day before; the deadlines count from the date."""
    if received_on >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(12)))


def complaint_register(
    *,
    officer: User,
    submission_key: uuid.UUID,
    channel: str,
    received_on: datetime.date,
    what_happened: str,
    attachments: Sequence[CheckedFile] = (),
    **details,
) -> Receipt:
    """A complaint received by phone, letter, e-mail or at a desk, registered by a complaints
    officer (the audit line names them). Its deadlines count from `received_on`, which may lie
    in the past but not in the future. The same submission key again returns the first
    receipt."""
    if not can_register_complaint(officer):
        raise PermissionDenied
    if channel == ComplaintChannel.WEB_FORM or channel not in ComplaintChannel.values:
        raise ValidationError(
            {"channel": _("Choose how the complaint reached us.")}, code="channel"
        )
    if received_on > timezone.localdate():
        raise ValidationError(
            {"received_on": _("The date of receipt cannot be in the future.")}, code="future"
        )
    return _complaint_submit(
        submission_key=submission_key,
        channel=channel,
        what_happened=what_happened,
        attachments=attachments,
        registered_by=officer,
        received_at=received_at_for(received_on),
        details=details,
    )
