"""The public site's frame in a real browser: one compact header at every width, a menu that
folds away on phones and opens without JavaScript, and no serious axe finding."""

import re

import pytest
from playwright.sync_api import Page, expect

from community.models import Role
from projects.models import HomePage, ProjectIndexPage
from tests.browser.accessibility import serious_findings
from tests.browser.journeys import DESKTOP, log_in, site_menu
from tests.community.factories import (
    TEST_PASSWORD,
    NotificationFactory,
    UserFactory,
    totp_activate,
)
from tests.projects.factories import ProjectPageFactory, StandardPageFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE_390 = {"width": 390, "height": 844}
PHONE_320 = {"width": 320, "height": 640}
COMPACT_HEADER = 70  # px: a phone keeps most of its screen for the page


@pytest.fixture
def site(db) -> dict:
    """An about page in the menu and two projects, as on a fresh install with content."""
    home = HomePage.objects.get()
    index = ProjectIndexPage.objects.get()
    for title in ("Slapen in het eerste jaar", "De eerste weken thuis"):
        ProjectPageFactory(parent=index, title=title)
    about = StandardPageFactory(
        parent=home, title="Over Meet the Parents", slug="over", show_in_menus=True
    )
    return {"about": about}


@pytest.fixture
def parent(db):
    parent = UserFactory(email="ouder@example.org", pseudonym="Zonnebloem")
    NotificationFactory.create_batch(3, recipient=parent)
    return parent


def header_height(tab: Page) -> float:
    return tab.locator("header.site-header").bounding_box()["height"]


def page_width(tab: Page) -> int:
    return tab.evaluate("document.documentElement.scrollWidth")


def header_rows(tab: Page) -> int:
    """How many rows the header's visible links and buttons sit in (by their middles)."""
    middles = tab.evaluate(
        """() => [...document.querySelectorAll(
                'header a, header button, header summary, header .language-nav__current')]
            .filter(element => element.checkVisibility({visibilityProperty: true}))
            .map(element => element.getBoundingClientRect())
            .filter(box => box.width > 1 && box.height > 1)
            .map(box => Math.round(box.top + box.height / 2))"""
    )
    rows: list[int] = []
    for middle in sorted(middles):
        if not rows or middle - rows[-1] > 4:
            rows.append(middle)
    return len(rows)


@pytest.mark.parametrize("viewport", [PHONE_320, PHONE_390], ids=["320", "390"])
def test_a_signed_in_parent_gets_a_compact_header_on_a_phone(tab_for, site, parent, viewport):
    tab = tab_for(viewport)
    log_in(tab, parent.email)

    for path in ("/", "/projecten/", "/over/", "/mijn/"):
        tab.goto(path)
        assert header_height(tab) <= COMPACT_HEADER, path
        assert header_rows(tab) == 1, path
        assert page_width(tab) <= viewport["width"], path
        # The unread count stays in sight while the account links are folded away.
        expect(tab.get_by_role("link", name=re.compile(r"Meldingen.*3 ongelezen"))).to_be_visible()
        expect(tab.get_by_role("link", name="Mijn Meet the Parents")).to_be_hidden()
    assert tab.csp_violations == []


@pytest.mark.parametrize("viewport", [PHONE_320, PHONE_390], ids=["320", "390"])
def test_a_visitor_gets_a_compact_header_on_a_phone(tab_for, site, viewport):
    tab = tab_for(viewport)
    for path in ("/", "/en/", "/projecten/", "/over/", "/accounts/login/"):
        tab.goto(path)
        assert header_height(tab) <= COMPACT_HEADER, path
        assert page_width(tab) <= viewport["width"], path


