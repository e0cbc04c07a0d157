from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks.signals import task_enqueued

from community.models import EmailFrequency, Notification, NotificationKind, User
from community.services.notifications import (
    notification_create,
    notification_preferences_update,
    notifications_create,
)
from community.tasks import (
    digest_recipient_ids,
    notification_digest_send,
    notification_digests_enqueue,
    notification_digests_send,
    notification_email_send,
)
from tests.community.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

TITLE = {"nl": "Slapen", "en": "Sleeping"}


def preferences_url(language: str) -> str:
    with translation.override(language):
        return f"{settings.SITE_BASE_URL}{reverse('notification_preferences')}"


def open_url(notification: Notification, language: str) -> str:
    with translation.override(language):
        path = reverse("notification_open", kwargs={"pk": notification.pk})
    return f"{settings.SITE_BASE_URL}{path}"


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def prefer(user: User, frequency: EmailFrequency, *kinds: NotificationKind) -> None:
    notification_preferences_update(user=user, frequencies=dict.fromkeys(kinds, frequency))


@pytest.fixture
def enqueued():
    """The arguments of every task enqueued during the test."""
    calls: list[tuple[str, tuple]] = []

    def record(sender, task_result, **kwargs) -> None:
        calls.append((task_result.task.name, tuple(task_result.args)))

    task_enqueued.connect(record)
    yield calls
    task_enqueued.disconnect(record)


# ---------- one notification, right away ----------


@pytest.mark.parametrize(
    ("language", "title", "prefix"), [("nl", "Slapen", ""), ("en", "Sleeping", "/en")]
)
def test_the_mail_is_in_the_recipients_language_with_a_link_to_the_preferences(
    language, title, prefix, mailoutbox
):
    user = UserFactory(language=language, pseudonym="Zonnebloem")
    # The sender's language must not leak into the mail.
    with translation.override("en" if language == "nl" else "nl"):
        notification = NotificationFactory(recipient=user, kind=NotificationKind.PROBE)
        assert notification_email_send.call(notification.pk) is True

    [mail] = mailoutbox
    assert mail.to == [user.email]
    assert title in mail.subject
    assert mail.subject.startswith("[Meet the Parents] ")
    assert "Zonnebloem" in mail.body
    assert open_url(notification, language) in mail.body
    assert preferences_url(language) in mail.body
    assert f"{settings.SITE_BASE_URL}{prefix}/" in preferences_url(language)
    assert mail.extra_headers["List-Unsubscribe"] == f"<{preferences_url(language)}>"
    html = html_of(mail)
    assert f'lang="{language}"' in html
    assert f'href="{preferences_url(language)}"' in html
    assert f'href="{open_url(notification, language)}"' in html


def test_email_send_twice_sends_one_mail(parent, mailoutbox):
    notification = NotificationFactory(recipient=parent, kind=NotificationKind.PROBE)

    first = notification_email_send.enqueue(notification.pk)
    second = notification_email_send.enqueue(notification.pk)

    assert (first.return_value, second.return_value) == (True, False)
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_email_send_skips_a_notification_read_in_the_meantime(parent, mailoutbox):
    notification = NotificationFactory(
        recipient=parent, kind=NotificationKind.PROBE, read_at=timezone.now()
    )

    assert notification_email_send.call(notification.pk) is False
    assert mailoutbox == []


@pytest.mark.parametrize("frequency", [EmailFrequency.DAILY, EmailFrequency.NEVER])
def test_email_send_respects_a_preference_changed_in_the_meantime(parent, frequency, mailoutbox):
    notification = NotificationFactory(recipient=parent, kind=NotificationKind.PROBE)
    prefer(parent, frequency, NotificationKind.PROBE)

    assert notification_email_send.call(notification.pk) is False
    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None  # a digest can still pick it up


def test_email_send_skips_unverified_and_inactive_accounts_and_deleted_notifications(
    mailoutbox,
):
    unverified = NotificationFactory(
        recipient=UserFactory(verified_email=False), kind=NotificationKind.PROBE
    )
    inactive = NotificationFactory(
        recipient=UserFactory(is_active=False), kind=NotificationKind.PROBE
    )

    assert notification_email_send.call(unverified.pk) is False
    assert notification_email_send.call(inactive.pk) is False
    assert notification_email_send.call(999_999) is False
    assert mailoutbox == []


def test_an_unverified_new_address_gets_no_mail(parent, mailoutbox):
    # The login address changed but the new one was never confirmed.
    User.objects.filter(pk=parent.pk).update(email="nieuw@example.org")
    notification = NotificationFactory(recipient=parent, kind=NotificationKind.PROBE)

    assert notification_email_send.call(notification.pk) is False
    assert mailoutbox == []


def test_tasks_get_ids_only_never_an_address_or_pseudonym(
    parent, enqueued, django_capture_on_commit_callbacks
):
    parent.pseudonym = "Zonnebloem"
    parent.save()
    prefer(parent, EmailFrequency.DAILY, NotificationKind.REPLY)

    with django_capture_on_commit_callbacks(execute=True):
        notification_create(
            recipient=parent, kind=NotificationKind.PROBE, title=TITLE, url="/projecten/slapen/"
        )
        notification_create(
            recipient=parent, kind=NotificationKind.REPLY, title=TITLE, url="/projecten/slapen/"
        )
    notification_digests_enqueue.enqueue("daily")

    assert [name for name, _args in enqueued] == [
        "notification_email_send",
        "notification_digests_enqueue",
        "notification_digests_send",  # one task per batch of members: ids only
    ]
    for _name, args in enqueued:
        assert all(isinstance(arg, int | str) for arg in args)
        assert not {parent.email, parent.pseudonym} & {str(arg) for arg in args}


def test_bulk_notifications_send_one_mail_to_each_member_who_wants_it_now(
    mailoutbox, django_capture_on_commit_callbacks
):
    members = UserFactory.create_batch(4)
    prefer(members[3], EmailFrequency.WEEKLY, NotificationKind.PROJECT_INVITATION)

    with django_capture_on_commit_callbacks(execute=True):
        notifications_create(
            recipients=members,
            kind=NotificationKind.PROJECT_INVITATION,
            title=TITLE,
            url="/projecten/slapen/",
        )

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(m.email for m in members[:3])


# ---------- digests ----------


def test_digest_sends_one_mail_with_everything_due(parent, other_parent, mailoutbox):
    parent.language = "en"
    parent.save()
    prefer(parent, EmailFrequency.DAILY, NotificationKind.REPLY, NotificationKind.NEW_TOPIC)
    due = [
        NotificationFactory(recipient=parent, kind=NotificationKind.REPLY),
        NotificationFactory(
            recipient=parent,
            kind=NotificationKind.NEW_TOPIC,
            params={"title": {"nl": "Eerste nacht", "en": "First night"}},
        ),
    ]
    read = NotificationFactory(
        recipient=parent, kind=NotificationKind.REPLY, read_at=timezone.now()
    )
    mailed = NotificationFactory(
        recipient=parent, kind=NotificationKind.REPLY, emailed_at=timezone.now()
    )
    other_kind = NotificationFactory(recipient=parent, kind=NotificationKind.PROBE)
    someone_else = NotificationFactory(recipient=other_parent, kind=NotificationKind.REPLY)

    assert notification_digest_send.call(parent.pk, "daily") == 2

    [mail] = mailoutbox
    assert mail.to == [parent.email]
    assert "daily" in mail.subject and "2" in mail.subject
    for notification in due:
        assert open_url(notification, "en") in mail.body
        assert f'href="{open_url(notification, "en")}"' in html_of(mail)
        notification.refresh_from_db()
        assert notification.emailed_at is not None
    assert "First night" in mail.body
    for skipped in (read, mailed, other_kind, someone_else):
        assert open_url(skipped, "en") not in mail.body
    assert preferences_url("en") in mail.body
    assert mail.extra_headers["List-Unsubscribe"] == f"<{preferences_url('en')}>"
    other_kind.refresh_from_db()
    assert other_kind.emailed_at is None


def test_digest_run_twice_sends_one_mail(parent, mailoutbox):
    NotificationFactory.create_batch(3, recipient=parent, kind=NotificationKind.REPLY)

    assert notification_digest_send.call(parent.pk, "daily") == 3
    assert notification_digest_send.call(parent.pk, "daily") == 0

    assert len(mailoutbox) == 1


def test_weekly_digest_holds_only_the_weekly_kinds(parent, mailoutbox):
    NotificationFactory(recipient=parent, kind=NotificationKind.REPLY)  # default daily
    weekly = NotificationFactory(recipient=parent, kind=NotificationKind.NEW_TOPIC)

    assert notification_digest_send.call(parent.pk, "weekly") == 1

    [mail] = mailoutbox
    assert open_url(weekly, "nl") in mail.body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 1


def test_digest_sends_nothing_to_accounts_that_cannot_receive_mail(mailoutbox):
    unverified = UserFactory(verified_email=False)
    inactive = UserFactory(is_active=False)
    for user in (unverified, inactive):
        NotificationFactory(recipient=user, kind=NotificationKind.REPLY)

    assert notification_digest_send.call(unverified.pk, "daily") == 0
    assert notification_digest_send.call(inactive.pk, "daily") == 0
    assert notification_digest_send.call(999_999, "daily") == 0
    assert mailoutbox == []
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()


