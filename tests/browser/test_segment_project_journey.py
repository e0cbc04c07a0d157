"""Issue 4's "done when", in a real browser on the demo content: a researcher publishes a
project for a segment, a parent in it takes part in all four response modes (in English, on
a phone), a parent outside it cannot find it, and a moderator works the queue (in Dutch)."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from community.models import User
from community.models.profiles import month_start, months_added
from community.services.profiles import profile_update
from projects.management.commands.seed_demo import DEMO_PASSWORD
from projects.models import (
    Post,
    PostStatus,
    ProjectIndexPage,
    ProjectPage,
    ResponseMode,
    TopicPage,
)
from projects.services.posts import post_create
from tests.browser.journeys import DESKTOP, log_in, publish, rich_text_fill
from tests.community.factories import UserFactory, consent_accept_all, totp_activate
from tests.conftest import dutch_url
from tests.projects.factories import TopicPageFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SEGMENT = "Jonge gezinnen in Antwerpen"  # demo segment: a baby under 1, province of Antwerp
IN_SEGMENT = "ouder1@example.org"  # Zonnebloem: a baby of 6 months in Antwerp
OUTSIDE = "ouder2@example.org"  # Papa Kastanje: East Flanders


def english(page) -> str:
    return f"/en{dutch_url(page)}"


def fits_a_phone(tab: Page) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= 320, tab.url
    assert tab.csp_violations == []


def answer(tab: Page, text: str) -> None:
    tab.locator(".post-compose textarea").fill(text)
    tab.locator(".post-compose button[type=submit]").click()


def staff_with_two_factor(email: str) -> tuple[User, str]:
    user = User.objects.get(email=email)
    return user, totp_activate(user)


def test_segment_project_in_all_four_modes_for_its_audience_only(tab_for):
    call_command("seed_demo", verbosity=0)
    researcher, researcher_secret = staff_with_two_factor("onderzoeker@example.org")
    moderator, moderator_secret = staff_with_two_factor("moderator@example.org")

    # The researcher publishes a project for the demo segment, with a poll, in the admin.
    admin = tab_for(DESKTOP)
    log_in(admin, researcher.email, researcher_secret, password=DEMO_PASSWORD)
    admin.goto(f"/admin/pages/add/projects/projectpage/{ProjectIndexPage.objects.get().pk}/")
    admin.locator("#id_title").fill("Voeding in het eerste jaar")
    admin.locator("#id_title_en").fill("Feeding in the first year")
    admin.locator("#id_summary").fill("Hoe voeden jullie je baby?")
    admin.locator("#id_audience").select_option("segments")
    admin.get_by_label(SEGMENT).check()
    publish(admin)
    project = ProjectPage.objects.get(title="Voeding in het eerste jaar")
    assert project.live and [segment.name for segment in project.segments.all()] == [SEGMENT]

    admin.goto(f"/admin/pages/add/projects/topicpage/{project.pk}/")
    admin.locator("#id_title").fill("Borst of fles?")
    admin.locator("#id_title_en").fill("Breast or bottle?")
    rich_text_fill(admin, "question", "Hoe voed je je baby nu?")
    admin.locator("#id_response_mode").select_option("poll")
    admin.locator("#id_poll_comment").check()
    for number, (label, label_en) in enumerate([("Borst", "Breast"), ("Fles", "Bottle")]):
        admin.locator("#id_poll_options-ADD").click()
        admin.locator(f"#id_poll_options-{number}-label").fill(label)
        admin.locator(f"#id_poll_options-{number}-label_en").fill(label_en)
    publish(admin)
    poll = TopicPage.objects.get(title="Borst of fles?")
    assert poll.live and poll.poll_options.count() == 2
    assert admin.csp_violations == []

    # The other three modes, as the researcher adds them the same way (the discussion
    # journey creates a topic in the admin step by step).
    topics = {
        mode: TopicPageFactory(
            parent=project, title=f"Onderwerp {mode}", title_en=f"Topic {mode}", response_mode=mode
        )
        for mode in (ResponseMode.OPEN, ResponseMode.ANSWER_FIRST, ResponseMode.PRIVATE)
    }
    # Another parent of the segment answered the answer-first topic already.
    neighbour = UserFactory(email="buur@example.org", pseudonym="Buur uit Mortsel")
    consent_accept_all(neighbour)
    profile_update(
        user=neighbour,
        province="antwerpen",
        family_situation="",
        service_channel="",
        languages=["nl"],
        children=[months_added(month_start(), -3)],
    )
    post_create(
        author=neighbour,
        topic=topics[ResponseMode.ANSWER_FIRST],
        text="Buur: wij geven flesvoeding sinds week zes.",
    )

    # The parent in the segment takes part, in English, on a phone.
    parent = tab_for()
    log_in(parent, IN_SEGMENT, password=DEMO_PASSWORD)
    parent.goto(english(project.get_parent()))
    parent.get_by_role("link", name="Feeding in the first year").click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Feeding in the first year")
    fits_a_phone(parent)

    parent.goto(english(topics[ResponseMode.OPEN]))
    answer(parent, "We started with breastfeeding, now a bottle at night.")
    expect(parent.get_by_text("Thank you, your post is online.")).to_be_visible()
    expect(parent.get_by_text("now a bottle at night")).to_be_visible()
    answer(parent, "Call me on 0470 12 34 56 if you want tips.")
    expect(parent.get_by_text("Your post waits for a moderator")).to_be_visible()
    fits_a_phone(parent)

    parent.goto(english(topics[ResponseMode.ANSWER_FIRST]))
    expect(parent.get_by_text("Others' answers appear after you post yours")).to_be_visible()
    expect(parent.get_by_text("Buur: wij geven flesvoeding")).to_have_count(0)
    answer(parent, "Mostly breastfeeding, it took three weeks to get going.")
    expect(parent.get_by_text("Buur: wij geven flesvoeding sinds week zes.")).to_be_visible()
    fits_a_phone(parent)

    parent.goto(english(topics[ResponseMode.PRIVATE]))
    expect(parent.get_by_text("Only you and the research team see")).to_be_visible()
    answer(parent, "I felt judged at the consultation office about the bottle.")
    expect(parent.get_by_role("heading", name="What you wrote")).to_be_visible()
    fits_a_phone(parent)

    parent.goto(english(poll))
    parent.get_by_label("Bottle").check()
    parent.locator("textarea[name=comment]").fill("At night only.")
    parent.get_by_role("button", name="Vote").click()
    expect(parent.get_by_text("Thank you for voting.").first).to_be_visible()
    fits_a_phone(parent)

    zonnebloem = User.objects.get(email=IN_SEGMENT)
    written = Post.objects.filter(author=zonnebloem, project=project)
    assert written.count() == 5  # four answers and the poll comment
    assert poll.poll_options.get(votes__user=zonnebloem).label == "Fles"

    # A parent outside the segment cannot find the project, nor open it by its address.
    outsider = tab_for()
    log_in(outsider, OUTSIDE, password=DEMO_PASSWORD)
    outsider.goto(dutch_url(project.get_parent()))
    expect(outsider.get_by_text("Voeding in het eerste jaar")).to_have_count(0)
    for page in (project, topics[ResponseMode.OPEN], poll):
        response = outsider.goto(dutch_url(page))
        assert response.status == 404, page
    fits_a_phone(outsider)

    # The moderator works the queue: the post with a phone number waits, they approve it.
    held = written.get(status=PostStatus.PENDING)
    moderation = tab_for(DESKTOP)
    log_in(moderation, moderator.email, moderator_secret, password=DEMO_PASSWORD)
    moderation.goto("/admin/moderation/")
    item = moderation.locator(f"#post-{held.pk}")
    expect(item).to_contain_text("0470 12 34 56")
    expect(item).to_contain_text("Onderwerp open")
    item.get_by_role("button", name=re.compile("Goedkeuren")).click()
    expect(moderation.locator(f"#post-{held.pk}")).to_have_count(0)
    held.refresh_from_db()
    assert held.status == PostStatus.PUBLISHED
    assert moderation.csp_violations == []
