"""A parent's own space in a real browser: download their data, delete their account.

In English (/en/): the texts are the source strings, whatever the state of the Dutch catalogue.
"""

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from community.models import User
from projects.models import Post, ProjectIndexPage
from tests.browser.journeys import site_menu
from tests.community.factories import TEST_PASSWORD, UserFactory
from tests.projects.factories import PostFactory, ProjectPageFactory, TopicPageFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "zonnebloem@example.org"
PSEUDONYM = "Zonnebloem"


def onboarded_parent_with_a_post() -> User:
    """A parent who takes part (no consent documents exist here, so a pseudonym is enough)."""
    parent = UserFactory(email=EMAIL, pseudonym=PSEUDONYM)
    project = ProjectPageFactory(parent=ProjectIndexPage.objects.get(), title="Slapen")
    topic = TopicPageFactory(parent=project, title="Eerste nacht", title_en="First night")
    PostFactory(topic=topic, author=parent, body="<p>Het ging goed.</p>")
    return parent


def log_in(page, email: str = EMAIL) -> None:
    page.goto("/en/accounts/login/")
    page.get_by_label(re.compile(r"^E-?mail", re.IGNORECASE)).fill(email)
    page.get_by_label(re.compile(r"^Password")).fill(TEST_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()


def assert_fits_and_obeys_the_policy(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.csp_violations == []


def test_parent_downloads_their_data_from_the_dashboard(page):
    onboarded_parent_with_a_post()
    log_in(page)
    page.goto("/en/my/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My Meet the Parents")
    expect(page.get_by_role("heading", name="Replies to your posts")).to_be_visible()
    assert_fits_and_obeys_the_policy(page)

    page.get_by_role("link", name="Download my data").click()
    expect(page).to_have_url(re.compile(r"/en/my/data/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Download my data")
    assert_fits_and_obeys_the_policy(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert re.fullmatch(r"meet-the-parents-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)

    with open(download.path(), "rb") as file, zipfile.ZipFile(io.BytesIO(file.read())) as archive:
        data = json.loads(archive.read("data.json"))
        index = archive.read("index.html").decode()
    assert data["account"][0]["pseudonym"] == PSEUDONYM
    assert data["posts"][0]["text"] == "Het ging goed."
    assert PSEUDONYM in index
    assert "Your data at Meet the Parents" in index
    assert page.csp_violations == []


def test_parent_deletes_their_account_and_cannot_log_in_again(page):
    parent = onboarded_parent_with_a_post()
    log_in(page)
    page.goto("/en/my/")
    page.get_by_role("link", name="Delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete my account")
    assert_fits_and_obeys_the_policy(page)

    # A wrong password first: the error is shown at the field and nothing happens.
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_label("Also remove my posts").check()
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.locator(".field--error .errorlist")).to_be_visible()
    expect(page.get_by_label("Also remove my posts")).to_be_checked()
    assert User.objects.filter(pk=parent.pk).exists()

    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.get_by_role("status")).to_contain_text("Your account is deleted")
    account_menu = site_menu(page).get_by_role("navigation", name="Your account")
    expect(account_menu.get_by_role("link", name="Log in")).to_be_visible()
    assert not User.objects.filter(email=EMAIL).exists()
    assert not Post.objects.exists()  # the box was ticked
    assert_fits_and_obeys_the_policy(page)

    log_in(page)
    expect(page).to_have_url(re.compile(r"/en/accounts/login/$"))
    expect(page.get_by_role("alert").or_(page.locator(".errorlist")).first).to_be_visible()
    page.goto("/en/my/")
    expect(page).to_have_url(re.compile(r"/en/accounts/login/\?next="))
    assert page.csp_violations == []
