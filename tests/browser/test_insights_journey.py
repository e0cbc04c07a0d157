"""The "Jullie zeiden, wij deden" loop of issue 12 in a real browser: a moderator codes what
two parents wrote, builds an insight from both excerpts, accepts it, adds an action and
publishes an update; one of the parents is told and finds it in their own space, and a
visitor reads it on the results page without a pseudonym in sight."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from community.models import NotificationKind, Role
from insights.models import Excerpt, Insight, InsightStatus, PublicUpdate, UpdateStatus
from projects.models import ProjectIndexPage
from tests.browser.journeys import DESKTOP, PHONE, log_in
from tests.community.factories import (
    UserFactory,
    consent_accept_all,
    consent_documents_publish,
    totp_activate,
)
from tests.insights.factories import CodeFactory
from tests.projects.factories import ProjectPageFactory, TopicPageFactory, post_write

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ANNA_TEXT = "De eerste nacht sliepen we amper.\nDe vroedvrouw kwam pas na drie dagen langs."
ANNA_PASSAGE = "De vroedvrouw kwam pas na drie dagen langs."
BERT_TEXT = "Wij wachtten ook bijna een week op de vroedvrouw."
UPDATE_TITLE = "De vroedvrouw komt sneller langs"


def parent_in_audience(email: str, pseudonym: str):
    parent = UserFactory(email=email, pseudonym=pseudonym)
    consent_accept_all(parent)
    return parent


def code_passage(tab: Page, post_pk: int, passage: str, code: str) -> None:
    """Select a passage in the post's text box and code it."""
    text = tab.locator(f"#text-{post_pk}")
    start = text.input_value().index(passage)
    text.evaluate(
        "(box, range) => { box.focus(); box.setSelectionRange(range[0], range[1]); }",
        [start, start + len(passage)],
    )
    form = tab.locator(f"[data-coding-form='{post_pk}']")
    form.get_by_role("button", name="Geselecteerde passage coderen").click()
    expect(form.locator("[data-coding-passage]")).to_contain_text(f"“{passage}”")
    form.get_by_label(code).check()
    form.get_by_role("button", name="Coderen", exact=True).click()
    expect(tab.locator(f"#post-{post_pk} .coding-excerpt")).to_have_count(1)


def code_whole_post(tab: Page, post_pk: int, code: str) -> None:
    form = tab.locator(f"[data-coding-form='{post_pk}']")
    expect(form.locator("[data-coding-passage]")).to_have_text(re.compile("hele"))
    form.get_by_label(code).check()
    form.get_by_role("button", name="Coderen", exact=True).click()
    expect(tab.locator(f"#post-{post_pk} .coding-excerpt")).to_have_count(1)


def field(tab: Page, label: str) -> Locator:
    """The form field with this label (Wagtail adds a mark to required ones)."""
    return tab.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$", re.I))


def status_change(tab: Page, status: str) -> None:
    tab.get_by_label("Nieuwe status").select_option(label=status)
    tab.get_by_role("button", name="Status veranderen").click()
    expect(tab.locator("dd[data-status]")).to_have_text(status)


