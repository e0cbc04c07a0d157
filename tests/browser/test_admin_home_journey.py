"""Issue 13, researchers and moderators: a researcher (with the second factor) sees their
projects and the moderation count on the admin home, opens statistics with one click from
the project's admin page and sees the chart; publishing a new topic while the editor's
autosave is still on its way makes one published topic; a moderator works the queue at phone
width. axe finds nothing serious on any of these pages."""

import re

import pytest
from playwright.sync_api import Page, Route, expect

from community.models import Role
from projects.models import PostStatus, TopicPage
from tests.browser.accessibility import serious_findings
from tests.browser.journeys import DESKTOP, log_in, rich_text_fill
from tests.community.factories import UserFactory, consent_accept_all, totp_activate
from tests.projects.factories import ProjectPageFactory, TopicPageFactory, post_write

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE_WIDE = {"width": 390, "height": 844}


def no_serious_findings(tab: Page) -> None:
    assert serious_findings(tab) == [], tab.url
    assert tab.csp_violations == [], tab.url


def test_researcher_sees_their_projects_and_opens_statistics_with_one_click(
    tab_for, project_index, consent_documents
):
    researcher = UserFactory(email="onderzoeker@example.org", roles=[Role.RESEARCHER])
    secret = totp_activate(researcher)
    project = ProjectPageFactory(parent=project_index, title="Slapen", owner=researcher)
    topic = TopicPageFactory(parent=project, title="De eerste nacht")
    parents = [UserFactory(pseudonym=name) for name in ("Zonnebloem", "Kastanje")]
    consent_accept_all(*parents)
    answer = post_write(topic, parents[0], "Hij sliep meteen door.")
    post_write(topic, parents[1], "Bij ons duurde het weken.", status=PostStatus.PENDING)
    post_write(topic, researcher, "Wat hielp daarbij?", parent=answer, is_probe=True,
               author_role=Role.RESEARCHER)  # fmt: skip

    tab = tab_for(DESKTOP)
    log_in(tab, researcher.email, secret)
    tab.goto("/admin/")

    projects = tab.locator("#admin-home-projects-section")
    # (the English words until the lead's translations are in the catalogue)
    expect(projects.locator("h2")).to_have_text(re.compile(r"Mijn projecten|My projects"))
    expect(projects.locator(f'tr[data-project="{project.pk}"]')).to_contain_text("Slapen")
    moderation = tab.locator("#admin-home-moderation-section")
    expect(moderation.locator('[data-count="pending"] .admin-home-counts__number')).to_have_text(
        "1"
    )
    expect(tab.locator("#admin-home-probes-section")).to_contain_text("Wat hielp daarbij?")
    expect(tab.locator("#admin-home-newest-posts-section")).to_contain_text("Zonnebloem")
    no_serious_findings(tab)

    projects.get_by_role("link", name="Slapen", exact=True).click()
    expect(tab).to_have_url(re.compile(rf"/admin/pages/{project.pk}/edit/$"))
    no_serious_findings(tab)

    # One click: the button sits in the header, not in the "Actions" menu.
    tab.locator("header a[data-project-statistics]").click()
    expect(tab).to_have_url(re.compile(rf"/admin/projects/{project.pk}/statistics/$"))
    chart = tab.locator("svg[role='img'].posts-per-day__chart")
    expect(chart).to_be_visible()
    expect(chart.locator("title").first).to_have_text("Bijdragen per dag")
    expect(chart.locator(".posts-per-day__axis--x text").first).to_have_text(
        re.compile(r"^\d{1,2} (jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec)$")
    )
    expect(chart.locator(".posts-per-day__axis--y text").first).to_have_text("0")
    tab.locator(".posts-per-day__numbers summary").click()
    expect(tab.locator(".posts-per-day__numbers table")).to_be_visible()
    no_serious_findings(tab)


def test_publishing_a_topic_while_the_autosave_is_on_its_way_makes_one_topic(
    tab_for, project_index
):
    researcher = UserFactory(email="onderzoeker@example.org", roles=[Role.RESEARCHER])
    secret = totp_activate(researcher)
    project = ProjectPageFactory(parent=project_index, title="Voeding", owner=researcher)
    tab = tab_for(DESKTOP)
    log_in(tab, researcher.email, secret)

    held: list[Route] = []

    def hold_the_first_autosave(route: Route) -> None:
        request = route.request
        if request.method == "POST" and "application/json" in request.headers.get("accept", ""):
            held.append(route)  # answered below, after the researcher pressed "publish"
        else:
            route.continue_()

    tab.route(re.compile(r".*/admin/pages/add/projects/topicpage/\d+/$"), hold_the_first_autosave)
    tab.goto(f"/admin/pages/add/projects/topicpage/{project.pk}/")
    no_serious_findings(tab)  # the rich text boxes have names
    # Wagtail takes the form's "saved" state two seconds after it loads; what is typed before
    # counts as the starting point and is never autosaved.
    tab.wait_for_function("() => window.wagtail.app.queryController('w-unsaved').initialFormData")
    tab.locator("#id_title").fill("Borst of fles?")
    rich_text_fill(tab, "question", "Hoe voed je je baby nu?")
    for _ in range(100):
        if held:
            break
        tab.wait_for_timeout(100)
    assert held, "the editor did not autosave"

    tab.locator("footer .w-dropdown__toggle, .footer .w-dropdown__toggle").first.click()
    tab.locator("button[name='action-publish']").click()
    tab.wait_for_timeout(300)
    for route in held:
        route.continue_()

    expect(tab.locator(".messages")).to_be_visible()
    [topic] = TopicPage.objects.child_of(project)
    assert topic.live and topic.slug == "borst-of-fles"
    assert not tab.locator(".messages .error, .messages .help-critical").count()


