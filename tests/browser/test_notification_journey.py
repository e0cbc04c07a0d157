"""A parent follows a notification and chooses which e-mails to get, on a phone-sized screen."""

import re

import pytest
from playwright.sync_api import expect

from community.models import EmailFrequency, NotificationKind, NotificationPreference
from tests.community.factories import TEST_PASSWORD, NotificationFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_parent_opens_a_notification_and_changes_email_settings(page):
    parent = UserFactory(email="ouder@example.org", pseudonym="Zonnebloem", language="en")
    NotificationFactory(recipient=parent, kind=NotificationKind.PROBE, url="/en/")
    NotificationFactory(recipient=parent, kind=NotificationKind.REPLY)

    page.goto("/en/accounts/login/")
    page.locator("input[name=login]").fill(parent.email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/en/")

    account = page.get_by_role("banner")  # on a phone the bell, beside the folded menu
    account.get_by_role("link", name=re.compile(r"Notifications.*2 unread")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.get_by_role("link", name=re.compile(r"^Unread.*follow-up question")).click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(account.get_by_role("link", name=re.compile(r"1 unread"))).to_be_visible()

    account.get_by_role("link", name=re.compile(r"^Notifications")).click()
    page.get_by_role("link", name="E-mail settings").click()
    replies = page.get_by_role("group", name=re.compile(r"Replies to what I wrote"))
    replies.get_by_label("Never").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    assert (
        NotificationPreference.objects.get(user=parent, kind=NotificationKind.REPLY).frequency
        == EmailFrequency.NEVER
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.csp_violations == []
