"""Writing on a topic in a real browser (issue 13): the formatting toolbar is one tab stop
between the label and the box, the limit becomes a live count that screen readers hear only
when it matters, the reply box sits in its post's card, and all of it works without
JavaScript; a visitor who follows a topic link is invited in instead of bounced, and comes
back to the topic after logging in."""

import re

import pytest
from playwright.sync_api import Page, expect

from projects.models import Post, ProjectIndexPage
from projects.services.posts import post_create
from tests.browser.accessibility import serious_findings
from tests.browser.journeys import DESKTOP, log_in
from tests.community.factories import (
    TEST_PASSWORD,
    UserFactory,
    consent_accept_all,
    consent_documents_publish,
)
from tests.conftest import dutch_url
from tests.projects.factories import (
    ProjectPageFactory,
    TopicPageFactory,
    invite_list,
    project_for_segments,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def topic_with_an_answer():
    """A topic in a project for all members, where Bert answered; Anna may write."""
    consent_documents_publish()
    anna = UserFactory(email="anna@example.org", pseudonym="Anna")
    bert = UserFactory(email="bert@example.org", pseudonym="Bert")
    consent_accept_all(anna, bert)
    project = ProjectPageFactory(
        parent=ProjectIndexPage.objects.get(),
        title="Slapen",
        title_en="Sleeping",
        summary="Hoe slaapt je baby?",
        summary_en="How does your baby sleep?",
    )
    topic = TopicPageFactory(parent=project, title="De eerste nacht", title_en="The first night")
    answer = post_create(author=bert, topic=topic, text="Bert: we sliepen amper.")
    return {"anna": anna, "bert": bert, "topic": topic, "answer": answer}


def focused(tab: Page) -> str:
    """What has the keyboard focus: the mark of a toolbar button, or the element's tag."""
    return tab.evaluate(
        "document.activeElement.dataset.mark || document.activeElement.tagName.toLowerCase()"
    )


def test_the_toolbar_is_one_tab_stop_and_the_count_goes_down_as_anna_types(
    tab_for, topic_with_an_answer
):
    tab = tab_for()
    log_in(tab, topic_with_an_answer["anna"].email)
    tab.goto(f"/en{dutch_url(topic_with_an_answer['topic'])}")
    compose = tab.locator(".post-compose")
    textarea = compose.locator("textarea")
    count = compose.locator(".post-editor__count")

    # Label, hint, toolbar, box, count: the toolbar sits under its label, above the box.
    order = compose.locator(".field").evaluate(
        "field => [...field.children].map(child => child.className || child.tagName)"
    )
    assert order.index("post-editor__toolbar") < order.index("post-editor__text")
    assert order[0] == "LABEL" and order[-1].startswith("visually-hidden")
    expect(count).to_have_text("5,000 of 5,000 characters left.")

    # One tab stop: back from the box lands on the first button, once more leaves the bar.
    textarea.focus()
    tab.keyboard.press("Shift+Tab")
    assert focused(tab) == "bold"
    tab.keyboard.press("Shift+Tab")
    assert focused(tab) not in ("bold", "italic", "list", "link")
    tab.keyboard.press("Tab")
    assert focused(tab) == "bold"
    # The arrow keys, Home and End move inside it, round the ends.
    for key, mark in [
        ("ArrowRight", "italic"),
        ("ArrowRight", "list"),
        ("ArrowRight", "link"),
        ("ArrowRight", "bold"),
        ("ArrowLeft", "link"),
        ("Home", "bold"),
        ("End", "link"),
        ("ArrowLeft", "list"),
    ]:
        tab.keyboard.press(key)
        assert focused(tab) == mark, key
    tab.keyboard.press("Tab")
    assert focused(tab) == "textarea"
    tab.keyboard.press("Shift+Tab")
    assert focused(tab) == "list"  # the bar remembers where Anna was
    tab.keyboard.press("ArrowLeft")
    tab.keyboard.press("Enter")
    expect(textarea).to_have_value("*…*")
    expect(count).to_have_text("4,999 of 5,000 characters left.")

    # The marks do not count, the words do.
    textarea.fill("**Vet** en een [link](https://example.org)\n- een lijst")
    expect(count).to_have_text("4,976 of 5,000 characters left.")

    # Screen readers hear the count when it crosses a band, after a pause; not per key.
    live = compose.locator("[aria-live=polite]")
    tab.wait_for_timeout(1200)
    expect(live).to_have_text("")
    textarea.fill("a" * 4600)
    expect(count).to_have_text("400 of 5,000 characters left.")
    expect(live).to_have_text("400 of 5,000 characters left.")
    textarea.fill("a" * 5001)
    expect(count).to_have_text("One character too many.")
    expect(count).to_have_class(re.compile("post-editor__count--over"))
    textarea.fill("a" * 5003)
    expect(count).to_have_text("3 characters too many.")
    expect(live).to_have_text("3 characters too many.")

    # The server agrees, and keeps the text.
    compose.locator("button[type=submit]").click()
    expect(compose.locator(".errorlist")).to_contain_text("at most 5000 characters")
    expect(compose.locator(".post-editor__count")).to_have_text("3 characters too many.")
    assert tab.csp_violations == []


def test_anna_replies_from_inside_bobs_card_on_a_phone(tab_for, topic_with_an_answer):
    tab = tab_for()
    log_in(tab, topic_with_an_answer["anna"].email)
    tab.goto(dutch_url(topic_with_an_answer["topic"]))
    card = tab.locator(f"article#post-{topic_with_an_answer['answer'].pk}")

    card.locator("details.post__reply summary").click()
    reply_box = card.locator("details.post__reply textarea")
    expect(card.locator(".post-editor__toolbar")).to_be_visible()
    expect(card.locator(".post-editor__count")).to_contain_text("5.000")
    assert serious_findings(tab) == []
    assert tab.evaluate("document.documentElement.scrollWidth") <= 320

    card.locator("[data-mark=bold]").click()
    expect(reply_box).to_have_value("**…**")
    reply_box.fill("Anna: bij ons ook, de eerste week.")
    card.locator("details.post__reply button[type=submit]").click()
    expect(tab.get_by_text("Anna: bij ons ook, de eerste week.")).to_be_visible()
    assert tab.csp_violations == []


def test_without_javascript_the_limit_is_plain_text_and_replying_works(
    browser, live_server, topic_with_an_answer
):
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False
    )
    tab = context.new_page()
    try:
        log_in(tab, topic_with_an_answer["anna"].email)
        tab.goto(f"/en{dutch_url(topic_with_an_answer['topic'])}")

        expect(tab.locator(".post-editor__toolbar")).to_have_count(0)
        expect(tab.locator(".post-compose .post-editor__count")).to_have_text(
            "At most 5,000 characters."
        )
        expect(tab.locator(".post-compose textarea")).to_have_attribute(
            "aria-describedby", "id_answer_text_helptext id_answer_text_count"
        )
        card = tab.locator(f"article#post-{topic_with_an_answer['answer'].pk}")
        card.locator("details.post__reply summary").click()
        card.locator("details.post__reply textarea").fill("Anna, zonder JavaScript.")
        card.locator("details.post__reply button[type=submit]").click()
        expect(tab.get_by_text("Anna, zonder JavaScript.")).to_be_visible()
    finally:
        context.close()


