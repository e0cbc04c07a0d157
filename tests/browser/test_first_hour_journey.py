"""A parent's first hour in a real browser, at phone width: a visitor follows a topic link,
reads the project's summary, joins, chooses a pseudonym, lands on the topic, answers too
briefly, reloads, switches language and fixes the answer."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from projects.models import Post, ProjectIndexPage
from tests.browser.accessibility import serious_findings
from tests.browser.journeys import site_menu
from tests.community.factories import consent_documents_publish
from tests.conftest import dutch_url
from tests.projects.factories import ProjectPageFactory, TopicPageFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een-eerste-uur-2026"


def test_a_visitor_follows_a_topic_link_joins_and_answers_it(page, live_server):
    consent_documents_publish()
    project = ProjectPageFactory(
        parent=ProjectIndexPage.objects.get(),
        title="Slapen in het eerste jaar",
        title_en="Sleeping in the first year",
        summary="Hoe slaapt je baby, en welke raad helpt echt?",
        summary_en="How does your baby sleep, and which advice really helps?",
    )
    topic = TopicPageFactory(parent=project, title="De eerste nacht", title_en="The first night")
    topic_address = dutch_url(topic)

    # The link a friend shared: the summary and an invitation, not a bare login form.
    page.goto(topic_address)
    expect(page).to_have_url(re.compile(re.escape(topic_address) + "$"))
    expect(page.get_by_text("Hoe slaapt je baby, en welke raad helpt echt?")).to_be_visible()
    assert serious_findings(page) == []
    page.get_by_role("link", name="Word lid van de community").click()

    expect(page).to_have_url(re.compile(r"/accounts/signup/"))
    page.locator("#id_email").fill("eerste-uur@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    link = re.search(rf"{re.escape(live_server.url)}/\S+", mail.outbox[-1].body).group(0)

    page.goto(link)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/welkom/"))
    page.get_by_label("Schuilnaam").fill("Papa Walnoot")
    page.get_by_label("Ik aanvaard de onderzoeksvoorwaarden.").check()
    page.get_by_label("Ik aanvaard de privacyverklaring.").check()
    page.locator("main form button[type=submit]").click()

    # Onboarding leads back to the topic the link was for, not to the long profile form.
    expect(page).to_have_url(re.compile(re.escape(topic_address) + "$"))
    compose = page.locator(".post-compose")
    compose.locator("textarea").fill("x")
    compose.get_by_role("button", name="Plaatsen").click()
    expect(page.get_by_text("Schrijf minstens 2 tekens.")).to_be_visible()
    expect(compose.locator("textarea")).to_have_value("x")

    # Reloading or bookmarking the address the error left is never a blank page.
    page.goto(page.url)
    expect(page).to_have_url(re.compile(re.escape(topic_address) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("De eerste nacht")

    site_menu(page).get_by_role("navigation", name="Taal").locator("a[hreflang=en]").click()
    expect(page).to_have_url(re.compile(r"/en/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The first night")
    compose.locator("textarea").fill("We sliepen de eerste nacht amper.")
    compose.get_by_role("button", name="Post").click()

    expect(page.get_by_text("We sliepen de eerste nacht amper.")).to_be_visible()
    assert Post.objects.filter(topic=topic, author__pseudonym="Papa Walnoot").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.csp_violations == []