def test_no_autosave_follows_a_publish_that_is_on_its_way(tab_for, project_index):
    """The old page keeps running until the publish is answered: an autosave sent meanwhile
    would reach the server beside the publish, and both would make a page."""
    researcher = UserFactory(email="onderzoeker@example.org", roles=[Role.RESEARCHER])
    secret = totp_activate(researcher)
    project = ProjectPageFactory(parent=project_index, title="Voeding", owner=researcher)
    tab = tab_for(DESKTOP)
    log_in(tab, researcher.email, secret)

    autosaves: list[str] = []
    held: list[Route] = []

    def hold_the_publish(route: Route) -> None:
        request = route.request
        if request.method != "POST":
            route.continue_()
        elif "application/json" in request.headers.get("accept", ""):
            autosaves.append(request.url)
            route.continue_()
        else:
            held.append(route)  # the publish: answered below

    tab.route(re.compile(r".*/admin/pages/(add/projects/topicpage|\d+/edit)/.*"), hold_the_publish)
    tab.goto(f"/admin/pages/add/projects/topicpage/{project.pk}/")
    tab.wait_for_function("() => window.wagtail.app.queryController('w-unsaved').initialFormData")
    tab.locator("#id_title").fill("Borst of fles?")
    rich_text_fill(tab, "question", "Hoe voed je je baby nu?")
    tab.wait_for_timeout(1500)  # the change check and the autosave's own half-second wait
    tab.wait_for_function(
        "() => window.wagtail.app.queryController('w-autosave').stateValue !== 'saving'"
    )
    assert autosaves, "the editor did not autosave"
    tab.locator("footer .w-dropdown__toggle, .footer .w-dropdown__toggle").first.click()
    # While the publish is on its way the form still changes (a late keystroke), and
    # Wagtail's change check runs every half second: it would autosave now. Both done by the
    # page's own script: Playwright's clicks and locators would wait for the navigation.
    tab.locator("button[name='action-publish']").evaluate(
        """button => {
            button.click();
            window.setTimeout(() => {
                const title = document.getElementById("id_title");
                title.value += "!";
                title.dispatchEvent(new Event("input", { bubbles: true }));
            }, 200);
        }"""
    )
    sent_before = len(autosaves)
    tab.wait_for_timeout(2500)
    assert held, "the publish did not leave"
    assert len(autosaves) == sent_before
    held[0].continue_()

    expect(tab.locator(".messages")).to_be_visible()
    [topic] = TopicPage.objects.child_of(project)
    assert topic.live and topic.title == "Borst of fles?"


def test_moderator_works_the_queue_on_a_phone(tab_for, project_page, topic_page, consent_documents):
    moderator = UserFactory(email="moderator@example.org", roles=[Role.MODERATOR])
    secret = totp_activate(moderator)
    author = UserFactory(pseudonym="Zonnebloem")
    consent_accept_all(author)
    post = post_write(topic_page, author, "Een bijdrage die wacht op een moderator.",
                      status=PostStatus.PENDING)  # fmt: skip

    tab = tab_for(PHONE_WIDE)
    log_in(tab, moderator.email, secret)
    tab.goto("/admin/")
    no_serious_findings(tab)
    tab.locator("#admin-home-moderation-section a[href='/admin/moderation/']").click()
    expect(tab.locator(f"#post-{post.pk}")).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDE["width"]
    no_serious_findings(tab)

    # Hiding without a reason: our own message, in Dutch, next to the field.
    item = tab.locator(f"#post-{post.pk}")
    item.get_by_role("button", name="Verbergen").click()
    error = tab.locator(f"#hide-error-{post.pk}")
    expect(error).to_have_text("Vertel de schrijver waarom de bijdrage verborgen is.")
    item = tab.locator(f"#post-{post.pk}")
    item.locator(f"#hide-reason-{post.pk}").fill("Dit hoort niet in dit gesprek.")
    item.get_by_role("button", name="Verbergen").click()
    expect(tab.locator(".messages")).to_be_visible()
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN
