from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from wagtail.models import Page, PageViewRestriction, Site

from projects.models import (
    HomePage,
    ProjectIndexPage,
    ProjectPage,
    SiteLinks,
    StandardPage,
    TopicPage,
)
from tests.conftest import dutch_url
from tests.projects.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


class InlineCodeFinder(HTMLParser):
    """Collects what a content security policy without 'unsafe-inline' would block."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _value in attrs}
        if tag == "style":
            self.problems.append("<style>")
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        self.problems += [
            f"{tag}[{name}]" for name in names if name == "style" or name.startswith("on")
        ]


def test_page_tree_matches_the_design(home_page, project_index):
    site = Site.objects.get(is_default_site=True)

    assert site.root_page.specific == home_page
    assert project_index.slug == "projecten"
    assert project_index.get_parent().specific == home_page
    assert HomePage.objects.count() == 1


def test_page_types_only_go_where_the_design_puts_them(home_page, project_index, project_page):
    assert ProjectIndexPage.allowed_parent_page_models() == [HomePage]
    assert ProjectPage.can_create_at(project_index)
    assert not ProjectPage.can_create_at(home_page)
    assert TopicPage.can_create_at(project_page)
    assert not TopicPage.can_create_at(project_index)
    assert StandardPage.can_create_at(home_page)
    assert not HomePage.can_create_at(Page.get_first_root_node())  # only one home page


@pytest.mark.parametrize("language_prefix", ["", "/en"])
def test_every_page_type_renders_in_both_languages(
    client,
    parent,
    home_page,
    project_index,
    project_page,
    topic_page,
    standard_page,
    language_prefix,
):
    client.force_login(parent)  # projects and topics are for members
    for page in (home_page, project_index, project_page, topic_page, standard_page):
        response = client.get(f"{language_prefix}{dutch_url(page)}")

        assert response.status_code == HTTPStatus.OK, page
        html = response.content.decode()
        expected_lang = "en" if language_prefix else "nl"
        assert f'<html lang="{expected_lang}">' in html
        title = page.title_en if language_prefix and page.title_en else page.title
        assert title in html
        finder = InlineCodeFinder()
        finder.feed(html)
        assert finder.problems == [], page


def test_english_readers_see_dutch_text_where_no_translation_exists(client, home_page):
    page = StandardPageFactory(parent=home_page, title="Alleen Nederlands", title_en="", body_en=[])

    response = client.get(f"/en{dutch_url(page)}")

    assert "Alleen Nederlands" in response.content.decode()
    assert "Tekst in het Nederlands." in response.content.decode()


def test_language_switch_links_to_the_same_page_in_the_other_language(client, standard_page):
    dutch = client.get(dutch_url(standard_page)).content.decode()
    english = client.get(f"/en{dutch_url(standard_page)}").content.decode()

    assert f'href="/en{dutch_url(standard_page)}" lang="en" hreflang="en"' in dutch
    assert f'href="{dutch_url(standard_page)}" lang="nl" hreflang="nl"' in english


def test_language_switch_also_works_on_a_missing_page(client, home_page):
    english = client.get("/en/bestaat-niet/").content.decode()
    dutch = client.get("/bestaat-niet/").content.decode()

    assert 'href="/bestaat-niet/" lang="nl" hreflang="nl"' in english
    assert 'href="/en/bestaat-niet/" lang="en" hreflang="en"' in dutch


def test_dutch_is_the_default_whatever_the_browser_prefers(client, home_page):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert '<html lang="nl">' in response.content.decode()


def test_footer_links_to_house_rules_privacy_and_accessibility(client, home_page):
    links = SiteLinks.for_site(Site.objects.get(is_default_site=True))
    pages = {
        name: StandardPageFactory(parent=home_page, title=title, title_en=title_en)
        for name, title, title_en in [
            ("house_rules_page", "Huisregels", "House rules"),
            ("privacy_page", "Privacy", "Privacy"),
            ("accessibility_page", "Toegankelijkheid", "Accessibility"),
        ]
    }
    for name, page in pages.items():
        setattr(links, name, page)
    links.save()

    dutch = client.get("/").content.decode()
    english = client.get("/en/").content.decode()

    for page in pages.values():
        assert f'href="{dutch_url(page)}">{page.title}</a>' in dutch
        assert f'href="/en{dutch_url(page)}">{page.title_en}</a>' in english


def test_menu_follows_the_published_page_tree(client, home_page, project_index):
    assert "Nieuw in het menu" not in client.get("/").content.decode()

    StandardPageFactory(parent=home_page, title="Nieuw in het menu", show_in_menus=True)

    assert "Nieuw in het menu" in client.get("/").content.decode()


def test_menu_marks_the_current_page_and_section(client, parent, project_index, project_page):
    client.force_login(parent)
    on_index = client.get(dutch_url(project_index)).content.decode()
    in_section = client.get(dutch_url(project_page)).content.decode()

    assert '<a class="site-nav__link" href="/projecten/" aria-current="page">' in on_index
    assert '<a class="site-nav__link" href="/projecten/" aria-current="true">' in in_section


# The project index's query budget is in test_projects_audience.py (it lists projects to members).


# --- routing and view restrictions (one query each, Wagtail's rules) --------------------


def test_view_restrictions_of_the_page_and_its_ancestors_apply(home_page, standard_page):
    child = StandardPageFactory(parent=standard_page, title="Binnen")
    elsewhere = StandardPageFactory(parent=home_page, title="Elders")
    restriction = PageViewRestriction.objects.create(page=standard_page, restriction_type="login")

    assert list(child.get_view_restrictions()) == [restriction]
    assert list(standard_page.get_view_restrictions()) == [restriction]
    assert list(elsewhere.get_view_restrictions()) == []


def test_an_alias_answers_with_its_source_pages_restrictions(home_page, standard_page):
    restriction = PageViewRestriction.objects.create(page=standard_page, restriction_type="login")
    elsewhere = StandardPageFactory(parent=home_page, title="Elders")
    alias = standard_page.create_alias(parent=elsewhere, update_slug="alias")

    assert list(alias.get_view_restrictions()) == [restriction]
    assert list(Page.objects.get(pk=alias.pk).specific.get_view_restrictions()) == [restriction]


def test_a_restricted_page_asks_visitors_to_log_in(client, standard_page):
    PageViewRestriction.objects.create(page=standard_page, restriction_type="login")

    response = client.get(dutch_url(standard_page))

    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


def test_pages_below_a_page_of_mixed_children_are_found_and_missing_ones_are_not(
    client, standard_page
):
    child = StandardPageFactory(parent=standard_page, title="Binnen", body_en=[])

    assert client.get(dutch_url(child)).status_code == HTTPStatus.OK
    assert client.get(dutch_url(standard_page) + "bestaat-niet/").status_code == (
        HTTPStatus.NOT_FOUND
    )