def test_moderator_closes_the_loop_and_the_parent_and_the_public_read_it(tab_for):
    consent_documents_publish()
    anna = parent_in_audience("anna@example.org", "Zonnebloem")
    bert = parent_in_audience("bert@example.org", "Klaproos")
    project = ProjectPageFactory(parent=ProjectIndexPage.objects.get(), title="Kraamtijd")
    topic = TopicPageFactory(parent=project, title="Eerste week thuis")
    anna_post = post_write(topic, anna, ANNA_TEXT)
    bert_post = post_write(topic, bert, BERT_TEXT)
    CodeFactory(name="Wachttijd", project=project, colour="#aa3300")
    moderator = UserFactory(email="moderator@example.org", roles=[Role.MODERATOR])

    # The moderator codes a passage of Anna's answer and the whole of Bert's.
    admin = tab_for(DESKTOP)
    log_in(admin, moderator.email, totp_activate(moderator))
    admin.goto(reverse("insights_topic_coding", args=[topic.pk]))
    code_passage(admin, anna_post.pk, ANNA_PASSAGE, "Wachttijd")
    code_whole_post(admin, bert_post.pk, "Wachttijd")
    anna_excerpt = Excerpt.objects.get(post=anna_post)
    bert_excerpt = Excerpt.objects.get(post=bert_post)
    assert anna_excerpt.quote == ANNA_PASSAGE
    assert bert_excerpt.quote == BERT_TEXT

    # An insight from both excerpts, proposed and accepted.
    admin.goto(reverse("insights_board"))
    admin.get_by_role("link", name="Nieuw inzicht").click()
    field(admin, "titel").fill("Ouders wachten te lang op de vroedvrouw")
    field(admin, "bevinding").fill("Na de geboorte wachten ouders dagen op het eerste bezoek.")
    field(admin, "Projecten").select_option(label="Kraamtijd")
    admin.get_by_role("button", name="Opslaan").click()
    expect(admin).to_have_url(re.compile(r"/admin/insights/\d+/$"))
    insight = Insight.objects.get()
    for excerpt in (anna_excerpt, bert_excerpt):
        admin.locator(f"[data-choice='{excerpt.pk}']").get_by_role(
            "button", name="Toevoegen als bewijs"
        ).click()
        expect(admin.locator(f"[data-excerpt='{excerpt.pk}']")).to_be_visible()
    status_change(admin, "Voorgesteld")
    status_change(admin, "Aanvaard")
    insight.refresh_from_db()
    assert insight.status == InsightStatus.ACCEPTED

    # An action on the accepted insight.
    admin.get_by_role("link", name="Nieuwe actie").click()
    field(admin, "wat we veranderen").fill("Eerste huisbezoek binnen twee dagen")
    field(admin, "eigenaar").fill("Team kraamzorg")
    admin.get_by_role("button", name="Opslaan").click()
    expect(admin.locator("article.insights-action")).to_contain_text(
        "Eerste huisbezoek binnen twee dagen"
    )

    # The public update, quoting Anna's passage only, then published.
    admin.goto(reverse("insights_admin_updates"))
    admin.locator(f"tr[data-insight='{insight.pk}']").get_by_role(
        "link", name=re.compile("^Schrijf een bericht")
    ).click()
    field(admin, "titel").fill(UPDATE_TITLE)
    field(admin, "wat ouders ons vertelden").fill(
        "Jullie wachtten te lang op het eerste bezoek van de vroedvrouw."
    )
    field(admin, "wat we doen").fill(
        "De vroedvrouw komt voortaan binnen twee dagen na de thuiskomst."
    )
    admin.get_by_label(f"“{ANNA_PASSAGE}”").check()
    admin.get_by_role("button", name="Bewaar als ontwerp").click()
    expect(admin).to_have_url(re.compile(r"/admin/insights/updates/\d+/$"))
    admin.get_by_role("button", name="Publiceer").click()
    expect(admin.locator(".messages")).to_contain_text("gepubliceerd")
    update = PublicUpdate.objects.get()
    assert update.status == UpdateStatus.PUBLISHED
    assert list(update.quotes.all()) == [anna_excerpt]
    assert anna.notifications.filter(kind=NotificationKind.RESULTS).count() == 1

    # Anna is told, reads the update and finds it in her own space.
    anna_tab = tab_for(PHONE)
    log_in(anna_tab, anna.email)
    anna_tab.goto(reverse("notification_list"))
    anna_tab.locator("main").get_by_role("link", name=re.compile(UPDATE_TITLE)).click()
    expect(anna_tab).to_have_url(re.compile(rf"/jullie-zeiden-wij-deden/{update.pk}/$"))
    expect(anna_tab.get_by_role("heading", level=1)).to_have_text(UPDATE_TITLE)
    expect(anna_tab.locator("main blockquote")).to_have_text(ANNA_PASSAGE)
    expect(anna_tab.locator("main")).not_to_contain_text(BERT_TEXT)
    anna_tab.goto(reverse("member_dashboard"))
    results = anna_tab.get_by_role("region", name="Wat er gebeurde met wat je zei")
    expect(results.get_by_role("link", name=UPDATE_TITLE)).to_be_visible()
    assert anna_tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not anna_tab.csp_violations

    # A visitor reads the results page and the update, and no pseudonym appears on either.
    visitor = tab_for()
    visitor.goto(reverse("update_list"))
    expect(visitor).to_have_url(re.compile(r"/jullie-zeiden-wij-deden/$"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Jullie zeiden, wij deden")
    visitor.get_by_role("link", name=UPDATE_TITLE).click()
    expect(visitor.locator("main blockquote")).to_have_text(ANNA_PASSAGE)
    expect(visitor.locator("main figcaption")).to_have_text("Een ouder")
    for url in (reverse("update_list"), reverse("update_detail", args=[update.pk])):
        visitor.goto(url)
        for pseudonym in ("Zonnebloem", "Klaproos"):
            expect(visitor.locator("body")).not_to_contain_text(pseudonym)
    assert not visitor.csp_violations
