"""The public results page "Jullie zeiden, wij deden" and each update's own page: open to
everyone, the same HTML for every reader, no pseudonyms, only picked quotes, and a count of
parents only from 5 on."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from community.models import Role
from insights.models import PublicUpdate, UpdateStatus
from insights.services.updates import update_publish
from tests.community.factories import UserFactory, consent_accept_all
from tests.insights.factories import InsightFactory, PublicUpdateFactory, insight_with_parents

pytestmark = pytest.mark.django_db

ALL_ROLES = ["anonymous", "parent", "other_parent", "moderator", "researcher", "admin"]
ALL_ROLES += ["team_lead", "complaints_officer"]
COMMUNITY_STAFF = {"moderator", "researcher", "admin"}


def english(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def dutch(name: str, *args) -> str:
    with translation.override("nl"):
        return reverse(name, args=args)


@pytest.fixture
def make_parents(consent_documents):
    def make(count: int) -> list:
        parents = [UserFactory() for _ in range(count)]
        consent_accept_all(*parents)
        return parents

    return make


@pytest.fixture
def published_for(topic_page, moderator, make_parents):
    """A published update of an insight with evidence from `count` distinct parents."""

    def publish(count: int, **fields) -> tuple[PublicUpdate, list]:
        authors = make_parents(count)
        insight = insight_with_parents(topic_page, moderator, authors)
        update = PublicUpdateFactory(insight=insight, **fields)
        update_publish(update=update, user=moderator)
        update.refresh_from_db()
        return update, authors

    return publish


@pytest.fixture
def parent(parent, consent_documents):
    """Onboarded, so the site does not send them to the welcome steps first."""
    consent_accept_all(parent)
    return parent


@pytest.fixture
def other_parent(other_parent, consent_documents):
    consent_accept_all(other_parent)
    return other_parent


def test_the_results_page_lives_at_its_address_in_both_languages():
    assert english("update_list") == "/en/you-said-we-did/"
    assert english("update_detail", 3) == "/en/you-said-we-did/3/"
    # Dutch: /jullie-zeiden-wij-deden/ once the catalogue translates the path.
    assert dutch("update_list").endswith("/")


def test_visitors_read_published_updates_newest_first_and_no_drafts(client, published_for):
    older, _ = published_for(1, title_en="Older update")
    newer, _ = published_for(1, title_en="Newer update")
    PublicUpdate.objects.filter(pk=older.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=3)
    )
    PublicUpdateFactory(insight=newer.insight, title_en="A draft")

    response = client.get(english("update_list"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.index("Newer update") < html.index("Older update")
    assert "A draft" not in html


@pytest.mark.parametrize(
    ("parents", "shown", "hidden"),
    [(4, "Fewer than 5 parents raised this.", "4 parents"), (5, "5 parents raised this.", "Fewer")],
)
def test_the_count_of_parents_shows_only_from_5_on_every_public_page(
    client, published_for, parents, shown, hidden
):
    update, _ = published_for(parents)

    for url in (english("update_list"), english("update_detail", update.pk)):
        html = client.get(url).content.decode()
        assert shown in html, url
        assert hidden not in html, url


def test_no_pseudonym_or_name_appears_on_the_public_pages(client, published_for, moderator):
    update, authors = published_for(5)
    update.quotes.set(update.insight.evidence.all())

    for url in (english("update_list"), english("update_detail", update.pk)):
        html = client.get(url).content.decode()
        for person in [*authors, moderator]:
            assert person.pseudonym not in html, url
            assert person.email not in html, url
            assert person.last_name not in html, url


def test_only_the_picked_quotes_are_shown_and_never_a_removed_one(client, published_for):
    update, _ = published_for(3)
    picked, removed, not_picked = update.insight.evidence.order_by("pk")
    update.quotes.set([picked, removed])
    removed.quote_removed_at = timezone.now()
    removed.quote = ""
    removed.save()
    removed_text = "Ik wachtte 3 weken op een afspraak."

    html = client.get(english("update_detail", update.pk)).content.decode()

    assert picked.quote in html
    assert not_picked.quote not in html
    assert removed_text not in html
    assert html.count("<blockquote>") == 1


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_reads_a_published_update(client_for_role, published_for, role):
    update, _ = published_for(1, title_en="Open to all")

    client = client_for_role(role)
    for url in (english("update_list"), english("update_detail", update.pk)):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert "Open to all" in response.content.decode()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_draft_is_shown_only_to_community_staff(client_for_role, topic_page, moderator, role):
    insight = insight_with_parents(topic_page, moderator, [])
    draft = PublicUpdateFactory(insight=insight, title_en="Not yet public")

    client = client_for_role(role)
    response = client.get(english("update_detail", draft.pk))

    if role in COMMUNITY_STAFF:
        assert response.status_code == HTTPStatus.OK
        assert "Preview" in response.content.decode()
    else:
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert b"Not yet public" not in response.content
    assert b"Not yet public" not in client.get(english("update_list")).content


def test_an_unknown_update_is_not_found(client):
    assert client.get(english("update_detail", 999)).status_code == HTTPStatus.NOT_FOUND


def test_the_page_is_the_same_for_a_visitor_and_a_member_apart_from_the_header(
    client, published_for, parent
):
    update, _ = published_for(5)
    update.quotes.set(update.insight.evidence.all()[:1])

    def main(url: str) -> str:
        html = client.get(url).content.decode()
        return html[html.index("<main") : html.index("</main>")]

    for url in (english("update_list"), english("update_detail", update.pk)):
        anonymous = main(url)
        client.force_login(parent)
        assert main(url) == anonymous
        client.logout()


def test_the_results_page_is_paginated(client, topic_page, moderator):
    insight = insight_with_parents(topic_page, moderator, [])
    now = timezone.now()
    PublicUpdate.objects.bulk_create(
        [
            PublicUpdate(
                insight=insight,
                title=f"Update {number}",
                parents_said="P",
                we_do="W",
                status=UpdateStatus.PUBLISHED,
                published_at=now - datetime.timedelta(hours=number),
            )
            for number in range(12)
        ]
    )

    first = client.get(english("update_list")).content.decode()
    second = client.get(english("update_list") + "?page=2").content.decode()

    assert "Update 0<" in first and "Update 9<" in first and "Update 10<" not in first
    assert "Update 10<" in second and "Update 11<" in second
    assert 'rel="next"' in first


@pytest.mark.parametrize("count", [5, 50])
def test_the_results_page_costs_the_same_queries_for_5_and_50_updates(
    client, topic_page, project_page, moderator, count, django_assert_num_queries
):
    now = timezone.now()
    for number in range(count):
        insight = InsightFactory(projects=[project_page])
        PublicUpdate.objects.create(
            insight=insight,
            title=f"Update {number}",
            parents_said="P",
            we_do="W",
            status=UpdateStatus.PUBLISHED,
            published_at=now - datetime.timedelta(hours=number),
            parent_count=number,
        )
    url = english("update_list")
    client.get(url)  # the site and navigation are remembered after this

    # A visitor gets the kept page: no query at all once it was rendered.
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    # Rendered for a signed-in reader: the count for the paginator, the updates (the cards
    # need nothing else).
    client.force_login(UserFactory(pseudonym="", roles=[Role.RESEARCHER]))
    client.get(url)
    with django_assert_num_queries(2):
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK


def test_visitors_see_an_update_as_soon_as_it_is_published(client, published_for, moderator):
    first, _authors = published_for(5, title="Eerste bericht")
    url = english("update_list")
    assert "Eerste bericht" in client.get(url).content.decode()  # now kept
    draft = PublicUpdateFactory(insight=first.insight, title="Tweede bericht")
    assert "Tweede bericht" not in client.get(url).content.decode()

    update_publish(update=draft, user=moderator)

    assert "Tweede bericht" in client.get(url).content.decode()
    PublicUpdate.objects.filter(pk=draft.pk).delete()
    assert "Tweede bericht" not in client.get(url).content.decode()


def test_the_update_page_costs_a_fixed_number_of_queries(
    client, published_for, django_assert_num_queries
):
    update, _ = published_for(5)
    update.quotes.set(update.insight.evidence.all())
    url = english("update_detail", update.pk)
    client.get(url)

    # The update with its insight, its projects, its quotes.
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK


def test_the_home_page_links_to_the_results_page(client, home_page):
    html = client.get("/en/").content.decode()

    assert f'href="{english("update_list")}"' in html


def test_the_dutch_address_of_an_update_works_for_english_readers_of_a_notification(
    client, published_for
):
    update, _ = published_for(1, title_en="In English")

    response = client.get(f"/en/jullie-zeiden-wij-deden/{update.pk}/")

    assert response.status_code == HTTPStatus.OK
    assert "In English" in response.content.decode()
