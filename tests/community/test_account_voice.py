"""The account pages and mails speak our plain Dutch and English, not allauth's stock wording;
each event shows one flash message; the lockout says how long to wait; dates read alike."""

import datetime
import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, hotp_value
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from community.adapter import rate_limit_wait_minutes
from community.models import Role
from tests.community.factories import (
    TEST_PASSWORD,
    NotificationFactory,
    UserFactory,
    totp_activate,
)
from tests.conftest import login_with_two_factor

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "een-lang-wachtwoord-42"

# allauth's own wording, in Dutch and English, that must never reach a member.
STOCK_PHRASES = [
    "Bevestigings e-mail",
    "ingelegd",
    "Je bent nu ingelogd",
    "Wachtwoord wijziging geslaagd",
    "niet correct",
    "Probeer het later nogmaals",
    "Sign In",
    "Sign Out",
    "Password Reset",
    "Remember Me",
    "Successfully signed in",
    "Try again later",
    "Bad Token",
    "Authenticator App",
    "Recovery Codes",
]


def prefix(language: str) -> str:
    return "/en" if language == "en" else ""


def main_of(response) -> str:
    html = response.content.decode()
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def flash_messages(response) -> list[str]:
    """The flash messages shown on a page (components/messages.html)."""
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r'<p class="alert alert--\w+">(.*?)</p>', main_of(response), re.S)
    ]


def assert_no_stock_wording(text: str) -> None:
    for phrase in STOCK_PHRASES:
        assert phrase not in text, phrase


def log_in(client: Client, email: str, password: str = TEST_PASSWORD, language: str = "nl"):
    return client.post(
        f"{prefix(language)}/accounts/login/", {"login": email, "password": password}, follow=True
    )


# --- pages ------------------------------------------------------------------------------

VISITOR_PAGES = [
    ("/accounts/login/", "Nog geen account?", "No account yet?"),
    ("/accounts/signup/", "Word lid van Meet the Parents", "Join Meet the Parents"),
    ("/accounts/confirm-email/", "Kijk in je mailbox", "Check your e-mail"),
    (
        "/accounts/password/reset/",
        "We sturen je een link om een nieuw te kiezen.",
        "We send you a link to choose a new one.",
    ),
    (
        "/accounts/password/reset/done/",
        "Hoort dit adres bij een account?",
        "If this address belongs to an account",
    ),
    (
        "/accounts/password/reset/key/1-not-a-key/",
        "De link om een nieuw wachtwoord te kiezen is al gebruikt, of hij is te oud.",
        "The link to choose a new password was already used, or it is too old.",
    ),
    (
        "/accounts/password/reset/key/done/",
        "Vanaf nu meld je je aan met je nieuwe wachtwoord.",
        "From now on you log in with your new password.",
    ),
    ("/accounts/inactive/", "Dit account is afgesloten", "This account is closed"),
]
MEMBER_PAGES = [
    (
        "/accounts/logout/",
        "Wil je je afmelden bij Meet the Parents op dit toestel?",
        "Do you want to log out of Meet the Parents on this device?",
    ),
    ("/accounts/password/change/", "Wijzig je wachtwoord", "Change your password"),
    ("/accounts/email/", "Nieuw e-mailadres", "New e-mail address"),
    ("/accounts/reauthenticate/", "Vul je wachtwoord in", "Enter your password"),
    ("/accounts/sessions/", "Waar je aangemeld bent", "Where you are logged in"),
]
STAFF_PAGES = [
    ("/accounts/2fa/", "Zo raakt niemand anders binnen", "nobody else gets in"),
    (
        "/accounts/2fa/totp/deactivate/",
        "Tweestapsverificatie uitzetten",
        "Turn off two-factor authentication",
    ),
    ("/accounts/2fa/recovery-codes/", "Je herstelcodes", "Your recovery codes"),
    (
        "/accounts/2fa/recovery-codes/generate/",
        "Nieuwe herstelcodes maken",
        "Generate new recovery codes",
    ),
]


def assert_our_wording(response, language: str, dutch: str, english: str) -> None:
    assert response.status_code == HTTPStatus.OK
    text = re.sub(r"\s+", " ", main_of(response))
    assert (dutch if language == "nl" else english) in text
    assert_no_stock_wording(text)


@pytest.mark.parametrize(("path", "dutch", "english"), VISITOR_PAGES)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_account_pages_for_visitors_speak_our_words(client, path, dutch, english, language):
    response = client.get(f"{prefix(language)}{path}")

    assert_our_wording(response, language, dutch, english)


@pytest.mark.parametrize(("path", "dutch", "english"), MEMBER_PAGES)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_account_pages_for_members_speak_our_words(client, member, path, dutch, english, language):
    client.force_login(member)

    response = client.get(f"{prefix(language)}{path}")

    assert_our_wording(response, language, dutch, english)


