"""The discussion journey of issue 4 in a real browser: a researcher publishes an answer-first
topic, parents answer, reply, react and flag, and a moderator hides the flagged post."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from community.models import Role
from projects.models import (
    ModerationAction,
    ModerationDecision,
    Post,
    PostStatus,
    ProjectIndexPage,
    ProjectPage,
    TopicPage,
)
from tests.browser.journeys import DESKTOP, log_in, publish, rich_text_fill
from tests.community.factories import (
    UserFactory,
    consent_accept_all,
    consent_documents_publish,
    totp_activate,
)
from tests.conftest import dutch_url

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def parent_in_audience(email: str, pseudonym: str):
    parent = UserFactory(email=email, pseudonym=pseudonym)
    consent_accept_all(parent)
    return parent


def test_researcher_publishes_parents_discuss_and_a_moderator_hides_a_flagged_reply(tab_for):
    consent_documents_publish()
    researcher = UserFactory(email="onderzoeker@example.org", roles=[Role.RESEARCHER])
    researcher_secret = totp_activate(researcher)
    moderator = UserFactory(email="moderator@example.org", roles=[Role.MODERATOR])
    moderator_secret = totp_activate(moderator)
    anna = parent_in_audience("anna@example.org", "Anna")
    bert = parent_in_audience("bert@example.org", "Bert")
    chris = parent_in_audience("chris@example.org", "Chris")

    # The researcher creates the project and an answer-first topic in the admin.
    admin = tab_for(DESKTOP)
    log_in(admin, researcher.email, researcher_secret)
    index = ProjectIndexPage.objects.get()
    admin.goto(f"/admin/pages/add/projects/projectpage/{index.pk}/")
    admin.locator("#id_title").fill("Slapen")
    admin.locator("#id_summary").fill("Hoe slapen jullie kinderen?")
    publish(admin)
    project = ProjectPage.objects.get(title="Slapen")
    assert project.live

    admin.goto(f"/admin/pages/add/projects/topicpage/{project.pk}/")
    admin.locator("#id_title").fill("De eerste nacht")
    rich_text_fill(admin, "question", "Hoe verliep de eerste nacht thuis?")
    admin.locator("#id_response_mode").select_option("answer_first")
    publish(admin)
    topic = TopicPage.objects.get(title="De eerste nacht")
    assert topic.live and topic.response_mode == "answer_first"
    topic_url = dutch_url(topic)
    assert admin.csp_violations == []

    # Chris answered before anyone else (through the site, like Anna below).
    chris_tab = tab_for()
    log_in(chris_tab, chris.email)
    chris_tab.goto(topic_url)
    chris_tab.locator(".post-compose textarea").fill("Chris: we sliepen amper.")
    chris_tab.locator(".post-compose button[type=submit]").click()
    expect(chris_tab.get_by_text("Chris: we sliepen amper.")).to_be_visible()

    # Anna does not see Chris's answer until she posted her own.
    anna_tab = tab_for()
    log_in(anna_tab, anna.email)
    anna_tab.goto(topic_url)
    expect(anna_tab.get_by_text("Chris: we sliepen amper.")).to_have_count(0)
    anna_tab.locator(".post-compose textarea").fill("Anna: het ging beter dan gedacht.")
    anna_tab.locator(".post-compose button[type=submit]").click()
    expect(anna_tab.get_by_text("Anna: het ging beter dan gedacht.")).to_be_visible()
    expect(anna_tab.get_by_text("Chris: we sliepen amper.")).to_be_visible()
    anna_post = Post.objects.get(author=anna)

    # Bert answers, then replies to Anna and says "herkenbaar".
    bert_tab = tab_for()
    log_in(bert_tab, bert.email)
    bert_tab.goto(topic_url)
    bert_tab.locator(".post-compose textarea").fill("Bert: om de twee uur wakker.")
    bert_tab.locator(".post-compose button[type=submit]").click()
    anna_item = bert_tab.locator(".post-list__item").filter(
        has=bert_tab.locator(f"#post-{anna_post.pk}")
    )
    anna_item.locator("details.post__reply summary").click()
    # The formatting toolbar, sent once for the whole thread, works in the reply form too.
    anna_item.locator("details.post__reply [data-mark=bold]").click()
    expect(anna_item.locator("textarea")).to_have_value("**…**")
    anna_item.locator("textarea").fill("Bert: dat is een domme opmerking, Anna.")
    anna_item.locator("details.post__reply button[type=submit]").click()
    expect(bert_tab.get_by_text("Bert: dat is een domme opmerking, Anna.")).to_be_visible()
    bert_tab.locator(f"#post-{anna_post.pk} .post__react button").click()
    expect(bert_tab.locator(f"#post-{anna_post.pk} .post__react button")).to_have_attribute(
        "aria-pressed", "true"
    )
    reply = Post.objects.get(author=bert, parent=anna_post)

    # Chris reports Bert's reply.
    chris_tab.goto(topic_url)
    chris_tab.locator(f"#post-{reply.pk}").get_by_role(
        "link", name=re.compile("Melden|Report")
    ).click()
    expect(chris_tab).to_have_url(re.compile(rf"/{reply.pk}/"))
    chris_tab.get_by_label(re.compile("Niet respectvol|Disrespectful")).check()
    chris_tab.locator("textarea[name=text]").fill("Scheldt Anna uit.")
    chris_tab.locator("form.form button[type=submit]").click()
    expect(chris_tab).to_have_url(re.compile(re.escape(topic_url)))
    assert chris_tab.csp_violations == []

    # The moderator hides it from the queue with a reason.
    moderation = tab_for(DESKTOP)
    log_in(moderation, moderator.email, moderator_secret)
    moderation.goto("/admin/moderation/")
    item = moderation.locator(f"#post-{reply.pk}")
    expect(item).to_contain_text("Scheldt Anna uit.")
    expect(item).to_contain_text("De eerste nacht")
    item.locator(f"#hide-reason-{reply.pk}").fill("We spreken elkaar met respect aan.")
    item.locator("button.no").click()
    expect(moderation.locator(f"#post-{reply.pk}")).to_have_count(0)
    reply.refresh_from_db()
    assert reply.status == PostStatus.HIDDEN
    decision = ModerationDecision.objects.get(post=reply)
    assert (decision.moderator, decision.action) == (moderator, ModerationAction.HIDE)
    assert moderation.csp_violations == []

    # Bert is told and reads why; Anna and Chris no longer see the reply.
    bert_tab.goto(reverse("notification_list"))
    bert_tab.locator("main").get_by_role("link", name=re.compile("moderator")).first.click()
    expect(bert_tab).to_have_url(re.compile(re.escape(topic_url)))
    expect(bert_tab.locator(f"#post-{reply.pk}")).to_contain_text(
        "We spreken elkaar met respect aan."
    )
    for tab in (anna_tab, chris_tab):
        tab.goto(topic_url)
        expect(tab.get_by_text("Bert: dat is een domme opmerking, Anna.")).to_have_count(0)
        expect(tab.get_by_text("Anna: het ging beter dan gedacht.")).to_be_visible()
    assert bert_tab.evaluate("document.documentElement.scrollWidth") <= 320
    assert bert_tab.csp_violations == []
