"""A staff member without two-factor authentication opens the staff area for the first time:
confirms their password, adds the authenticator app, keeps the recovery codes and goes on
to the admin, without being asked for a second code at once."""

import re

import pytest
from playwright.sync_api import expect

from community.models import Role
from projects.models import PostStatus
from tests.browser.journeys import DESKTOP, log_in
from tests.community.factories import TEST_PASSWORD, UserFactory, consent_accept_all, totp_code
from tests.projects.factories import TopicPageFactory, invite_list, post_write, project_for_segments

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_staff_member_sets_up_two_factor_and_lands_on_the_staff_page_they_opened(tab_for):
    researcher = UserFactory(email="onderzoeker@example.org", roles=[Role.RESEARCHER])
    tab = tab_for(DESKTOP)
    log_in(tab, researcher.email)

    tab.locator("header a[href='/admin/']").click()

    expect(tab).to_have_url(re.compile(r"/accounts/reauthenticate/\?next="))
    password = tab.locator("main #id_password")
    expect(password).to_be_focused()
    password.fill(TEST_PASSWORD)
    tab.locator("main form button[type=submit]").click()

    expect(tab).to_have_url(re.compile(r"/accounts/2fa/totp/activate/\?next=%2Fadmin%2F$"))
    expect(tab.locator("main img[src^='data:image/svg+xml']")).to_be_visible()
    secret = tab.locator("main #totp-secret").input_value()
    tab.locator("main #id_code").fill(totp_code(secret))
    tab.locator("main form button[type=submit]").click()

    expect(tab).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/\?next=%2Fadmin%2F$"))
    expect(tab.locator("main li code")).to_have_count(10)
    tab.locator("main a.button:not(.button--secondary)").click()

    expect(tab).to_have_url(re.compile(r"/admin/$"))
    expect(tab.locator("main h1, main h2").first).to_be_visible()
    assert not tab.csp_violations


def test_staff_member_without_two_factor_sees_the_site_as_a_parent_until_using_it(
    tab_for, project_index, consent_documents
):
    """Issue 11: a password alone gives a staff account no sight of parents' posts; the
    notice leads to the second factor and back to the page, which then shows everything."""
    author = UserFactory(pseudonym="Zonnebloem")
    consent_accept_all(author)
    project = project_for_segments(
        project_index, [invite_list("Genodigden", author)], title="Voor genodigden"
    )
    topic = TopicPageFactory(parent=project, title="Eerste nacht")
    post_write(topic, author, "Wacht nog op een moderator", status=PostStatus.PENDING)
    researcher = UserFactory(email="onderzoeker@example.org", roles=[Role.RESEARCHER])
    tab = tab_for(DESKTOP)
    log_in(tab, researcher.email)

    tab.goto("/projecten/")
    expect(tab.locator("main")).not_to_contain_text("Voor genodigden")
    notice = tab.locator(".staff-notice")
    expect(notice).to_be_visible()
    notice.get_by_role("link").click()

    tab.locator("main #id_password").fill(TEST_PASSWORD)
    tab.locator("main form button[type=submit]").click()
    secret = tab.locator("main #totp-secret").input_value()
    tab.locator("main #id_code").fill(totp_code(secret))
    tab.locator("main form button[type=submit]").click()
    tab.locator("main a.button:not(.button--secondary)").click()

    expect(tab).to_have_url(re.compile(r"/projecten/$"))
    expect(tab.locator(".staff-notice")).to_have_count(0)
    tab.get_by_role("link", name="Voor genodigden").first.click()
    tab.get_by_role("link", name="Eerste nacht").first.click()
    expect(tab.locator("main")).to_contain_text("Wacht nog op een moderator")
    assert not tab.csp_violations