@pytest.mark.parametrize("frequency", ["immediately", "never", "hourly"])
def test_digest_refuses_a_frequency_that_is_no_digest(parent, frequency):
    with pytest.raises(ValueError):
        notification_digest_send.call(parent.pk, frequency)
    with pytest.raises(ValueError):
        notification_digests_enqueue.call(frequency)


def test_a_long_digest_lists_the_newest_and_counts_the_rest(parent, mailoutbox):
    parent.language = "en"
    parent.save()
    now = timezone.now()
    notifications = NotificationFactory.create_batch(
        53, recipient=parent, kind=NotificationKind.REPLY
    )
    for age, notification in enumerate(reversed(notifications)):
        Notification.objects.filter(pk=notification.pk).update(
            created_at=now - timedelta(minutes=age)
        )

    assert notification_digest_send.call(parent.pk, "daily") == 53

    [mail] = mailoutbox
    assert open_url(notifications[-1], "en") in mail.body
    assert open_url(notifications[2], "en") not in mail.body
    assert open_url(notifications[3], "en") in mail.body
    assert "53 new notifications" in mail.subject
    assert "And 3 older notifications." in mail.body


def test_digests_enqueue_finds_members_with_something_due_in_one_query(
    django_assert_num_queries,
):
    daily_default = UserFactory()
    NotificationFactory.create_batch(2, recipient=daily_default, kind=NotificationKind.REPLY)
    chose_daily = UserFactory()
    prefer(chose_daily, EmailFrequency.DAILY, NotificationKind.PROBE)
    NotificationFactory(recipient=chose_daily, kind=NotificationKind.PROBE)
    chose_never = UserFactory()
    prefer(chose_never, EmailFrequency.NEVER, NotificationKind.REPLY)
    NotificationFactory(recipient=chose_never, kind=NotificationKind.REPLY)
    all_read = UserFactory()
    NotificationFactory(recipient=all_read, kind=NotificationKind.REPLY, read_at=timezone.now())
    weekly_only = UserFactory()
    NotificationFactory(recipient=weekly_only, kind=NotificationKind.NEW_TOPIC)
    inactive = UserFactory(is_active=False)
    NotificationFactory(recipient=inactive, kind=NotificationKind.REPLY)
    unverified = UserFactory(verified_email=False)
    NotificationFactory(recipient=unverified, kind=NotificationKind.REPLY)

    with django_assert_num_queries(1):
        daily = digest_recipient_ids(EmailFrequency.DAILY)
    weekly = digest_recipient_ids(EmailFrequency.WEEKLY)

    assert daily == sorted([daily_default.pk, chose_daily.pk])
    assert weekly == [weekly_only.pk]


def test_digests_enqueue_sends_one_mail_per_member(mailoutbox, enqueued):
    members = UserFactory.create_batch(3)
    for member in members:
        NotificationFactory.create_batch(2, recipient=member, kind=NotificationKind.REPLY)

    assert notification_digests_enqueue.call("daily") == 3

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(m.email for m in members)
    assert [name for name, _ in enqueued].count("notification_digests_send") == 1


def test_the_command_queues_the_digest(parent, mailoutbox, capsys):
    NotificationFactory(recipient=parent, kind=NotificationKind.NEW_TOPIC)

    call_command("send_notification_digests", "--frequency", "weekly")

    assert len(mailoutbox) == 1
    assert "weekly" in capsys.readouterr().out


@pytest.mark.parametrize("arguments", [[], ["--frequency", "hourly"]])
def test_the_command_refuses_a_missing_or_unknown_frequency(arguments):
    with pytest.raises(CommandError):
        call_command("send_notification_digests", *arguments)


def test_digests_are_queued_one_task_per_batch_of_members(settings, mailoutbox, enqueued):
    settings.BROADCAST_BATCH_SIZE = 2
    members = UserFactory.create_batch(5)
    for member in members:
        NotificationFactory(recipient=member, kind=NotificationKind.REPLY)

    assert notification_digests_enqueue.call("daily") == 5

    batches = [args for name, args in enqueued if name == "notification_digests_send"]
    assert [args[0] for args in batches] == ["daily"] * 3
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(m.email for m in members)
    # Run again: everything is e-mailed already.
    for args in batches:
        assert notification_digests_send.call(*args) == 0
    assert len(mailoutbox) == 5


def test_notifications_for_a_few_members_are_mailed_by_one_task_per_group(
    mailoutbox, enqueued, django_capture_on_commit_callbacks
):
    members = UserFactory.create_batch(3)

    with django_capture_on_commit_callbacks(execute=True):
        notifications_create(
            recipients=members, kind=NotificationKind.PROBE, title=TITLE, url="/projecten/"
        )

    assert [name for name, _args in enqueued] == ["notification_emails_send"]
    assert len(mailoutbox) == 3