@pytest.mark.parametrize(("path", "dutch", "english"), STAFF_PAGES)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_two_factor_pages_speak_our_words(client, researcher, path, dutch, english, language):
    login_with_two_factor(client, researcher)
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})

    response = client.get(f"{prefix(language)}{path}")

    assert_our_wording(response, language, dutch, english)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_two_factor_setup_and_code_pages_speak_our_words(client, language):
    staff = UserFactory(roles=[Role.RESEARCHER])
    client.post("/accounts/login/", {"login": staff.email, "password": TEST_PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})

    activate = client.get(f"{prefix(language)}/accounts/2fa/totp/activate/")
    wrong = client.post(f"{prefix(language)}/accounts/2fa/totp/activate/", {"code": "000000"})

    assert_our_wording(
        activate,
        language,
        "Installeer een authenticator-app op je telefoon",
        "Install an authenticator app on your phone",
    )
    assert_our_wording(
        wrong,
        language,
        "Deze code klopt niet. Typ de code die je app nu toont.",
        "This code is not right. Type the code your app shows now.",
    )


def test_every_account_form_leaves_checking_to_our_translated_messages(client, member):
    pages = [path for path, _dutch, _english in VISITOR_PAGES[:2] + VISITOR_PAGES[3:4]]
    forms = [main_of(client.get(path)) for path in pages]
    client.force_login(member)
    forms += [main_of(client.get(path)) for path, *_ in MEMBER_PAGES[1:4]]

    for html in forms:
        form_tags = re.findall(r"<form [^>]*>", html)
        assert form_tags, html[:300]
        for tag in form_tags:
            if 'method="post"' in tag and "logout-from-stage" not in tag:
                assert "novalidate" in tag, tag
        # The inputs still say what is required, for assistive technology.
        assert " required" in html


@pytest.mark.parametrize(
    ("path", "data", "field", "kept"),
    [
        ("/accounts/login/", {"login": "geen-adres", "password": "x"}, "login", "geen-adres"),
        ("/accounts/password/reset/", {"email": "ouder@"}, "email", "ouder@"),
        (
            "/accounts/signup/",
            {"email": "nieuw@example.org", "password1": GOOD_PASSWORD, "password2": "anders-42"},
            "password2",
            "nieuw@example.org",
        ),
    ],
)
def test_bad_input_is_named_next_to_the_field_in_dutch_keeping_the_text(
    client, path, data, field, kept
):
    response = client.post(path, data)

    assert response.status_code == HTTPStatus.OK
    html = main_of(response)
    field_block = re.search(
        rf'<div class="field field--error">(?:(?!<div class="field).)*id="id_{field}"', html, re.S
    )
    assert field_block, html
    assert f'value="{kept}"' in html
    assert "Enter a valid" not in html and "You must type" not in html


def test_two_different_passwords_get_our_sentence(client):
    response = client.post(
        "/en/accounts/signup/",
        {"email": "nieuw@example.org", "password1": GOOD_PASSWORD, "password2": "anders-42-x"},
    )

    assert response.context["form"].errors["password2"] == [
        "The two passwords are not the same. Type the same one twice."
    ]


def test_a_wrong_password_gets_our_sentence(client, member):
    response = client.post("/accounts/login/", {"login": member.email, "password": "fout"})

    assert response.context["form"].errors["__all__"] == [
        "Dit e-mailadres en wachtwoord horen niet bij elkaar. Kijk beide na en probeer het opnieuw."
    ]


# --- mails ------------------------------------------------------------------------------


