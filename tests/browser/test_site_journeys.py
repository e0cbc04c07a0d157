"""Journeys through the site in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from community.models import Role
from projects.models import ProjectIndexPage
from tests.browser.journeys import site_menu
from tests.community.factories import TEST_PASSWORD, UserFactory, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_visitor_switches_language_and_back_and_uses_the_skip_link(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meet the Parents")

    site_menu(page).get_by_role("link", name=re.compile("English")).click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(site_menu(page).get_by_role("navigation", name="Main menu")).to_be_visible()

    site_menu(page).get_by_role("link", name=re.compile("Nederlands")).click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Naar de hoofdinhoud")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.csp_violations == []


def test_researcher_sets_up_two_factor_then_works_in_the_admin(page):
    researcher = UserFactory(email="onderzoeker@example.org", roles=[Role.RESEARCHER])

    page.goto("/")
    account = site_menu(page).get_by_role("navigation", name="Je account")
    account.get_by_role("link", name="Aanmelden").click()
    page.get_by_label(re.compile(r"^E-mail")).fill(researcher.email)
    page.get_by_label(re.compile(r"^Wachtwoord")).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    site_menu(page).get_by_role("link", name="Medewerkers").click()

    # allauth asks for the password again before a second factor can be added; the code
    # from the new app counts as this session's second factor.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label(re.compile(r"^Wachtwoord")).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Bevestig").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.locator("#totp-secret").input_value()
    page.locator("#id_code").fill(totp_code(secret))
    page.get_by_role("button", name="Activeren").click()
    recovery_code = page.locator("main li code").first.inner_text()
    page.get_by_role("link", name="Doorgaan").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # Next time, a recovery code stands in for a lost phone.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^E-mail")).fill(researcher.email)
    page.get_by_label(re.compile(r"^Wachtwoord")).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("#id_code").fill(recovery_code)
    page.get_by_role("button", name="Aanmelden").click()
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    index = ProjectIndexPage.objects.get()
    page.goto(f"/admin/pages/add/projects/projectpage/{index.pk}/")
    expect(page.locator("#id_title")).to_be_visible()
    expect(page.locator("#id_title_en")).to_be_visible()
    assert page.csp_violations == []
