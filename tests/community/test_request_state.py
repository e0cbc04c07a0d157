"""The signed-in user comes with what every page asks about them (community.auth_backends):
staff role, current consent, unread notifications. The answers must match the slow way and
stay right when the request itself changes them."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from community.auth_backends import MemberAuthenticationBackend, MemberModelBackend
from community.context_processors import member_notifications
from community.models import NotificationKind, Role, User
from community.request_state import user_with_request_state
from community.services.consent import (
    _states_by_kind,
    consent_accept,
    consent_withdraw,
    member_can_take_part,
    member_needs_onboarding,
)
from community.services.notifications import notification_create, notifications_mark_all_read
from community.services.pseudonyms import member_pseudonym_set
from tests.community.factories import NotificationFactory, consent_accept_all
from tests.community.test_consent import publish_new_version

pytestmark = pytest.mark.django_db


def loaded(user: User) -> User:
    """As the authentication backends load the request's user (SQL compiled once)."""
    return User.objects.get_with_request_state(user.pk)


def consent_is_current_the_slow_way(user: User) -> bool:
    return all(
        state == "accepted" for state in _states_by_kind(User.objects.get(pk=user.pk)).values()
    )


def _never(parent, documents):
    pass


def _accepted(parent, documents):
    consent_accept_all(parent)


def _outdated(parent, documents):
    consent_accept_all(parent)
    publish_new_version(documents[1])


def _withdrawn(parent, documents):
    consent_accept_all(parent)
    consent_withdraw(user=parent)


def _withdrawn_then_accepted_again(parent, documents):
    _withdrawn(parent, documents)
    consent_accept_all(parent)


def _one_of_two(parent, documents):
    consent_accept(user=parent, documents=[documents[0]])


@pytest.mark.parametrize(
    ("situation", "current"),
    [
        (_never, False),
        (_accepted, True),
        (_outdated, False),
        (_withdrawn, False),
        (_withdrawn_then_accepted_again, True),
        (_one_of_two, False),
    ],
)
def test_current_consent_loaded_with_the_user_matches_the_records(
    parent, other_parent, consent_documents, situation, current
):
    consent_accept_all(other_parent)  # someone else's records never count
    situation(parent, consent_documents)

    assert loaded(parent).has_current_consent is current
    assert consent_is_current_the_slow_way(parent) is current
    assert User.objects.with_request_state().get(pk=parent.pk).has_current_consent is current


def test_without_live_documents_consent_is_current(parent):
    assert loaded(parent).has_current_consent is True


@pytest.mark.parametrize(
    ("role", "is_staff"),
    [("parent", False), ("moderator", True), ("researcher", True), ("admin", True)],
)
def test_staff_role_loaded_with_the_user_needs_no_query(
    user_for_role, role, is_staff, django_assert_num_queries
):
    user = loaded(user_for_role(role))

    with django_assert_num_queries(0):
        assert user.is_staff_member is is_staff
    assert User.objects.get(pk=user.pk).is_staff_member is is_staff  # the slow way agrees


def test_compiled_once_the_query_still_answers_for_each_user(parent, other_parent, moderator):
    NotificationFactory(recipient=other_parent)
    answers = {
        user.pk: (user.email, user.has_staff_role, user.unread_notification_count)
        for user in (loaded(moderator), loaded(parent), loaded(other_parent))
    }

    assert answers == {
        parent.pk: (parent.email, False, 0),
        other_parent.pk: (other_parent.email, False, 1),
        moderator.pk: (moderator.email, True, 0),
    }
    assert User.objects.get_with_request_state(0) is None


def test_unread_count_loaded_with_the_user(parent, other_parent):
    NotificationFactory.create_batch(3, recipient=parent)
    NotificationFactory(recipient=other_parent)
    request = RequestFactory().get("/")
    request.user = loaded(parent)

    assert member_notifications(request)["unread_notification_count"]() == 3


def test_marking_all_read_in_the_same_request_shows_no_stale_count(parent):
    NotificationFactory.create_batch(2, recipient=parent)
    request = RequestFactory().get("/")
    request.user = loaded(parent)

    notifications_mark_all_read(user=request.user)

    assert member_notifications(request)["unread_notification_count"]() == 0


def test_withdrawing_in_the_same_request_stops_participation_at_once(member, consent_documents):
    user = loaded(member)
    assert member_can_take_part(user)

    consent_withdraw(user=user)

    assert not member_can_take_part(user)


