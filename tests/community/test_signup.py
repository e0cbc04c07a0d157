"""Signing up, verifying the e-mail address, logging in, resetting the password and changing
the address: allauth in the site's own pages, with its rate limits and without revealing who
is registered."""

import re
import time
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.conf import settings as django_settings
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import translation

from community.models import User
from tests.community.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "een-lang-wachtwoord-42"


def signup(
    client,
    email: str,
    password: str = GOOD_PASSWORD,
    password2: str | None = None,
    language: str = "en",
):
    prefix = "/en" if language == "en" else ""
    return client.post(
        f"{prefix}/accounts/signup/",
        {"email": email, "password1": password, "password2": password2 or password},
    )


def mailed_link(message) -> str:
    """The path of the first link to this site in an e-mail."""
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


# --- signing up -------------------------------------------------------------------------


def test_signup_sends_a_verification_mail_and_remembers_the_language(client, mailoutbox):
    response = signup(client, "nieuw@example.org")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/accounts/confirm-email/"
    user = User.objects.get(email="nieuw@example.org")
    assert user.language == "en"
    assert user.pseudonym == ""
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session
    [message] = mailoutbox
    assert message.to == ["nieuw@example.org"]
    assert "/en/accounts/confirm-email/" in message.body
    assert "The link works for 3 days." in message.body

    page = client.get(response["Location"])
    assert "Check your e-mail" in page.content.decode()


def test_dutch_signup_keeps_dutch_for_our_emails(client):
    signup(client, "nieuw@example.org", language="nl")

    assert User.objects.get(email="nieuw@example.org").language == "nl"


@pytest.mark.parametrize(
    ("email", "password", "password2", "field", "message"),
    [
        ("geen-adres", GOOD_PASSWORD, None, "email", "Enter a valid email address."),
        ("ouder@", GOOD_PASSWORD, None, "email", "Enter a valid email address."),
        ("", GOOD_PASSWORD, None, "email", "This field is required."),
        (
            "ouder@example.org",
            "kort",
            None,
            "password1",
            "This password is too short. Use at least 10 characters.",
        ),
        ("ouder@example.org", "qwertyuiop", None, "password1", "This password is too common."),
        (
            "ouder@example.org",
            "4829173650",
            None,
            "password1",
            "This password is entirely numeric.",
        ),
        (
            "janssens.marie@example.org",
            "janssens.marie",
            None,
            "password1",
            "This password is too much like your e-mail address.",
        ),
        (
            "ouder@example.org",
            GOOD_PASSWORD,
            "een-ander-wachtwoord-42",
            "password2",
            "The two passwords are not the same. Type the same one twice.",
        ),
    ],
)
def test_bad_signup_is_refused_at_the_field_keeping_the_address(
    client, mailoutbox, email, password, password2, field, message
):
    response = signup(client, email, password, password2)

    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors
    assert errors[field] == [message]
    html = response.content.decode()
    assert "field--error" in html
    if email:
        assert f'value="{email}"' in html
    assert not User.objects.exists()
    assert not mailoutbox


def test_numeric_common_password_gets_both_reasons(client):
    response = signup(client, "ouder@example.org", "1234567890")

    assert response.context["form"].errors["password1"] == [
        "This password is too common.",
        "This password is entirely numeric.",
    ]


def test_signup_errors_are_in_dutch_on_the_dutch_page(client):
    bad_address = signup(client, "geen-adres", language="nl")
    common_password = signup(client, "ouder@example.org", "qwertyuiop", language="nl")

    assert bad_address.context["form"].errors["email"] == ["Voer een geldig e-mailadres in."]
    assert common_password.context["form"].errors["password1"] == ["Dit wachtwoord is te algemeen."]


# --- verifying the address --------------------------------------------------------------


def test_verification_link_logs_the_new_parent_in_and_leads_to_onboarding(client, mailoutbox):
    signup(client, "nieuw@example.org")
    link = mailed_link(mailoutbox[0])

    page = client.get(link)
    assert "Confirm that <strong>nieuw@example.org</strong> is your e-mail address." in (
        page.content.decode()
    )
    response = client.post(link)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/welcome/"
    assert EmailAddress.objects.get(email="nieuw@example.org").verified
    assert client.session["_auth_user_id"]


def test_reused_verification_link_says_the_address_is_already_confirmed(client, mailoutbox):
    signup(client, "nieuw@example.org")
    link = mailed_link(mailoutbox[0])
    client.post(link)

    response = client.get(link)

    html = response.content.decode()
    assert "This link was already used: your e-mail address is confirmed." in html
    assert 'name="csrfmiddlewaretoken"' not in html.split("<main", 1)[1].split("</main>")[0]


