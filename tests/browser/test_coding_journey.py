"""Coding in a real browser: a moderator selects a passage of a post with the keyboard and
codes it; without JavaScript, the same form codes the whole post."""

import re

import pytest
from playwright.sync_api import expect

from community.models import Role
from insights.models import Excerpt
from projects.models import ProjectIndexPage
from tests.browser.journeys import DESKTOP, log_in
from tests.community.factories import UserFactory, totp_activate
from tests.insights.factories import CodeFactory
from tests.projects.factories import ProjectPageFactory, TopicPageFactory, post_write

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TEXT = "We sliepen slecht.\nDe vroedvrouw kwam pas na drie dagen."


def coding_topic():
    project = ProjectPageFactory(parent=ProjectIndexPage.objects.get(), title="Slapen")
    topic = TopicPageFactory(parent=project, title="Eerste nacht")
    author = UserFactory(email="anna@example.org", pseudonym="Anna")
    post = post_write(topic, author, TEXT)
    code = CodeFactory(name="Kraamzorg", project=project, colour="#aa3300")
    return topic, post, code


def test_moderator_selects_a_passage_with_the_keyboard_and_codes_it(tab_for):
    topic, post, code = coding_topic()
    moderator = UserFactory(email="moderator@example.org", roles=[Role.MODERATOR])
    tab = tab_for(DESKTOP)
    log_in(tab, moderator.email, totp_activate(moderator))

    tab.goto(f"/admin/insights/topics/{topic.pk}/coding/")
    text = tab.locator(f"#text-{post.pk}")
    expect(text).to_have_value(TEXT)
    form = tab.locator(f"[data-coding-form='{post.pk}']")
    expect(form.locator("[data-coding-passage]")).to_have_text(re.compile("whole post|hele"))

    # Keyboard only: into the text, to the start of its second line, select 13 characters.
    text.focus()
    text.press("Control+End")
    text.press("Home")
    for _step in range(len("De vroedvrouw")):
        text.press("Shift+ArrowRight")
    select_button = form.locator("[data-coding-select]")
    select_button.focus()
    select_button.press("Enter")
    expect(form.locator("[data-coding-passage]")).to_contain_text("“De vroedvrouw”")
    expect(form.locator("input[name='codes']").first).to_be_focused()

    tab.keyboard.press("Space")
    form.locator(f"#memo-{post.pk}").fill("Wachttijd")
    form.locator("button[type=submit]").click()

    expect(tab.locator(".messages")).to_be_visible()
    excerpt = Excerpt.objects.get()
    start = TEXT.index("De vroedvrouw")
    assert (excerpt.start, excerpt.end, excerpt.quote) == (start, start + 13, "De vroedvrouw")
    assert list(excerpt.codes.all()) == [code]
    assert excerpt.memo == "Wachttijd"
    expect(tab.locator(f"#excerpt-{excerpt.pk}")).to_contain_text("De vroedvrouw")
    assert tab.csp_violations == []


def test_moderator_selects_a_passage_with_the_mouse_and_codes_it(tab_for):
    topic, post, code = coding_topic()
    moderator = UserFactory(email="moderator@example.org", roles=[Role.MODERATOR])
    tab = tab_for(DESKTOP)
    log_in(tab, moderator.email, totp_activate(moderator))

    tab.goto(f"/admin/insights/topics/{topic.pk}/coding/")
    text = tab.locator(f"#text-{post.pk}")
    # A double click selects the word under the pointer.
    text.dblclick(position={"x": 30, "y": 12})
    form = tab.locator(f"[data-coding-form='{post.pk}']")
    expect(form.locator("[data-coding-passage]")).to_contain_text("“We”")
    form.locator("input[name='codes']").first.check()
    form.locator("button[type=submit]").click()

    expect(tab.locator(".messages")).to_be_visible()
    excerpt = Excerpt.objects.get()
    assert (excerpt.start, excerpt.end, excerpt.quote) == (0, 2, "We")


def test_without_javascript_the_form_codes_the_whole_post(browser, live_server):
    topic, post, code = coding_topic()
    moderator = UserFactory(email="moderator@example.org", roles=[Role.MODERATOR])
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    try:
        tab = context.new_page()
        log_in(tab, moderator.email, totp_activate(moderator))
        tab.goto(f"/admin/insights/topics/{topic.pk}/coding/")
        form = tab.locator(f"[data-coding-form='{post.pk}']")
        expect(form.locator("[data-coding-select]")).to_be_hidden()
        form.get_by_label("Kraamzorg").check()
        form.locator("button[type=submit]").click()

        expect(tab.locator(f"#post-{post.pk} .coding-excerpt")).to_have_count(1)
        excerpt = Excerpt.objects.get()
        assert (excerpt.start, excerpt.end, excerpt.quote) == (0, len(TEXT), TEXT)
        assert list(excerpt.codes.all()) == [code]
    finally:
        context.close()
