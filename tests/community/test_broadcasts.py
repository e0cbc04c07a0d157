"""Broadcasts to whole audiences: batches, bounded queries, idempotency, and the mail batch
(one connection, templates rendered once per language, claims around the send)."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.mail import SMTPSink
from community import tasks
from community.mail import MailBatch
from community.models import (
    Broadcast,
    BroadcastBatch,
    BroadcastStatus,
    EmailFrequency,
    Notification,
    NotificationKind,
    NotificationPreference,
    User,
)
from community.services.broadcasts import broadcast_audience, broadcast_start
from community.tasks import broadcast_batch_run, broadcast_emails_send
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db

TITLE = {"nl": "Slapen", "en": "Sleeping"}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@broadcast_audience
def everyone_active(broadcast: Broadcast):
    return User.objects.filter(is_active=True)


def members(count: int, **kwargs) -> list[User]:
    return UserFactory.create_batch(count, **kwargs)


def start(kind: NotificationKind = NotificationKind.PROJECT_INVITATION) -> Broadcast:
    broadcast = broadcast_start(
        kind=kind, audience=everyone_active, title=TITLE, url="/projecten/slapen/"
    )
    broadcast.refresh_from_db()
    return broadcast


class CountingBackend(LocmemBackend):
    """locmem, counting how often a connection is opened."""

    opened = 0

    def open(self) -> bool:
        CountingBackend.opened += 1
        return super().open()


@pytest.fixture
def batch_size(settings):
    settings.BROADCAST_BATCH_SIZE = 100
    return 100


@pytest.fixture
def bound_parameters():
    """The parameter list of every query run while the test runs."""
    seen: list[int] = []

    def record(execute, sql, params, many, context):
        seen.append(len(params or ()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


# ---------- batches ----------


def test_a_broadcast_notifies_and_mails_everyone_once_in_batches(batch_size, mailoutbox):
    audience = members(250)

    broadcast = start()

    assert broadcast.status == BroadcastStatus.DONE
    assert (broadcast.total, broadcast.notified) == (250, 250)
    assert list(broadcast.batches.order_by("after").values_list("notified", "mailed")) == [
        (100, 100),
        (100, 100),
        (50, 50),
    ]
    assert Notification.objects.filter(broadcast=broadcast).count() == 250
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(user.email for user in audience)
    assert broadcast.finished_at is not None


def test_no_query_binds_a_parameter_per_member(batch_size, bound_parameters, mailoutbox):
    members(300)

    start()

    assert len(mailoutbox) == 300
    assert max(bound_parameters) <= 20  # 300 members, 100 per batch: a few constants each


def test_the_queries_per_batch_do_not_grow_with_the_audience(batch_size, django_assert_num_queries):
    # New topics are mailed weekly by default: the e-mail tasks find nothing to send.
    counts = []
    for _audience in (100, 200):
        members(100)
        with CaptureQueriesContext(connection) as captured:
            start(NotificationKind.NEW_TOPIC)
        counts.append(len(captured))
    per_batch = counts[1] - counts[0]
    members(100)

    # 300 members: one batch of 100 more costs exactly what the one before did.
    with django_assert_num_queries(counts[1] + per_batch):
        start(NotificationKind.NEW_TOPIC)

    assert per_batch < 30
    assert Notification.objects.count() == 100 + 200 + 300


def test_members_who_want_no_mail_now_or_cannot_get_it_are_notified_only(mailoutbox):
    wants_mail = UserFactory()
    weekly = UserFactory()
    NotificationPreference.objects.create(
        user=weekly, kind=NotificationKind.PROJECT_INVITATION, frequency=EmailFrequency.WEEKLY
    )
    UserFactory(verified_email=False)

    broadcast = start()

    assert broadcast.notified == 3
    assert [mail.to for mail in mailoutbox] == [[wants_mail.email]]


# ---------- safe to run twice ----------


def test_running_every_task_again_adds_nothing_and_mails_nobody_twice(batch_size, mailoutbox):
    members(150)
    broadcast = start()

    assert broadcast_batch_run.call(broadcast.pk, 0) == 0
    Broadcast.objects.filter(pk=broadcast.pk).update(
        status=BroadcastStatus.RUNNING, all_notified=False
    )
    assert broadcast_batch_run.call(broadcast.pk, 0) == 0  # the batch is recorded already
    for batch in BroadcastBatch.objects.all():
        assert broadcast_emails_send.call(batch.pk) == 0

    assert Notification.objects.count() == 150
    assert len(mailoutbox) == 150


def test_a_mail_batch_run_again_after_a_crash_sends_only_what_was_not_claimed(mailoutbox):
    members(6)
    broadcast = start()
    [batch] = BroadcastBatch.objects.filter(broadcast=broadcast)
    # As if the worker died after claiming (and sending) two mails, before finishing.
    mailoutbox.clear()
    unclaimed = Notification.objects.filter(broadcast=broadcast).order_by("pk")[2:]
    Notification.objects.filter(pk__in=[n.pk for n in unclaimed]).update(emailed_at=None)
    BroadcastBatch.objects.filter(pk=batch.pk).update(mailed_at=None)

    assert broadcast_emails_send.call(batch.pk) == 4

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(n.recipient.email for n in unclaimed)


# ---------- the mail batch ----------


def test_a_batch_is_sent_over_one_connection(batch_size, settings):
    settings.EMAIL_BACKEND = "tests.community.test_broadcasts.CountingBackend"
    CountingBackend.opened = 0
    members(250)

    start()

    assert CountingBackend.opened == 3  # one per batch of 100, not one per member


def test_templates_are_rendered_once_per_language_and_batch(batch_size, monkeypatch, mailoutbox):
    audience = members(60, language="nl") + members(40, language="en")
    rendered: list[str] = []

    def render(template_name, context=None, *args, **kwargs):
        rendered.append(template_name)
        return render_to_string(template_name, context, *args, **kwargs)

    render_to_string = tasks.render_to_string
    monkeypatch.setattr(tasks, "render_to_string", render)

    start()

    assert len(rendered) == 2 * 3  # two languages, three templates (subject, text, HTML)
    by_address = {mail.to[0]: mail for mail in mailoutbox}
    for user in (audience[0], audience[-1]):
        mail = by_address[user.email]
        notification = Notification.objects.get(recipient=user)
        assert user.pseudonym in mail.body
        assert f"/{notification.pk}/" in mail.body
        assert f'lang="{user.language}"' in mail.alternatives[0][0]
    assert ("Sleeping" in by_address[audience[-1].email].subject) and (
        "Slapen" in by_address[audience[0].email].subject
    )


def test_names_are_escaped_in_the_html_of_a_batch_mail(mailoutbox):
    UserFactory(pseudonym="<b>Zon</b>")

    start()

    [mail] = mailoutbox
    assert "<b>Zon</b>" in mail.body
    html = mail.alternatives[0][0]
    assert "&lt;b&gt;Zon&lt;/b&gt;" in html and "<b>Zon" not in html


# ---------- SMTP: the end of the message only after the claim ----------


@pytest.fixture
def smtp_sink(settings):
    with SMTPSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = False
        yield sink


def test_a_staged_message_is_delivered_only_once_completed(smtp_sink):
    from django.core.mail import EmailMessage

    with MailBatch() as batch:
        dropped = batch.stage(EmailMessage("Hallo", "Tekst", to=["a@example.org"]))
        batch.abort(dropped)  # as a worker killed before its claim committed
        batch.complete(batch.stage(EmailMessage("Hallo", "Tekst", to=["b@example.org"])))

    assert dict(smtp_sink.received) == {"b@example.org": 1}
    assert smtp_sink.dropped == 1


def test_broadcast_mails_go_through_smtp_each_once(batch_size, smtp_sink):
    audience = members(120)

    start()
    broadcast_emails_send.call(BroadcastBatch.objects.first().pk)  # again: sends nothing

    assert dict(smtp_sink.received) == {user.email: 1 for user in audience}


def test_a_refused_claim_sends_nothing(smtp_sink):
    with MailBatch() as batch:
        sent = batch.send_once(claim=lambda: None, release=lambda: None)

    assert sent is False
    assert smtp_sink.total == 0


def test_a_message_the_server_refuses_at_the_end_is_released_for_a_retry(settings):
    from django.core.mail import EmailMessage

    released = []
    with SMTPSink(refuse=frozenset({"a@example.org"})) as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        with pytest.raises(smtplib.SMTPDataError), MailBatch() as batch:
            batch.send_once(
                claim=lambda: EmailMessage("Hallo", "Tekst", to=["a@example.org"]),
                release=lambda: released.append(True),
            )

    assert released == [True]
    assert sink.total == 0


@pytest.mark.parametrize(("language", "pseudonym"), [("nl", "Zon & <Maan>"), ("en", "")])
def test_the_bytes_built_once_read_as_the_mail_built_for_the_member(language, pseudonym):
    import email

    user = UserFactory(language=language, pseudonym=pseudonym)
    notification = notification_for(user)
    mails = tasks.NotificationMails()
    mails.message(notification_for(UserFactory(language=language, pseudonym="Iemand anders")))

    message = mails.message(notification)

    parsed = email.message_from_bytes(message.wire_bytes)
    text, html = (
        part.get_payload(decode=True).decode().replace("\r\n", "\n")
        for part in parsed.get_payload()
    )
    assert parsed["To"] == user.email
    assert parsed["List-Unsubscribe"] == message.extra_headers["List-Unsubscribe"]
    assert text == message.body
    assert html == message.alternatives[0][0]
    assert f"/{notification.pk}/" in text


def notification_for(user: User) -> Notification:
    notification = Notification.objects.create(
        recipient=user, kind=NotificationKind.PROBE, params={"title": TITLE}, url="/"
    )
    return Notification.objects.select_related("recipient", "actor").get(pk=notification.pk)
