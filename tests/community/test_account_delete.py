"""Delete my account: confirmed with the password; afterwards no row names the member."""

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from community.models import (
    ConsentDocument,
    ConsentKind,
    ConsentRecord,
    MemberProfile,
    Notification,
    NotificationPreference,
    Role,
    Segment,
    User,
)
from community.services.accounts import account_delete
from projects.models import Post, Reaction
from tests.community.factories import TEST_PASSWORD, UserFactory, totp_activate
from tests.projects.factories import PostFactory, ReactionFactory

pytestmark = pytest.mark.django_db

EMAIL = "zonnebloem.thuis@example.org"
SECOND_EMAIL = "tweede.adres@example.org"
PSEUDONYM = "Zonnebloem"


def rows_mentioning(*needles: str) -> list[str]:
    """Every row, in every table of every app, with a needle in a text, JSON or e-mail field."""
    hits = []
    for model in apps.get_models(include_auto_created=True):
        options = model._meta
        if options.proxy or not options.managed:
            continue
        fields = [
            field.name
            for field in options.local_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        condition = models.Q()
        for name in fields:
            for needle in needles:
                condition |= models.Q(**{f"{name}__icontains": needle})
        for row in model._base_manager.filter(condition).values("pk", *fields):
            hits.append(f"{options.label}: {row}")
    return hits


@pytest.fixture
def member(db):
    return UserFactory(email=EMAIL, pseudonym=PSEUDONYM, first_name="An", last_name="Peeters")


@pytest.fixture
def neighbour(db):
    return UserFactory(email="buur@example.org", pseudonym="Klaproos")


@pytest.fixture
def admin(db):
    return UserFactory(email="beheer@example.org", roles=[Role.ADMIN], is_staff=True)


@pytest.fixture
def footprint(member, neighbour, admin, topic_page):
    """A member who did everything: profile, consent, posts, replies, reactions, sessions,
    two-factor, a second address, notifications both ways, a segment, audit-log entries."""
    terms = ConsentDocument.objects.create(
        kind=ConsentKind.RESEARCH_TERMS, title="Voorwaarden", body="<p>x</p>", live=True, version=1
    )
    ConsentRecord.objects.create(user=member, document=terms, version=1, action="accepted")
    profile = MemberProfile.objects.create(user=member, province="limburg")
    profile.children.create(month="2024-03-01")
    profile.home_languages.create(language="tr")
    EmailAddress.objects.create(user=member, email=SECOND_EMAIL, verified=False, primary=False)
    totp_activate(member)
    NotificationPreference.objects.create(user=member, kind="reply", frequency="weekly")
    title = {"nl": "Eerste nacht", "en": "First night"}
    Notification.objects.create(recipient=member, actor=neighbour, kind="reply", params=title)
    Notification.objects.create(recipient=neighbour, actor=member, kind="reply", params=title)
    segment = Segment.objects.create(name="Limburg", created_by=admin)
    segment.invited_members.add(member)
    segment.save()

    answer = PostFactory(topic=topic_page, author=member, body="<p>Mijn eerste nacht</p>")
    lonely = PostFactory(topic=topic_page, author=member, body="<p>Niemand reageerde</p>")
    neighbours_reply = PostFactory(parent=answer, author=neighbour, body="<p>Bij ons ook</p>")
    neighbours_answer = PostFactory(topic=topic_page, author=neighbour, body="<p>Van de buur</p>")
    own_reply = PostFactory(parent=neighbours_answer, author=member, body="<p>Herkenbaar</p>")
    ReactionFactory(post=neighbours_answer, user=member)
    ReactionFactory(post=answer, user=neighbour)

    # Audit trail about the account: Wagtail's log labels it with the e-mail address.
    log(instance=member, action="community.role_given", user=admin, data={"role": "Moderators"})
    log(
        instance=member,
        action="community.role_taken",
        user=admin,
        data={"role": "Moderators", "note": f"asked by {PSEUDONYM}"},
    )
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(member),
        object_id=str(member.pk),
        object_repr=str(member),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["First name"]}}]',
    )
    assert rows_mentioning(EMAIL, SECOND_EMAIL, PSEUDONYM)  # the scan does find them
    return {
        "answer": answer,
        "lonely": lonely,
        "neighbours_reply": neighbours_reply,
        "neighbours_answer": neighbours_answer,
        "own_reply": own_reply,
    }