def test_accepting_in_the_same_request_ends_onboarding_at_once(parent, consent_documents):
    user = loaded(parent)
    assert member_needs_onboarding(user)

    consent_accept(user=user, documents=consent_documents)

    assert not member_needs_onboarding(user)


@pytest.mark.parametrize("backend", [MemberModelBackend, MemberAuthenticationBackend])
def test_backends_load_the_request_state_and_refuse_inactive_users(backend, member):
    user = backend().get_user(member.pk)
    assert user.has_current_consent is True
    assert user.has_staff_role is False
    assert user.unread_notification_count == 0

    member.is_active = False
    member.save()
    assert backend().get_user(member.pk) is None
    assert backend().get_user(0) is None


# --- kept between requests (community.request_state) ---


def test_a_kept_request_state_costs_no_query(member, django_assert_num_queries):
    user_with_request_state(member.pk)

    with django_assert_num_queries(0):
        user = user_with_request_state(member.pk)

    assert user == member and user.has_current_consent is True


def _moderator_group():
    return Group.objects.get(name=Role.MODERATOR)


def _no_setup(user, documents):
    pass


def _moderator(user, documents):
    user.groups.add(_moderator_group())


def _unread(user, documents):
    NotificationFactory(recipient=user)


def _group_renamed(user, documents):
    group = _moderator_group()
    group.name = "Oud-moderatoren"
    group.save()


# (what the user had before, the change, the field it shows in, its value after)
REQUEST_STATE_CHANGES = {
    "role given": (_no_setup, _moderator, "has_staff_role", True),
    "role given by the group": (
        _no_setup,
        lambda user, documents: Group.objects.get(name=Role.RESEARCHER).user_set.add(user),
        "has_staff_role",
        True,
    ),
    "roles taken": (
        _moderator,
        lambda user, documents: user.groups.clear(),
        "has_staff_role",
        False,
    ),
    "group emptied": (
        _moderator,
        lambda user, documents: _moderator_group().user_set.clear(),
        "has_staff_role",
        False,
    ),
    "group renamed": (_moderator, _group_renamed, "has_staff_role", False),
    "consent withdrawn": (
        _no_setup,
        lambda user, documents: consent_withdraw(user=user),
        "has_current_consent",
        False,
    ),
    "new version published": (
        _no_setup,
        lambda user, documents: publish_new_version(documents[0]),
        "has_current_consent",
        False,
    ),
    "notified": (
        _no_setup,
        lambda user, documents: notification_create(
            recipient=user, kind=NotificationKind.PROBE, title={"nl": "V", "en": "Q"}, url="/"
        ),
        "unread_notification_count",
        1,
    ),
    "all read": (
        _unread,
        lambda user, documents: notifications_mark_all_read(user=user),
        "unread_notification_count",
        0,
    ),
    "pseudonym changed": (
        _no_setup,
        lambda user, documents: member_pseudonym_set(user=user, pseudonym="Nieuwe naam"),
        "pseudonym",
        "Nieuwe naam",
    ),
}


@pytest.mark.parametrize("name", REQUEST_STATE_CHANGES)
def test_a_change_to_the_request_state_shows_on_the_next_request(member, consent_documents, name):
    setup, change, field, expected = REQUEST_STATE_CHANGES[name]
    setup(member, consent_documents)
    kept = user_with_request_state(member.pk)
    assert getattr(kept, field) != expected

    change(member, consent_documents)

    assert getattr(user_with_request_state(member.pk), field) == expected


@pytest.mark.parametrize("end", ["deactivated", "deleted"])
def test_an_ended_account_is_logged_out_on_its_next_request(client, member, end):
    client.force_login(member)
    assert client.get(reverse("member_dashboard")).status_code == HTTPStatus.OK  # kept

    if end == "deactivated":
        member.is_active = False
        member.save()
    else:
        member.delete()
    response = client.get(reverse("member_dashboard"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_a_password_changed_elsewhere_ends_the_other_sessions(client, member):
    client.force_login(member)
    assert client.get(reverse("member_dashboard")).status_code == HTTPStatus.OK  # kept

    member.set_password("een-heel-nieuw-wachtwoord")
    member.save()

    assert client.get(reverse("member_dashboard")).status_code == HTTPStatus.FOUND
