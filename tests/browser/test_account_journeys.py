"""A parent joins, and a parent who forgot their password gets back in: real browser, phone
width, e-mails read from the test mailbox."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from community.models import User
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
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Join").click()
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

    expect(page).to_have_url(re.compile(r"/en/my/profile/$"))
    expect(page.get_by_text("Welcome, Mama Beer!")).to_be_visible()
    assert User.objects.members().filter(pseudonym="Mama Beer").exists()
    page.get_by_role("navigation", name="Your account").get_by_role(
        "link", name="My Meet the Parents"
    ).click()

    expect(page).to_have_url(re.compile(r"/en/my/$"))
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
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
    assert_fits_the_phone(page)
    assert page.csp_violations == []