def dutch(message: str) -> str:
    """The Dutch text of a message, as the site shows it (and as the Dutch default stores it)."""
    with translation.override("nl"):
        return translation.gettext(message)


def log_in(client: Client, email: str = EMAIL) -> None:
    """Log in through allauth's form, as a browser does (this records the session)."""
    response = client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND, response.content


def test_after_deletion_no_row_holds_the_email_address_or_pseudonym(member, footprint):
    account_delete(user=member, remove_contributions=False)
    assert rows_mentioning(EMAIL, SECOND_EMAIL, PSEUDONYM) == []


def test_after_deletion_posts_stay_under_a_former_member_with_their_text(
    member, neighbour, footprint
):
    account_delete(user=member, remove_contributions=False)

    for key in ("answer", "lonely", "own_reply"):
        post = Post.objects.get(pk=footprint[key].pk)
        assert post.author is None
        assert post.body == footprint[key].body
    assert Post.objects.get(pk=footprint["neighbours_reply"].pk).parent_id == footprint["answer"].pk
    assert Post.objects.filter(author=neighbour).count() == 2


def test_after_deletion_personal_rows_are_gone_and_the_audit_trail_stays_anonymous(
    member, neighbour, admin, footprint
):
    pk = member.pk
    account_delete(user=member, remove_contributions=False)

    assert not User.objects.filter(pk=pk).exists()
    for model in (MemberProfile, ConsentRecord, NotificationPreference, Reaction):
        assert not model.objects.filter(**{"user_id": pk}).exists(), model
    assert not EmailAddress.objects.filter(user_id=pk).exists()
    assert not Authenticator.objects.filter(user_id=pk).exists()
    assert not UserSession.objects.filter(user_id=pk).exists()
    assert not Notification.objects.filter(recipient_id=pk).exists()
    caused = Notification.objects.exclude(kind="new_topic").get(recipient=neighbour)
    assert caused.actor is None
    assert caused.text.startswith(dutch("A former member"))
    assert Reaction.objects.filter(user=neighbour).exists()
    assert not Segment.invited_members.through.objects.filter(user_id=pk).exists()

    entries = ModelLogEntry.objects.filter(object_id=str(pk)).order_by("pk")
    assert [entry.action for entry in entries] == [
        "community.role_given",
        "community.role_taken",
    ]
    former_member = dutch("former member")
    assert {entry.label for entry in entries} == {former_member}
    assert entries[0].data == {"role": "Moderators"}
    assert entries[1].data == {"role": "Moderators", "note": former_member}
    assert entries[0].user_id == admin.pk
    assert LogEntry.objects.get(object_id=str(pk)).object_repr == former_member


def test_removing_posts_keeps_replies_by_others_under_an_empty_placeholder(
    member, neighbour, footprint
):
    account_delete(user=member, remove_contributions=True)

    assert not Post.objects.filter(pk=footprint["lonely"].pk).exists()
    assert not Post.objects.filter(pk=footprint["own_reply"].pk).exists()
    placeholder = Post.objects.get(pk=footprint["answer"].pk)
    assert (placeholder.author, placeholder.body, placeholder.text) == (None, "", "")
    assert placeholder.removed_at is not None
    reply = Post.objects.get(pk=footprint["neighbours_reply"].pk)
    assert (reply.author, reply.parent_id, reply.body) == (
        neighbour,
        placeholder.pk,
        "<p>Bij ons ook</p>",
    )
    assert Post.objects.filter(pk=footprint["neighbours_answer"].pk).exists()
    assert Post.objects.exclude(body="").filter(author__isnull=True).count() == 0
    assert rows_mentioning(EMAIL, SECOND_EMAIL, PSEUDONYM, "Mijn eerste nacht") == []