def test_expired_verification_link_says_so_and_confirms_nothing(client, monkeypatch):
    user = UserFactory(email="laat@example.org", verified_email=False)
    address = EmailAddress.objects.get(user=user)
    four_days_ago = int(time.time()) - 4 * 24 * 60 * 60
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(four_days_ago)
    )
    key = EmailConfirmationHMAC(address).key
    monkeypatch.undo()
    link = f"/en/accounts/confirm-email/{key}/"

    page = client.get(link)
    posted = client.post(link)

    assert "This link has expired: a link works for 3 days." in page.content.decode()
    assert posted.status_code == HTTPStatus.NOT_FOUND
    address.refresh_from_db()
    assert not address.verified


def test_broken_verification_link_says_it_does_not_work(client):
    response = client.get("/en/accounts/confirm-email/not-a-real-key/")

    assert "This link does not work." in response.content.decode()


def test_logging_in_before_verifying_sends_a_new_link(client, mailoutbox):
    UserFactory(email="nieuw@example.org", pseudonym="", verified_email=False)

    response = client.post(
        "/en/accounts/login/", {"login": "nieuw@example.org", "password": TEST_PASSWORD}
    )

    assert response["Location"] == "/en/accounts/confirm-email/"
    assert len(mailoutbox) == 1
    assert "_auth_user_id" not in client.session


# --- not revealing who is registered ----------------------------------------------------


def test_login_answers_the_same_for_a_registered_and_an_unknown_address(client):
    UserFactory(email="bekend@example.org")

    known = client.post("/en/accounts/login/", {"login": "bekend@example.org", "password": "fout"})
    unknown = client.post(
        "/en/accounts/login/", {"login": "onbekend@example.org", "password": "fout"}
    )

    assert known.status_code == unknown.status_code == HTTPStatus.OK
    assert (
        known.context["form"].errors
        == unknown.context["form"].errors
        == {
            "__all__": [
                "This e-mail address and password do not belong together. Check both and try again."
            ]
        }
    )


def test_signup_answers_the_same_for_a_registered_and_a_new_address(client, mailoutbox):
    UserFactory(email="bekend@example.org")

    known = signup(client, "bekend@example.org")
    new = signup(client, "nieuw@example.org")

    assert known.status_code == new.status_code == HTTPStatus.FOUND
    assert known["Location"] == new["Location"] == "/en/accounts/confirm-email/"
    assert User.objects.filter(email="bekend@example.org").count() == 1
    # The owner of the registered address learns about the attempt, nobody else does.
    assert sorted(message.to[0] for message in mailoutbox) == [
        "bekend@example.org",
        "nieuw@example.org",
    ]


CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def signup_answer(email: str) -> tuple:
    """What a stranger sees when signing up with `email` in a fresh browser: the redirects
    followed, the final status and page, its CSRF token (different per browser by design)
    masked."""
    response = Client().post(
        "/en/accounts/signup/",
        {"email": email, "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
        follow=True,
    )
    return (
        response.redirect_chain,
        response.status_code,
        CSRF_TOKEN.sub(r"\1…\2", response.content.decode()),
    )


def test_signup_answers_the_same_whatever_the_address_and_the_rate_limits(mailoutbox):
    UserFactory(email="geverifieerd@example.org")
    UserFactory(email="onbevestigd@example.org", pseudonym="", verified_email=False)
    signup(Client(), "herhaald@example.org")

    answers = {
        "new address": signup_answer("nieuw@example.org"),
        "same new address again within 3 minutes": signup_answer("herhaald@example.org"),
        "verified account": signup_answer("geverifieerd@example.org"),
        "unverified account": signup_answer("onbevestigd@example.org"),
    }

    new = answers.pop("new address")
    assert new[:2] == ([("/en/accounts/confirm-email/", HTTPStatus.FOUND)], HTTPStatus.OK)
    assert "Check your e-mail" in new[2]
    for case, answer in answers.items():
        assert answer == new, case
    # The rate limit still holds: the repeated address got its one mail, not a second.
    assert sorted(message.to[0] for message in mailoutbox) == [
        "geverifieerd@example.org",
        "herhaald@example.org",
        "nieuw@example.org",
        "onbevestigd@example.org",
    ]


def test_password_reset_answers_the_same_for_a_registered_and_an_unknown_address(
    client, mailoutbox
):
    UserFactory(email="bekend@example.org")

    known = client.post("/en/accounts/password/reset/", {"email": "bekend@example.org"})
    unknown = client.post("/en/accounts/password/reset/", {"email": "onbekend@example.org"})

    assert known.status_code == unknown.status_code == HTTPStatus.FOUND
    assert known["Location"] == unknown["Location"] == "/en/accounts/password/reset/done/"
    assert [message.to for message in mailoutbox] == [
        ["bekend@example.org"],
        ["onbekend@example.org"],
    ]


# --- rate limits ------------------------------------------------------------------------


def test_rate_limits_are_set_explicitly():
    limits = django_settings.ACCOUNT_RATE_LIMITS

    assert limits["login_failed"] == "10/m/ip,5/5m/key"
    assert limits["signup"] == "20/m/ip"
    assert limits["reset_password"] == "20/m/ip,5/m/key"
    assert limits["confirm_email"] == "1/3m/key"


def test_five_wrong_passwords_block_the_account_for_a_while(client):
    UserFactory(email="ouder@example.org")
    for _attempt in range(5):
        client.post("/en/accounts/login/", {"login": "ouder@example.org", "password": "fout"})

    response = client.post(
        "/en/accounts/login/", {"login": "ouder@example.org", "password": TEST_PASSWORD}
    )

    assert response.context["form"].errors["__all__"] == [
        "You typed a wrong password too often. Wait 5 minutes and try again, or "
        '<a href="/en/accounts/password/reset/">choose a new password</a>.'
    ]
    assert "_auth_user_id" not in client.session


def test_one_verification_mail_per_address_every_three_minutes(client, mailoutbox):
    UserFactory(email="nieuw@example.org", pseudonym="", verified_email=False)
    for _attempt in range(3):
        client.post(
            "/en/accounts/login/", {"login": "nieuw@example.org", "password": TEST_PASSWORD}
        )

    assert len(mailoutbox) == 1


# --- password reset and e-mail change ---------------------------------------------------


def test_password_reset_by_mail_link_sets_a_new_password_once(client, mailoutbox, member):
    # A fixed name: a random one like "Koert" would make "kort" too much like the name too.
    member.first_name, member.last_name = "Els", "Peeters"
    member.save()
    client.post("/en/accounts/password/reset/", {"email": member.email})
    link = mailed_link(mailoutbox[0])

    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0]
    bad = client.post(action, {"password1": "kort", "password2": "kort"})
    assert bad.context["form"].errors["password1"] == [
        "This password is too short. Use at least 10 characters."
    ]
    done = client.post(action, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})

    assert done["Location"] == "/en/accounts/password/reset/key/done/"
    member.refresh_from_db()
    assert member.check_password(GOOD_PASSWORD)
    used = client.get(link, follow=True)
    assert "The link to choose a new password was already used" in used.content.decode()


def test_changing_the_address_takes_effect_only_after_verifying_the_new_one(
    client, mailoutbox, member
):
    client.force_login(member)

    response = client.post(
        "/en/accounts/email/", {"action_add": "", "email": "nieuw.adres@example.org"}
    )

    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert member.email == "ouder@example.org"
    page = client.get("/en/accounts/email/").content.decode()
    assert "We sent a link to <strong>nieuw.adres@example.org</strong>." in page
    client.post(mailed_link(mailoutbox[-1]))
    member.refresh_from_db()
    assert member.email == "nieuw.adres@example.org"
    assert list(member.emailaddress_set.values_list("email", "verified", "primary")) == [
        ("nieuw.adres@example.org", True, True)
    ]


def test_changing_to_a_malformed_address_is_refused_at_the_field(client, member):
    client.force_login(member)

    response = client.post("/en/accounts/email/", {"action_add": "", "email": "geen-adres"})

    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert 'value="geen-adres"' in response.content.decode()


# --- every allauth page a parent meets, in our layout -----------------------------------

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/not-a-key/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-not-a-key/",
    "/accounts/password/reset/key/done/",
    "/accounts/inactive/",
]
MEMBER_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/accounts/sessions/",
]


def assert_in_site_layout(response, language: str) -> None:
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK, html[:500]
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html
    assert '<main id="main"' in html
    assert html.count("<h1") == 1
    assert 'style="' not in html
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script, script


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_account_pages_for_visitors_use_the_site_layout(client, path, language):
    prefix = "/en" if language == "en" else ""

    response = client.get(f"{prefix}{path}", follow=True)

    assert_in_site_layout(response, language)


@pytest.mark.parametrize("path", MEMBER_PAGES)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_account_pages_for_members_use_the_site_layout_and_link_back(
    client, member, path, language
):
    client.force_login(member)
    prefix = "/en" if language == "en" else ""

    response = client.get(f"{prefix}{path}")

    assert_in_site_layout(response, language)
    with translation.override(language):
        assert f'href="{reverse("member_dashboard")}"' in response.content.decode()


def test_login_page_is_translated(client):
    dutch = client.get("/accounts/login/").content.decode()
    english = client.get("/en/accounts/login/").content.decode()

    assert "Wachtwoord vergeten?" in dutch
    assert "Forgot your password?" in english