def test_the_opened_menu_fits_the_narrowest_phone(tab_for, site, parent):
    tab = tab_for(PHONE_320)
    log_in(tab, parent.email)
    tab.goto("/")

    menu = site_menu(tab)

    for name in ("Projecten", "Over Meet the Parents", "Mijn Meet the Parents"):
        expect(menu.get_by_role("link", name=name)).to_be_in_viewport()
    expect(menu.get_by_role("button", name="Afmelden")).to_be_in_viewport()
    expect(menu.get_by_role("link", name=re.compile("English"))).to_be_in_viewport()
    assert page_width(tab) <= 320

    # With JavaScript, Escape folds the menu again and leaves the focus on its button.
    tab.keyboard.press("Escape")
    expect(menu.get_by_role("link", name="Mijn Meet the Parents")).to_be_hidden()
    expect(tab.locator(".site-menu__toggle")).to_be_focused()
    assert tab.csp_violations == []


def test_the_header_is_one_row_on_a_wide_screen_even_for_staff(tab_for, site):
    moderator = UserFactory(email="moderator@example.org", roles=[Role.MODERATOR])
    secret = totp_activate(moderator)
    tab = tab_for(DESKTOP)
    log_in(tab, moderator.email, secret)

    for path in ("/", "/en/", "/projecten/", "/en/projecten/"):
        tab.goto(path)
        expect(tab.locator(".site-menu__toggle")).to_be_hidden()
        banner = tab.get_by_role("banner")
        expect(
            banner.get_by_role("navigation", name=re.compile("Main menu|Hoofdmenu"))
        ).to_be_visible()
        expect(
            banner.get_by_role("link", name=re.compile("Medewerkers|Staff area"))
        ).to_be_visible()
        assert header_rows(tab) == 1, path
        assert header_height(tab) <= 80, path
        assert page_width(tab) <= DESKTOP["width"], path


def test_a_visitor_on_a_wide_screen_sees_the_whole_menu_in_one_row(tab_for, site):
    tab = tab_for(DESKTOP)
    tab.goto("/")

    banner = tab.get_by_role("banner")
    expect(banner.get_by_role("link", name="Aanmelden")).to_be_visible()
    expect(banner.get_by_role("link", name="Word lid")).to_be_visible()
    expect(banner.get_by_role("link", name=re.compile("English"))).to_be_visible()
    assert header_rows(tab) == 1
    # The current section is marked, as before the header was folded.
    banner.get_by_role("link", name="Projecten").click()
    expect(banner.get_by_role("link", name="Projecten")).to_have_attribute("aria-current", "page")


def test_the_phone_menu_opens_without_javascript(browser, live_server, site, parent):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE_390, java_script_enabled=False
    )
    tab = context.new_page()
    try:
        tab.goto("/accounts/login/")
        tab.locator("input[name=login]").fill(parent.email)
        tab.locator("input[name=password]").fill(TEST_PASSWORD)
        tab.locator("main form button[type=submit]").click()
        expect(tab).not_to_have_url(re.compile(r"/accounts/login/"))
        tab.goto("/")

        account = tab.get_by_role("navigation", name="Je account")
        expect(account).to_be_hidden()
        tab.get_by_text("Menu", exact=True).click()
        expect(account).to_be_visible()
        account.get_by_role("link", name="Mijn Meet the Parents").click()
        expect(tab).to_have_url(re.compile(r"/mijn/$"))

        tab.get_by_text("Menu", exact=True).click()
        tab.get_by_role("navigation", name="Taal").get_by_role("link").click()
        expect(tab).to_have_url(re.compile(r"/en/my/$"))
        expect(tab.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE_390, DESKTOP], ids=["390", "1280"])
def test_public_pages_have_no_serious_accessibility_findings(tab_for, site, parent, viewport):
    visitor = tab_for(viewport)
    member = tab_for(viewport)
    log_in(member, parent.email)

    for tab in (visitor, member):
        for path in ("/", "/projecten/", "/over/", "/en/", "/en/projecten/"):
            tab.goto(path)
            assert serious_findings(tab) == [], (path, tab is member)
        site_menu(tab)  # the unfolded phone menu too
        assert serious_findings(tab) == []
