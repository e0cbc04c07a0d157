"""A parent joins, and a parent who forgot their password gets back in: real browser, phone
width, e-mails read from the test mailbox."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from community.models import User
from tests.browser.journeys import site_menu
from tests.community.factories import UserFactory, consent_accept_all, consent_documents_publish

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_PASSWORD = "een-nieuw-wachtwoord-42"


def mailed_link(live_server) -> str:
    """The link to this site in the latest e-mail."""
    return re.search(rf"{re.escape(live_server.url)}/\S+", mail.outbox[-1].body).group(0)


def assert_fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_parent_signs_up_verifies_chooses_a_pseudonym_and_reaches_the_dashboard(page, live_server):
    consent_documents_publish()

    page.goto("/en/")
    account = site_menu(page).get_by_role("navigation", name="Your account")
    account.get_by_role("link", name="Join").click()
    expect(page).to_have_url(re.compile(r"/en/accounts/signup/$"))
    page.locator("#id_email").fill("nieuw@example.org")
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    assert_fits_the_phone(page)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/en/accounts/confirm-email/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    assert mail.outbox[-1].to == ["nieuw@example.org"]

    page.goto(mailed_link(live_server))
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/en/welcome/$"))
    page.get_by_label("Pseudonym").fill("ab")
    page.get_by_label("I accept the research participation terms.").check()
    page.get_by_label("I accept the privacy notice.").check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_text("Choose a pseudonym of 3 to 30 characters.")).to_be_visible()
    expect(page.get_by_label("Pseudonym")).to_have_value("ab")
    expect(page.get_by_label("I accept the privacy notice.")).to_be_checked()
    assert_fits_the_phone(page)
    page.get_by_label("Pseudonym").fill("Mama Beer")
    page.get_by_role("button", name="Save and continue").click()

    # Projects first; the long profile form is an invitation for later.
    expect(page).to_have_url(re.compile(r"/en/my/$"))
    expect(page.get_by_text("Your research profile can wait")).to_be_visible()
    assert User.objects.members().filter(pseudonym="Mama Beer").exists()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_fits_the_phone(page)
    assert page.csp_violations == []


def test_parent_resets_a_forgotten_password_from_the_login_page(page, live_server):
    consent_documents_publish()
    parent = UserFactory(email="ouder@example.org", pseudonym="Mama Beer")
    consent_accept_all(parent)

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/$"))
    page.locator("#id_email").fill("ouder@example.org")
    assert_fits_the_phone(page)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))
    assert mail.outbox[-1].to == ["ouder@example.org"]

    page.goto(mailed_link(live_server))
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/.+/$"))
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    assert_fits_the_phone(page)
    page.locator("main form button[type=submit][name=action]").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/$"))

    page.goto("/accounts/login/")
    page.locator("#id_login").fill("ouder@example.org")
    page.locator("#id_password").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(site_menu(page).get_by_role("button", name="Afmelden")).to_be_visible()
    assert_fits_the_phone(page)
    assert page.csp_violations == []


def test_wrong_passwords_lock_the_login_for_minutes_and_lead_to_a_new_password(page, live_server):
    consent_documents_publish()
    parent = UserFactory(email="ouder@example.org", pseudonym="Mama Beer")
    consent_accept_all(parent)

    page.goto("/accounts/login/")
    for _attempt in range(6):
        page.locator("#id_login").fill("ouder@example.org")
        page.locator("#id_password").fill("niet-mijn-wachtwoord")
        page.locator("main form button[type=submit]").click()
        expect(page.locator("main .alert--error")).to_be_visible()

    lockout = page.locator("main .alert--error")
    expect(lockout).to_contain_text("Wacht 5 minuten en probeer het dan opnieuw")
    # The typed address stays; the browser's own English bubbles never show (novalidate).
    expect(page.locator("#id_login")).to_have_value("ouder@example.org")
    assert_fits_the_phone(page)
    lockout.get_by_role("link", name="kies een nieuw wachtwoord").click()

    expect(page).to_have_url(re.compile(r"/accounts/password/reset/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kies een nieuw wachtwoord")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .field--error")).to_be_visible()
    page.locator("#id_email").fill("ouder@example.org")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))
    assert mail.outbox[-1].to == ["ouder@example.org"]
    assert page.csp_violations == []