def test_signup_mail_is_ours_in_dutch(client, mailoutbox):
    client.post(
        "/accounts/signup/",
        {"email": "nieuw@example.org", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )

    [message] = mailoutbox
    assert message.subject == "[Meet the Parents] Bevestig je e-mailadres"
    assert message.body.startswith("Dag,")
    assert "Open deze link om te bevestigen dat het adres van jou is" in message.body
    assert_no_stock_wording(message.body)


def test_password_reset_mail_is_ours_in_dutch(client, member, mailoutbox):
    client.post("/accounts/password/reset/", {"email": member.email})

    [message] = mailoutbox
    assert message.subject == "[Meet the Parents] Kies een nieuw wachtwoord"
    assert "vroeg een nieuw wachtwoord voor je account bij Meet the Parents" in message.body
    assert "Vroeg je er niet om? Negeer dan deze e-mail" in message.body
    assert "/accounts/password/reset/key/" in message.body
    assert_no_stock_wording(message.body)


def test_password_reset_for_an_unknown_address_mails_ours_in_dutch(client, mailoutbox):
    client.post("/accounts/password/reset/", {"email": "onbekend@example.org"})

    [message] = mailoutbox
    assert message.subject == "[Meet the Parents] Je vroeg een nieuw wachtwoord"
    assert "Maar geen enkel account gebruikt dit adres." in message.body
    assert "/accounts/signup/" in message.body
    assert_no_stock_wording(message.body)


def test_signing_up_with_a_registered_address_mails_ours_in_dutch(client, member, mailoutbox):
    client.post(
        "/accounts/signup/",
        {"email": member.email, "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )

    [message] = mailoutbox
    assert message.subject == "[Meet the Parents] Je hebt al een account"
    assert "Je hebt al een account met dit adres, dus we maakten geen tweede." in message.body
    assert "/accounts/password/reset/" in message.body
    assert_no_stock_wording(message.body)


def test_changing_the_address_mails_the_new_one_ours_in_dutch(client, member, mailoutbox):
    client.force_login(member)

    client.post("/accounts/email/", {"action_add": "", "email": "nieuw.adres@example.org"})

    [message] = mailoutbox
    assert message.to == ["nieuw.adres@example.org"]
    assert message.subject == "[Meet the Parents] Bevestig je e-mailadres"
    assert_no_stock_wording(message.body)


# --- one message per event --------------------------------------------------------------


def test_logging_in_shows_one_message(client, member):
    response = log_in(client, member.email)

    assert flash_messages(response) == ["Je bent aangemeld."]


def test_logging_out_shows_one_message(client, member):
    client.force_login(member)

    response = client.post("/accounts/logout/", follow=True)

    assert flash_messages(response) == ["Je bent afgemeld. Tot gauw!"]


def test_changing_the_password_shows_one_message(client, member):
    client.force_login(member)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
        follow=True,
    )

    assert flash_messages(response) == ["Je wachtwoord is gewijzigd."]


def test_a_wrong_current_password_is_named_at_its_field(client, member):
    client.force_login(member)

    response = client.post(
        "/en/accounts/password/change/",
        {"oldpassword": "fout", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )

    assert response.context["form"].errors["oldpassword"] == ["This is not your current password."]


def test_confirming_the_address_after_signing_up_says_it_once(client, consent_documents):
    client.post(
        "/accounts/signup/",
        {"email": "nieuw@example.org", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    link = re.search(r"https?://testserver(/\S+)", mail.outbox[-1].body).group(1)

    response = client.post(link, follow=True)

    assert response.redirect_chain[-1][0] == "/welkom/"
    # The onboarding page itself opens with "your e-mail address is confirmed".
    assert flash_messages(response) == []
    assert "Je e-mailadres is bevestigd." in main_of(response)


def test_confirming_the_address_in_another_browser_says_it_once(client, consent_documents):
    client.post(
        "/accounts/signup/",
        {"email": "nieuw@example.org", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    link = re.search(r"https?://testserver(/\S+)", mail.outbox[-1].body).group(1)

    response = Client().post(link, follow=True)

    assert flash_messages(response) == ["Je e-mailadres nieuw@example.org is bevestigd."]


def test_logging_in_unverified_says_check_your_mail_once(client):
    UserFactory(email="nieuw@example.org", pseudonym="", verified_email=False)

    response = log_in(client, "nieuw@example.org")

    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert flash_messages(response) == []
    assert main_of(response).count("We stuurden je een e-mail met een link.") == 1


def test_confirming_a_changed_address_shows_one_message(client, member):
    client.force_login(member)
    client.post("/accounts/email/", {"action_add": "", "email": "nieuw.adres@example.org"})
    link = re.search(r"https?://testserver(/\S+)", mail.outbox[-1].body).group(1)

    response = client.post(link, follow=True)

    assert flash_messages(response) == ["Je e-mailadres nieuw.adres@example.org is bevestigd."]
    assert EmailAddress.objects.get(email="nieuw.adres@example.org").verified


def test_a_new_password_by_mail_link_is_confirmed_once(client, member, mailoutbox):
    client.post("/accounts/password/reset/", {"email": member.email})
    link = re.search(r"https?://testserver(/\S+)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)

    response = client.post(
        form.redirect_chain[-1][0],
        {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/accounts/password/reset/key/done/"
    assert flash_messages(response) == []
    assert "Je wachtwoord is gewijzigd" in main_of(response)


def test_setting_up_the_authenticator_app_shows_one_message(client, monkeypatch):
    # As in production, where no test transaction is open: allauth adds its messages the
    # moment the new authenticators are committed, within the request.
    monkeypatch.setattr(transaction, "on_commit", lambda callback, *args, **kwargs: callback())
    staff = UserFactory(roles=[Role.RESEARCHER])
    client.post("/accounts/login/", {"login": staff.email, "password": TEST_PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    code = f"{hotp_value(secret, int(timezone.now().timestamp()) // 30):06d}"

    response = client.post("/accounts/2fa/totp/activate/", {"code": code}, follow=True)

    assert response.request["PATH_INFO"] == "/accounts/2fa/recovery-codes/"
    assert flash_messages(response) == [
        "Tweestapsverificatie staat aan. Bewaar je herstelcodes nu op een veilige plek."
    ]


# --- lockout ----------------------------------------------------------------------------


def test_the_lockout_says_how_long_to_wait_and_offers_a_new_password(client, member):
    for _attempt in range(5):
        client.post("/accounts/login/", {"login": member.email, "password": "fout"})

    response = client.post("/accounts/login/", {"login": member.email, "password": TEST_PASSWORD})

    html = main_of(response)
    assert "Je typte te vaak een verkeerd wachtwoord. Wacht 5 minuten" in html
    assert '<a href="/accounts/password/reset/">kies een nieuw wachtwoord</a>' in html
    assert "_auth_user_id" not in client.session


def test_the_english_lockout_links_to_the_english_reset_page(client, member):
    for _attempt in range(6):
        response = client.post("/en/accounts/login/", {"login": member.email, "password": "fout"})

    assert response.context["form"].errors["__all__"] == [
        "You typed a wrong password too often. Wait 5 minutes and try again, or "
        '<a href="/en/accounts/password/reset/">choose a new password</a>.'
    ]


def test_a_new_password_lifts_the_lockout(client, member, mailoutbox):
    for _attempt in range(6):
        client.post("/accounts/login/", {"login": member.email, "password": "fout"})
    client.post("/accounts/password/reset/", {"email": member.email})
    link = re.search(r"https?://testserver(/\S+)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0], {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )

    response = log_in(client, member.email, GOOD_PASSWORD)

    assert client.session["_auth_user_id"] == str(member.pk)
    assert flash_messages(response) == ["Je bent aangemeld."]


@pytest.mark.parametrize(
    ("limits", "minutes"),
    [("10/m/ip,5/5m/key", 5), ("5/300s/key", 5), ("3/90s/ip", 2), ("1/h/key", 60), ("", 1)],
)
def test_the_wait_is_the_longest_period_of_the_limit(settings, limits, minutes):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": limits}

    assert rate_limit_wait_minutes("login_failed") == minutes


def test_too_many_requests_get_our_page_in_dutch(client):
    for _attempt in range(5):
        client.post("/accounts/password/reset/", {"email": "ouder@example.org"})

    response = client.post("/accounts/password/reset/", {"email": "ouder@example.org"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    html = main_of(response)
    assert "Wacht een minuut en probeer het dan opnieuw." in html
    assert 'href="/accounts/password/reset/"' in html


def test_limits_answered_with_the_too_many_requests_page_last_a_minute_at_most():
    """The 429 page says "wait a minute": true only while these limits count per minute (the
    login lockout and the verification mails have their own wording)."""
    for action, rates in settings.ACCOUNT_RATE_LIMITS.items():
        if action in {"login_failed", "confirm_email"}:
            continue
        for rate in rates.split(","):
            assert rate.split("/")[1] in {"m", "1m", "60s"}, (action, rate)


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "date"), [("nl", "30 november 2026"), ("en", "30 November 2026")]
)
def test_dates_read_day_month_year_in_the_readers_language(client, member, language, date):
    notification = NotificationFactory(recipient=member)
    moment = timezone.make_aware(datetime.datetime(2026, 11, 30, 14, 5))
    type(notification).objects.filter(pk=notification.pk).update(created_at=moment)
    client.force_login(member)
    with translation.override(language):
        url = reverse("notification_list")

    response = client.get(url)

    assert f">{date}, 14:05</time>" in response.content.decode()


def test_the_date_format_is_defined_once_for_both_languages():
    with translation.override("en"):
        english = date_format(datetime.date(2026, 11, 30))
    with translation.override("nl"):
        dutch = date_format(datetime.date(2026, 11, 30))

    assert (dutch, english) == ("30 november 2026", "30 November 2026")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nl", "Je typte te vaak een verkeerde code. Wacht 5 minuten en probeer het dan opnieuw."),
        ("en", "You typed a wrong code too often. Wait 5 minutes and try again."),
    ],
)
def test_the_two_factor_lockout_speaks_of_the_code_not_the_password(
    client, researcher, language, message
):
    totp_activate(researcher)
    client.post(
        f"{prefix(language)}/accounts/login/",
        {"login": researcher.email, "password": TEST_PASSWORD},
    )
    for _attempt in range(6):
        response = client.post(f"{prefix(language)}/accounts/2fa/authenticate/", {"code": "000000"})

    assert response.context["form"].errors["code"] == [message]
    assert "_auth_user_id" not in client.session
