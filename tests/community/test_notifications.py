import contextlib
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from community.context_processors import member_notifications
from community.forms.notifications import STAFF_KINDS
from community.models import (
    EmailFrequency,
    Notification,
    NotificationKind,
    NotificationPreference,
    User,
)
from community.services.notifications import (
    notification_create,
    notification_email_frequency,
    notification_mark_read,
    notification_preferences_get,
    notification_preferences_update,
    notifications_create,
    notifications_mark_all_read,
)
from tests.community.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

TITLE = {"nl": "Slapen", "en": "Sleeping"}
# Paginator count, the page of notifications with their actors. The session and the user with
# their request state come from the cache (community.request_state); the site and the menu
# are remembered between requests (projects.routing).
LIST_QUERIES = 2
MEMBER_ROLES = ["parent", "other_parent", "moderator", "researcher", "admin"]


@pytest.fixture
def parent(parent):
    """A parent past onboarding: the gate sends parents without a pseudonym there first."""
    return _with_pseudonym(parent, "Zonnebloem")


@pytest.fixture
def other_parent(other_parent):
    return _with_pseudonym(other_parent, "Regenboog")


def _with_pseudonym(user: User, pseudonym: str) -> User:
    if not user.pseudonym:
        user.pseudonym = pseudonym
        user.save(update_fields=["pseudonym"])
    return user


def notify(recipient: User, kind: NotificationKind = NotificationKind.PROBE, **kwargs):
    return notification_create(
        recipient=recipient, kind=kind, title=TITLE, url="/projecten/slapen/", **kwargs
    )


# ---------- service: creating ----------


def test_notifications_create_stores_one_unread_notification_per_recipient(parent, other_parent):
    notifications = notifications_create(
        recipients=User.objects.filter(pk__in=[parent.pk, other_parent.pk]),
        kind=NotificationKind.NEW_TOPIC,
        title={"nl": "Eerste nacht", "en": "First night"},
        url="/projecten/slapen/eerste-nacht/",
    )

    assert {n.recipient_id for n in notifications} == {parent.pk, other_parent.pk}
    stored = Notification.objects.get(recipient=parent)
    assert stored.read_at is None
    assert stored.params == {"title": {"nl": "Eerste nacht", "en": "First night"}}
    with translation.override("en"):
        assert stored.text == "New topic in your project: “First night”."
        assert stored.localized_url() == "/en/projecten/slapen/eerste-nacht/"


def test_a_recipient_listed_twice_gets_one_notification(parent):
    notifications_create(
        recipients=[parent, parent], kind=NotificationKind.REPLY, title=TITLE, url="/"
    )

    assert Notification.objects.filter(recipient=parent).count() == 1


def test_the_english_title_falls_back_to_the_dutch_one(parent):
    notification = notification_create(
        recipient=parent, kind=NotificationKind.REPLY, title={"nl": "Slapen"}, url="/"
    )

    assert notification.params["title"] == {"nl": "Slapen", "en": "Slapen"}


@pytest.mark.parametrize(
    ("title", "url"),
    [
        ({"en": "Sleeping"}, "/projecten/slapen/"),
        ({"nl": "  "}, "/projecten/slapen/"),
        (TITLE, "https://example.com/phishing/"),
        (TITLE, "//example.com/phishing/"),
        (TITLE, "projecten/slapen/"),
    ],
)
def test_notifications_create_refuses_a_missing_title_or_a_link_off_the_site(parent, title, url):
    with pytest.raises(ValidationError):
        notification_create(recipient=parent, kind=NotificationKind.REPLY, title=title, url=url)

    assert not Notification.objects.exists()


