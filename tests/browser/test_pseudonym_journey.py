"""A parent changes their pseudonym on a phone, and a look-alike of another parent's is refused.

In English (/en/): the texts are the source strings, whatever the state of the Dutch catalogue.
"""

import re

import pytest
from playwright.sync_api import expect

from projects.models import ProjectIndexPage
from tests.browser.accessibility import serious_findings
from tests.community.factories import TEST_PASSWORD, UserFactory
from tests.projects.factories import PostFactory, ProjectPageFactory, TopicPageFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE_390 = {"width": 390, "height": 844}
LOOK_ALIKE = "Z\u043ennebloem"  # "Zonnebloem" with a Cyrillic о


def log_in(tab, email: str) -> None:
    tab.goto("/en/accounts/login/")
    tab.get_by_label(re.compile(r"^E-?mail", re.IGNORECASE)).fill(email)
    password = tab.get_by_label(re.compile(r"^Password"))
    password.fill(TEST_PASSWORD)
    password.press("Enter")  # whatever the button says
    expect(tab).not_to_have_url(re.compile(r"/accounts/"))


def assert_fits_and_is_accessible(tab) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]
    assert serious_findings(tab) == []
    assert tab.csp_violations == []


def test_parent_changes_their_pseudonym_and_a_look_alike_is_refused(tab_for):
    UserFactory(email="zonnebloem@example.org", pseudonym="Zonnebloem")
    parent = UserFactory(email="klaproos@example.org", pseudonym="Klaproos")
    project = ProjectPageFactory(parent=ProjectIndexPage.objects.get(), title="Slapen")
    topic = TopicPageFactory(parent=project, title="Eerste nacht", title_en="First night")
    PostFactory(topic=topic, author=parent, body="<p>Het ging goed.</p>")
    tab = tab_for(PHONE_390)

    log_in(tab, "klaproos@example.org")
    tab.goto("/en/my/")
    tab.get_by_role("link", name="Pseudonym", exact=True).click()
    expect(tab).to_have_url(re.compile(r"/en/my/pseudonym/$"))
    expect(tab.get_by_role("heading", level=1)).to_have_text("Your pseudonym")
    expect(tab.locator(".lead bdi")).to_have_text("Klaproos")
    expect(
        tab.get_by_text("What you wrote before will show your new pseudonym too.")
    ).to_be_visible()
    assert_fits_and_is_accessible(tab)

    field = tab.get_by_label("New pseudonym")
    field.fill(LOOK_ALIKE)
    tab.get_by_role("button", name="Change my pseudonym").click()
    expect(tab.get_by_role("alert")).to_contain_text("Your pseudonym has not changed.")
    expect(tab.locator(".field--error")).to_contain_text("looks too much like one that is")
    expect(field).to_have_value(LOOK_ALIKE)
    expect(field).to_have_attribute("aria-invalid", "true")
    assert_fits_and_is_accessible(tab)

    field.fill("Boterbloem")
    tab.get_by_role("button", name="Change my pseudonym").click()
    expect(tab).to_have_url(re.compile(r"/en/my/pseudonym/$"))
    expect(tab.get_by_role("status")).to_contain_text("Your pseudonym is now")
    expect(tab.locator(".lead bdi")).to_have_text("Boterbloem")
    expect(tab.get_by_text("You can change it again on")).to_be_visible()
    expect(tab.locator(".pseudonym-holds")).to_contain_text("Klaproos, until")
    expect(tab.get_by_label("New pseudonym")).to_have_count(0)
    assert_fits_and_is_accessible(tab)

    # What they wrote before shows the new name: posts belong to the member, not to a name.
    tab.goto(topic.get_url())
    expect(tab.locator(".post__author bdi").first).to_have_text("Boterbloem")
