"""Steps the browser journeys share: logging in (with the two-factor code for staff),
filling Wagtail's rich text fields and publishing a page in the admin."""

import re

from playwright.sync_api import Locator, Page, expect

from tests.community.factories import TEST_PASSWORD, totp_code

DESKTOP = {"width": 1280, "height": 900}  # the Wagtail admin is a desktop tool
PHONE = {"width": 320, "height": 740}


def log_in(tab: Page, email: str, secret: str | None = None, password: str = TEST_PASSWORD) -> None:
    tab.goto("/accounts/login/")
    tab.get_by_label(re.compile(r"^E-mail")).fill(email)
    tab.get_by_label(re.compile(r"^Wachtwoord")).fill(password)
    tab.get_by_role("button", name="Aanmelden").click()
    if secret:
        expect(tab).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
        tab.locator("#id_code").fill(totp_code(secret))
        tab.get_by_role("button", name="Aanmelden").click()
    expect(tab).not_to_have_url(re.compile(r"/accounts/"))


def site_menu(tab: Page) -> Locator:
    """The site header, its menu unfolded where a narrow screen folds it behind "Menu"."""
    toggle = tab.locator(".site-menu__toggle")
    if toggle.is_visible() and not tab.locator(".site-menu").evaluate("menu => menu.open"):
        toggle.click()
    return tab.get_by_role("banner")


def rich_text_fill(tab: Page, name: str, text: str) -> None:
    """Type into a rich text (Draftail) field; it saves to its hidden input after a pause."""
    field = tab.locator(f"input[name='{name}']")
    editor = tab.locator(f".w-field:has(input[name='{name}']) [contenteditable='true']").first
    editor.click()
    editor.press_sequentially(text)
    editor.press("Tab")
    expect(field).not_to_have_value("null")


def publish(tab: Page) -> None:
    tab.locator("footer .w-dropdown__toggle, .footer .w-dropdown__toggle").first.click()
    tab.locator("button[name='action-publish']").click()
    expect(tab.locator(".messages")).to_be_visible()