def test_a_visitor_follows_a_topic_link_reads_the_summary_and_comes_back_after_logging_in(
    tab_for, topic_with_an_answer
):
    topic_url = dutch_url(topic_with_an_answer["topic"])
    tab = tab_for()

    response = tab.goto(topic_url)

    assert response.status == 200
    expect(tab.get_by_role("heading", level=1)).to_have_text("De eerste nacht")
    expect(tab.get_by_text("Hoe slaapt je baby?")).to_be_visible()
    expect(tab.get_by_text("Bert: we sliepen amper.")).to_have_count(0)
    assert serious_findings(tab) == []
    assert tab.evaluate("document.documentElement.scrollWidth") <= 320
    tab.locator(".project-invitation").get_by_role("link", name="Aanmelden").click()
    tab.get_by_label(re.compile(r"^E-mail")).fill(topic_with_an_answer["anna"].email)
    tab.get_by_label(re.compile(r"^Wachtwoord")).fill(TEST_PASSWORD)
    tab.get_by_role("button", name="Aanmelden").click()

    expect(tab).to_have_url(re.compile(re.escape(topic_url) + "$"))
    expect(tab.get_by_text("Bert: we sliepen amper.")).to_be_visible()
    assert tab.csp_violations == []


def test_a_parent_outside_the_audience_is_told_so_kindly(tab_for, topic_with_an_answer):
    project = project_for_segments(
        ProjectIndexPage.objects.get(),
        [invite_list("Genodigden", topic_with_an_answer["bert"])],
        title="Alleen voor genodigden",
    )
    tab = tab_for()
    log_in(tab, topic_with_an_answer["anna"].email)

    response = tab.goto(f"/en{dutch_url(project)}")

    assert response.status == 404
    expect(tab.get_by_role("heading", level=1)).to_have_text(
        "This project is for a specific group of parents"
    )
    expect(tab.get_by_text("Alleen voor genodigden")).to_have_count(0)
    assert serious_findings(tab) == []
    tab.get_by_role("link", name="Projects open to you").click()
    expect(tab).to_have_url(re.compile(r"/en/projecten/$"))
    expect(tab.get_by_text("Slapen").or_(tab.get_by_text("Sleeping")).first).to_be_visible()
    assert tab.csp_violations == []