def test_removing_posts_takes_the_members_replies_to_their_own_answer_too(member, topic_page):
    answer = PostFactory(topic=topic_page, author=member)
    PostFactory(parent=answer, author=member)
    account_delete(user=member, remove_contributions=True)
    assert not Post.objects.exists()


def test_staff_accounts_cannot_be_deleted_here(admin):
    with pytest.raises(ValidationError):
        account_delete(user=admin, remove_contributions=False)
    assert User.objects.filter(pk=admin.pk).exists()


def test_delete_page_asks_for_the_password_and_offers_to_remove_posts(client, member):
    client.force_login(member)
    response = client.get(reverse("account_delete"))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert 'name="password"' in html
    assert 'autocomplete="current-password"' in html
    assert 'name="remove_contributions"' in html
    assert reverse("personal_data") in html


def test_wrong_password_is_refused_at_the_field_and_changes_nothing(client, member, footprint):
    client.force_login(member)
    response = client.post(
        reverse("account_delete"), {"password": "not-my-password", "remove_contributions": "on"}
    )
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert form.errors["password"]
    assert list(form.errors) == ["password"]
    assert form["remove_contributions"].value() is True  # what was ticked stays ticked
    assert 'class="field field--error"' in response.content.decode()
    member.refresh_from_db()
    assert Post.objects.filter(author=member).count() == 3
    assert client.get(reverse("member_dashboard")).status_code == HTTPStatus.OK


def test_empty_password_is_refused(client, member):
    client.force_login(member)
    response = client.post(reverse("account_delete"), {"password": ""})
    assert response.context["form"].errors["password"]
    assert User.objects.filter(pk=member.pk).exists()


def test_member_deletes_account_and_is_logged_out_everywhere(member, topic_page):
    PostFactory(topic=topic_page, author=member)
    browser, phone = Client(), Client()
    log_in(browser)
    log_in(phone)
    sessions = set(UserSession.objects.filter(user=member).values_list("session_key", flat=True))
    assert len(sessions) == 2

    response = browser.post(reverse("account_delete"), {"password": TEST_PASSWORD}, follow=True)

    assert response.redirect_chain[0] == ("/", HTTPStatus.FOUND)
    assert dutch("Your account is deleted. Thank you for taking part in Meet the Parents.") in (
        response.content.decode()
    )
    assert not User.objects.filter(email=EMAIL).exists()
    assert not Session.objects.filter(session_key__in=sessions).exists()
    for client in (browser, phone):
        response = client.get(reverse("member_dashboard"))
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login"))
    assert authenticate(email=EMAIL, password=TEST_PASSWORD) is None
    response = Client().post(reverse("account_login"), {"login": EMAIL, "password": TEST_PASSWORD})
    assert response.status_code == HTTPStatus.OK  # the form again, with an error
    assert Post.objects.filter(author__isnull=True).count() == 1  # kept: the box was not ticked


def test_member_who_ticks_the_box_has_their_posts_removed(client, member, footprint):
    client.force_login(member)
    client.post(
        reverse("account_delete"), {"password": TEST_PASSWORD, "remove_contributions": "on"}
    )
    assert not Post.objects.filter(pk=footprint["lonely"].pk).exists()
    assert Post.objects.get(pk=footprint["answer"].pk).body == ""


def test_deleting_in_english_returns_to_the_english_home_page(client, member):
    client.force_login(member)
    with translation.override("en"):
        url = reverse("account_delete")
    response = client.post(url, {"password": TEST_PASSWORD})
    assert response["Location"] == "/en/"


@pytest.mark.parametrize("role", ["moderator", "researcher", "admin"])
def test_staff_are_told_an_administrator_removes_their_account(client_for_role, role):
    client = client_for_role(role)
    response = client.get(reverse("account_delete"))
    assert response.status_code == HTTPStatus.OK
    assert 'name="password"' not in response.content.decode()
    assert response.context["staff"] is True
    response = client.post(reverse("account_delete"), {"password": TEST_PASSWORD})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert User.objects.filter(pk=response.wsgi_request.user.pk).exists()