def test_creating_for_many_members_takes_the_same_queries_for_5_and_50(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    few = UserFactory.create_batch(5)
    many = UserFactory.create_batch(50)
    NotificationPreference.objects.create(
        user=many[0], kind=NotificationKind.PROBE, frequency=EmailFrequency.NEVER
    )

    # savepoint, insert, preferences, release
    with django_capture_on_commit_callbacks(), django_assert_num_queries(4):
        notifications_create(recipients=few, kind=NotificationKind.PROBE, title=TITLE, url="/")
    with django_capture_on_commit_callbacks(), django_assert_num_queries(4):
        notifications_create(recipients=many, kind=NotificationKind.PROBE, title=TITLE, url="/")

    assert Notification.objects.count() == 55


# ---------- service: e-mail per preference ----------


def test_immediately_sends_one_mail_through_the_task_after_commit(
    parent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notify(parent, NotificationKind.PROBE)  # default: immediately
        assert mailoutbox == []  # never inside the request's transaction

    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [parent.email]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


@pytest.mark.parametrize(
    "frequency", [EmailFrequency.DAILY, EmailFrequency.WEEKLY, EmailFrequency.NEVER]
)
def test_digest_and_never_preferences_send_no_mail_at_creation(
    parent, frequency, mailoutbox, django_capture_on_commit_callbacks
):
    notification_preferences_update(user=parent, frequencies={NotificationKind.PROBE: frequency})

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(parent, NotificationKind.PROBE)

    assert mailoutbox == []
    assert Notification.objects.get() == notification
    assert notification.emailed_at is None


def test_default_frequency_applies_when_the_member_never_chose(
    parent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(parent, NotificationKind.REPLY)  # default: daily digest

    assert mailoutbox == []
    assert notification_email_frequency(parent, NotificationKind.REPLY) == EmailFrequency.DAILY


def test_no_mail_when_the_transaction_rolls_back(
    parent, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        contextlib.suppress(RuntimeError),
        transaction.atomic(),
    ):
        notify(parent, NotificationKind.PROBE)
        raise RuntimeError("the rest of the write failed")

    assert callbacks == []
    assert mailoutbox == []
    assert not Notification.objects.exists()


@pytest.mark.parametrize("account", ["unverified", "inactive"])
def test_accounts_that_cannot_receive_mail_still_get_the_notification_in_the_site(
    account, mailoutbox, django_capture_on_commit_callbacks
):
    if account == "unverified":
        user = UserFactory(verified_email=False)
    else:
        user = UserFactory(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user, NotificationKind.PROBE)

    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert Notification.objects.filter(recipient=user).count() == 1


# ---------- service: reading and preferences ----------


def test_mark_read_sets_the_time_once(parent):
    notification = NotificationFactory(recipient=parent)

    notification_mark_read(user=parent, notification=notification)
    first = Notification.objects.get().read_at
    notification_mark_read(user=parent, notification=Notification.objects.get())

    assert first is not None
    assert Notification.objects.get().read_at == first


def test_a_member_cannot_mark_someone_elses_notification_as_read(parent, other_parent):
    notification = NotificationFactory(recipient=other_parent)

    with pytest.raises(PermissionDenied):
        notification_mark_read(user=parent, notification=notification)

    assert Notification.objects.get().read_at is None


def test_mark_all_read_touches_only_the_members_own_unread_notifications(parent, other_parent):
    NotificationFactory.create_batch(3, recipient=parent)
    earlier = timezone.now() - timezone.timedelta(days=2)
    NotificationFactory(recipient=parent, read_at=earlier)
    NotificationFactory(recipient=other_parent)

    assert notifications_mark_all_read(user=parent) == 3

    assert not Notification.objects.filter(recipient=parent, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=parent, read_at=earlier).count() == 1
    assert Notification.objects.filter(recipient=other_parent, read_at__isnull=True).count() == 1


def test_preferences_update_stores_and_changes_one_row_per_kind(parent):
    notification_preferences_update(
        user=parent, frequencies={NotificationKind.REPLY: EmailFrequency.IMMEDIATELY}
    )
    notification_preferences_update(
        user=parent,
        frequencies={
            NotificationKind.REPLY: EmailFrequency.NEVER,
            NotificationKind.NEW_TOPIC: EmailFrequency.DAILY,
        },
    )

    assert NotificationPreference.objects.filter(user=parent).count() == 2
    preferences = notification_preferences_get(user=parent)
    assert preferences[NotificationKind.REPLY] == EmailFrequency.NEVER
    assert preferences[NotificationKind.NEW_TOPIC] == EmailFrequency.DAILY
    assert preferences[NotificationKind.PROBE] == EmailFrequency.IMMEDIATELY  # the default


@pytest.mark.parametrize(
    "frequencies", [{"reply": "hourly"}, {"gossip": "daily"}], ids=["frequency", "kind"]
)
def test_preferences_update_refuses_unknown_values(parent, frequencies):
    with pytest.raises(ValidationError):
        notification_preferences_update(user=parent, frequencies=frequencies)

    assert not NotificationPreference.objects.exists()


# ---------- pages: permissions ----------


@pytest.mark.parametrize("url_name", ["notification_list", "notification_preferences"])
@pytest.mark.parametrize("role", ["anonymous", *MEMBER_ROLES])
def test_notification_pages_are_for_signed_in_people_only(client_for_role, role, url_name):
    client = client_for_role(role)

    response = client.get(reverse(url_name))

    if role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("role", ["anonymous", *MEMBER_ROLES])
def test_only_the_recipient_can_open_a_notification(client_for_role, user_for_role, role, parent):
    notification = NotificationFactory(recipient=parent)
    client = client_for_role(role)

    response = client.get(reverse("notification_open", kwargs={"pk": notification.pk}))

    notification.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login"))
    elif role == "parent":
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == "/projecten/slapen/"
    else:
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert notification.is_read is (role == "parent")


# ---------- pages: the list ----------


def test_list_shows_newest_first_and_marks_unread_ones_in_text(client, parent):
    old = NotificationFactory(
        recipient=parent, read_at=timezone.now(), params={"title": {"nl": "Oud", "en": "Old"}}
    )
    new = NotificationFactory(recipient=parent, params={"title": {"nl": "Nieuw", "en": "New"}})
    NotificationFactory(params={"title": {"nl": "Van iemand anders", "en": "Someone else's"}})
    client.force_login(parent)

    response = client.get(reverse("notification_list"))

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["page"]) == [new, old]
    html = response.content.decode()
    assert html.index("Nieuw") < html.index("Oud")
    assert "Van iemand anders" not in html
    assert html.count('class="notification notification--unread"') == 1
    assert html.count('class="notification__status"') == 1
    assert reverse("notification_open", kwargs={"pk": new.pk}) in html


def test_list_shows_20_per_page(client, parent):
    NotificationFactory.create_batch(25, recipient=parent)
    client.force_login(parent)

    first = client.get(reverse("notification_list"))
    second = client.get(reverse("notification_list"), {"page": 2})
    beyond = client.get(reverse("notification_list"), {"page": "many"})

    assert len(first.context["page"]) == 20
    assert len(second.context["page"]) == 5
    assert 'rel="next"' in first.content.decode()
    assert 'rel="prev"' in second.content.decode()
    assert beyond.context["page"].number == 1


def test_empty_list_explains_what_notifications_are(client, parent):
    client.force_login(parent)

    response = client.get(reverse("notification_list"))

    assert response.context["page"].paginator.count == 0
    assert 'class="empty-state"' in response.content.decode()
    assert reverse("notification_preferences") in response.content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_list_queries_do_not_grow_with_the_number_of_notifications(
    client, parent, other_parent, count, django_assert_num_queries
):
    actors = UserFactory.create_batch(3, pseudonym="")
    for index in range(count):
        NotificationFactory(recipient=parent, actor=actors[index % 3])
    client.force_login(parent)
    client.get(reverse("notification_list"))  # warm the site-wide caches (menu, site links)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("notification_list"))

    assert response.status_code == HTTPStatus.OK


# ---------- pages: opening and reading ----------


def test_opening_in_english_redirects_to_the_english_page(client, parent):
    notification = NotificationFactory(recipient=parent)
    client.force_login(parent)

    with translation.override("en"):
        url = reverse("notification_open", kwargs={"pk": notification.pk})
    response = client.post(url)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/projecten/slapen/"


def test_opening_a_notification_that_links_off_the_site_stays_on_the_list(client, parent):
    # Written around the service, which refuses such links: the view must not trust the row.
    notification = NotificationFactory(recipient=parent, url="//example.com/")
    client.force_login(parent)

    response = client.get(reverse("notification_open", kwargs={"pk": notification.pk}))

    assert response["Location"] == reverse("notification_list")


def test_opening_an_unknown_notification_is_not_found(client, parent):
    client.force_login(parent)

    response = client.get(reverse("notification_open", kwargs={"pk": 999_999}))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_read_all_marks_every_notification_read_with_a_message(client, parent, other_parent):
    NotificationFactory.create_batch(3, recipient=parent)
    NotificationFactory(recipient=other_parent)
    client.force_login(parent)

    response = client.post(reverse("notification_read_all"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("notification_list")
    assert not Notification.objects.filter(recipient=parent, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other_parent, read_at__isnull=True).exists()
    assert len(list(response.context["messages"])) == 1


def test_read_all_only_accepts_post(client, parent):
    NotificationFactory(recipient=parent)
    client.force_login(parent)

    response = client.get(reverse("notification_read_all"))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert Notification.objects.unread().count() == 1


def test_read_all_requires_login(client):
    response = client.post(reverse("notification_read_all"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


# ---------- pages: e-mail settings ----------


def test_preferences_page_has_a_fieldset_per_kind_with_the_current_choice(client, parent):
    notification_preferences_update(
        user=parent, frequencies={NotificationKind.REPLY: EmailFrequency.NEVER}
    )
    client.force_login(parent)

    response = client.get(reverse("notification_preferences"))

    html = response.content.decode()
    # Kinds only staff receive (exports) are not offered to a parent.
    parent_kinds = len(NotificationKind) - len(STAFF_KINDS)
    assert html.count("<fieldset") == parent_kinds
    assert html.count("<legend") == parent_kinds
    assert html.count('type="radio"') == parent_kinds * len(EmailFrequency)
    form = response.context["form"]
    assert form["reply"].value() == "never"
    assert form["probe"].value() == "immediately"


@pytest.mark.parametrize(
    ("role", "offered"),
    [("parent", False), ("moderator", False), ("researcher", True), ("admin", True)],
)
def test_only_those_who_export_are_offered_the_exports_ready_choice(client_for_role, role, offered):
    response = client_for_role(role).get(reverse("notification_preferences"))

    assert response.status_code == HTTPStatus.OK
    assert (NotificationKind.EXPORT_READY.value in response.context["form"].fields) is offered
    assert ('name="export_ready"' in response.content.decode()) is offered


def test_saving_preferences_stores_them_and_says_so(client, parent):
    client.force_login(parent)
    data = dict.fromkeys(NotificationKind.values, EmailFrequency.WEEKLY)
    data["probe"] = EmailFrequency.NEVER

    response = client.post(reverse("notification_preferences"), data, follow=True)

    assert response.redirect_chain[-1][0] == reverse("notification_preferences")
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    preferences = notification_preferences_get(user=parent)
    assert preferences[NotificationKind.PROBE] == EmailFrequency.NEVER
    assert preferences[NotificationKind.REPLY] == EmailFrequency.WEEKLY


def test_an_invalid_choice_is_refused_at_the_field_and_the_rest_is_kept(client, parent):
    client.force_login(parent)
    data = dict.fromkeys(NotificationKind.values, EmailFrequency.DAILY)
    data["reply"] = "hourly"
    del data["probe"]

    response = client.post(reverse("notification_preferences"), data)

    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert form.errors["reply"] == [
        "Kies een van de mogelijkheden: meteen, dagelijks, wekelijks of nooit."
    ]
    assert form.errors["probe"] == ["Kies hoe vaak je hierover een e-mail wilt krijgen."]
    assert form["new_topic"].value() == "daily"
    assert 'class="field field--error"' in response.content.decode()
    assert not NotificationPreference.objects.exists()


# ---------- header ----------


def test_header_shows_the_unread_count_for_screen_readers_too(client, parent):
    NotificationFactory.create_batch(3, recipient=parent)
    NotificationFactory(recipient=parent, read_at=timezone.now())
    client.force_login(parent)

    with translation.override("en"):
        response = client.get(reverse("notification_list"))

    html = response.content.decode()
    assert '<span class="account-nav__badge" aria-hidden="true">3</span>' in html
    assert "(3 unread)" in html
    assert reverse("member_dashboard") in html


def test_header_shows_no_badge_without_unread_notifications(client, parent):
    NotificationFactory(recipient=parent, read_at=timezone.now())
    client.force_login(parent)

    response = client.get(reverse("notification_list"))

    html = response.content.decode()
    assert reverse("notification_list") in html
    assert "account-nav__badge" not in html
    assert "unread)" not in html


def test_header_has_no_member_links_for_visitors(client, home_page):
    response = client.get("/")

    html = response.content.decode()
    assert reverse("notification_list") not in html
    assert reverse("member_dashboard") not in html


def test_unread_count_is_counted_only_when_used_and_only_once(parent, django_assert_num_queries):
    NotificationFactory.create_batch(2, recipient=parent)
    request = RequestFactory().get("/")
    request.user = parent

    with django_assert_num_queries(0):
        context = member_notifications(request)
    with django_assert_num_queries(1):
        assert context["unread_notification_count"]() == 2
        assert context["unread_notification_count"]() == 2


def test_unread_count_runs_no_query_for_visitors(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with django_assert_num_queries(0):
        assert member_notifications(request)["unread_notification_count"]() == 0


def test_a_long_recipient_list_binds_a_bounded_number_of_ids_per_query(
    monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import connection

    from community.services import notifications

    monkeypatch.setattr(notifications, "IDS_PER_QUERY", 10)
    recipients = UserFactory.create_batch(25)
    bound: list[int] = []
    preference_queries: list[str] = []

    def record(execute, sql, params, many, context):
        bound.append(len(params or ()))
        if "notificationpreference" in sql:
            preference_queries.append(sql)
        return execute(sql, params, many, context)

    with django_capture_on_commit_callbacks(), connection.execute_wrapper(record):
        notifications_create(
            recipients=recipients, kind=NotificationKind.PROBE, title=TITLE, url="/"
        )

    assert len(preference_queries) == 3  # 10 + 10 + 5 members
    assert max(bound) <= 10 * len(Notification._meta.concrete_fields)
    assert Notification.objects.count() == 25