def test_a_quick_double_click_on_plaatsen_posts_once(tab_for, topic_with_an_answer):
    anna = topic_with_an_answer["anna"]
    tab = tab_for(DESKTOP)
    log_in(tab, anna.email)
    tab.goto(dutch_url(topic_with_an_answer["topic"]))
    sent = []
    tab.on("request", lambda request: sent.append(request) if request.method == "POST" else None)

    tab.locator(".post-compose textarea").fill("Anna: één keer, ook met een dubbelklik.")
    tab.get_by_role("button", name="Plaatsen").dblclick()

    expect(tab.get_by_text("Anna: één keer, ook met een dubbelklik.")).to_be_visible()
    tab.wait_for_load_state("networkidle")  # a second submit has had its answer too
    # Chromium may send the form once or twice, depending on timing: one post either way.
    assert 1 <= len(sent) <= 2
    assert Post.objects.filter(author=anna).count() == 1
    assert tab.csp_violations == []


def test_the_answer_form_sent_again_from_the_page_posts_once(tab_for, topic_with_an_answer):
    anna = topic_with_an_answer["anna"]
    tab = tab_for(DESKTOP)
    log_in(tab, anna.email)
    tab.goto(dutch_url(topic_with_an_answer["topic"]))
    tab.locator(".post-compose textarea").fill("Anna: twee keer verstuurd, één keer geplaatst.")

    # A resubmit after a slow answer: the page's form, its key included, sent once more. (At
    # the same moment is tested on PostgreSQL in tests/projects/test_submissions.py: the test
    # settings' SQLite does not wait for a writer.)
    kinds = tab.locator(".post-compose form").evaluate(
        """async form => {
            const send = () => fetch(form.action, {
                method: "POST", body: new FormData(form), redirect: "manual",
            });
            return [(await send()).type, (await send()).type];
        }"""
    )

    assert kinds == ["opaqueredirect", "opaqueredirect"]
    assert Post.objects.filter(author=anna).count() == 1
    tab.reload()
    expect(tab.get_by_text("Anna: twee keer verstuurd, één keer geplaatst.")).to_have_count(1)
