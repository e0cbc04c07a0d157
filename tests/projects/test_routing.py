"""The site and the routes through the page tree, remembered between requests
(projects.routing): a second visit asks the database nothing about them, and every change to
the tree is seen on the next request."""

import uuid
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from projects import routing
from projects.models import SiteLinks
from tests.conftest import dutch_url
from tests.projects.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


def tree_queries(client, url: str) -> list[str]:
    """The queries about sites, pages and view restrictions that a request runs."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    tables = ("wagtailcore_site", "wagtailcore_page", "wagtailcore_pageviewrestriction")
    return [query["sql"] for query in captured if any(table in query["sql"] for table in tables)]


def test_a_second_visit_asks_nothing_about_the_site_the_route_or_the_menu(
    client, home_page, standard_page
):
    url = dutch_url(standard_page)
    assert tree_queries(client, url)  # the first visit finds them

    assert tree_queries(client, url) == []


def test_each_request_serves_its_own_copy_of_the_page(client, standard_page):
    url = dutch_url(standard_page)

    first = client.get(url).context["page"]
    second = client.get(url).context["page"]

    assert first is not second
    assert first.pk == second.pk


def test_an_unpublished_page_is_gone_on_the_next_visit(client, standard_page):
    url = dutch_url(standard_page)
    client.get(url)

    standard_page.unpublish()

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_new_slug_answers_and_the_old_address_does_not(client, standard_page):
    old_url = dutch_url(standard_page)
    client.get(old_url)

    standard_page.slug = "nieuwe-naam"
    standard_page.save_revision().publish()
    standard_page.refresh_from_db()

    assert client.get(old_url).status_code == HTTPStatus.NOT_FOUND
    assert client.get(dutch_url(standard_page)).status_code == HTTPStatus.OK


def test_a_moved_page_answers_at_its_new_address(client, home_page, standard_page):
    page = StandardPageFactory(parent=standard_page, title="Verhuist")
    old_url = dutch_url(page)
    client.get(old_url)
    new_parent = StandardPageFactory(parent=home_page, title="Nieuwe plek")

    page.move(new_parent, pos="last-child")
    page.refresh_from_db()

    old = client.get(old_url)
    assert client.get(dutch_url(page)).status_code == HTTPStatus.OK
    assert old.status_code == HTTPStatus.MOVED_PERMANENTLY  # Wagtail's automatic redirect
    assert old["Location"] == dutch_url(page)


def test_a_view_restriction_applies_on_the_next_visit_and_its_removal_too(client, standard_page):
    url = dutch_url(standard_page)
    client.get(url)

    restriction = PageViewRestriction.objects.create(page=standard_page, restriction_type="login")
    refused = client.get(url)
    restriction.delete()

    assert refused.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in refused["Location"]
    assert client.get(url).status_code == HTTPStatus.OK


def test_changed_footer_links_show_on_the_next_visit(client, home_page):
    page = StandardPageFactory(parent=home_page, title="Huisregels")
    client.get("/")

    links = SiteLinks.for_site(Site.objects.get(is_default_site=True))
    links.house_rules_page = page
    links.save()

    assert f'href="{dutch_url(page)}">Huisregels</a>' in client.get("/").content.decode()


def test_a_renamed_menu_page_shows_its_new_title(client, home_page):
    page = StandardPageFactory(parent=home_page, title="Oude titel", show_in_menus=True)
    client.get("/")

    page.title = "Nieuwe titel"
    page.save_revision().publish()

    html = client.get("/").content.decode()
    assert "Nieuwe titel" in html and "Oude titel" not in html


def test_a_change_made_by_another_process_is_seen_through_the_shared_token(
    client, home_page, standard_page
):
    url = dutch_url(standard_page)
    client.get(url)
    # Another web process unpublished the page: its database write and its new token reach
    # this process, its in-memory forgetting does not.
    Page.objects.filter(pk=standard_page.pk).update(live=False)
    assert client.get(url).status_code == HTTPStatus.OK  # still remembered here

    cache.set(routing.GENERATION_KEY, uuid.uuid4().hex, timeout=None)

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_an_address_without_a_page_keeps_answering_404(client, home_page):
    assert client.get("/bestaat-niet/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/bestaat-niet/").status_code == HTTPStatus.NOT_FOUND

    StandardPageFactory(parent=home_page, title="Bestaat niet", slug="bestaat-niet")

    assert client.get("/bestaat-niet/").status_code == HTTPStatus.OK
