"""Blind double coding: starting a round, coding blind, marking done, and the agreement."""

from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry

from community.models import Role
from insights.models import CodingRound, Excerpt
from insights.services.agreement import AgreementTable, round_agreement
from insights.services.rounds import (
    coding_round_done,
    coding_round_start,
    excerpts_visible_to_coder,
)
from tests.community.factories import UserFactory
from tests.conftest import login_with_two_factor
from tests.insights.factories import CodeFactory, excerpt_of
from tests.projects.factories import post_write

pytestmark = pytest.mark.django_db

ALL_ROLES = [
    "anonymous",
    "parent",
    "other_parent",
    "moderator",
    "researcher",
    "admin",
    "team_lead",
    "complaints_officer",
]


@pytest.fixture
def second_moderator(db):
    return UserFactory(email="moderator2@example.org", roles=[Role.MODERATOR])


@pytest.fixture
def posts(topic_page, parent):
    return [post_write(topic_page, parent, f"Bijdrage nummer {n} over slapen") for n in range(4)]


@pytest.fixture
def coding_round(researcher, topic_page, moderator, second_moderator):
    return coding_round_start(
        user=researcher, topic=topic_page, coders=[moderator, second_moderator]
    )


def visible(user, topic) -> set[int]:
    return set(excerpts_visible_to_coder(user, topic).values_list("pk", flat=True))


# --- starting a round ---


def test_a_researcher_starts_a_round_for_two_coders_and_it_is_audited(
    researcher, topic_page, moderator, second_moderator
):
    coding_round = coding_round_start(
        user=researcher, topic=topic_page, coders=[moderator, second_moderator]
    )

    assert coding_round.requested_by == researcher
    assert {entry.coder for entry in coding_round.coders.all()} == {moderator, second_moderator}
    assert ModelLogEntry.objects.filter(action="insights.coding_round_started").count() == 1


def test_a_moderator_cannot_start_a_round(moderator, second_moderator, researcher, topic_page):
    with pytest.raises(PermissionDenied):
        coding_round_start(user=moderator, topic=topic_page, coders=[second_moderator, researcher])
    assert not CodingRound.objects.exists()


def test_the_same_coder_twice_is_refused(researcher, topic_page, moderator):
    with pytest.raises(ValidationError) as error:
        coding_round_start(user=researcher, topic=topic_page, coders=[moderator, moderator])
    assert "coders" in error.value.message_dict
    assert not CodingRound.objects.exists()


def test_one_or_three_coders_are_refused(researcher, topic_page, moderator, second_moderator):
    for coders in ([moderator], [moderator, second_moderator, researcher]):
        with pytest.raises(ValidationError):
            coding_round_start(user=researcher, topic=topic_page, coders=coders)
    assert not CodingRound.objects.exists()


@pytest.mark.parametrize("not_a_coder", ["parent", "team_lead", "complaints_officer"])
def test_parents_team_leads_and_complaints_officers_cannot_be_coders(
    request, researcher, topic_page, moderator, not_a_coder
):
    other = request.getfixturevalue(not_a_coder)
    with pytest.raises(ValidationError) as error:
        coding_round_start(user=researcher, topic=topic_page, coders=[moderator, other])
    assert "coders" in error.value.message_dict
    assert not CodingRound.objects.exists()


def test_a_coder_with_an_unfinished_round_on_the_topic_cannot_get_a_second(
    coding_round, researcher, topic_page, moderator
):
    with pytest.raises(ValidationError):
        coding_round_start(user=researcher, topic=topic_page, coders=[moderator, researcher])
    assert CodingRound.objects.count() == 1


def test_a_new_round_can_start_once_the_last_one_is_complete(
    coding_round, researcher, topic_page, moderator, second_moderator
):
    coding_round_done(user=moderator, coding_round=coding_round)
    coding_round_done(user=second_moderator, coding_round=coding_round)

    coding_round_start(user=researcher, topic=topic_page, coders=[moderator, second_moderator])

    assert CodingRound.objects.count() == 2


# --- marking done ---


def test_only_a_coder_of_the_round_marks_it_done_and_only_once(coding_round, researcher, moderator):
    with pytest.raises(PermissionDenied):
        coding_round_done(user=researcher, coding_round=coding_round)

    entry = coding_round_done(user=moderator, coding_round=coding_round)

    assert entry.done_at is not None
    assert ModelLogEntry.objects.filter(action="insights.coding_round_done").count() == 1
    with pytest.raises(ValidationError):
        coding_round_done(user=moderator, coding_round=coding_round)


# --- isolation ---


def test_coders_see_only_their_own_round_excerpts_until_both_are_done(
    coding_round, topic_page, posts, moderator, second_moderator, researcher
):
    code = CodeFactory()
    regular = excerpt_of(posts[0], researcher, code)
    by_first = excerpt_of(posts[1], moderator, code, coding_round=coding_round)
    by_second = excerpt_of(posts[1], second_moderator, code, coding_round=coding_round)

    assert visible(moderator, topic_page) == {regular.pk, by_first.pk}
    assert visible(second_moderator, topic_page) == {regular.pk, by_second.pk}
    assert visible(researcher, topic_page) == {regular.pk}

    coding_round_done(user=moderator, coding_round=coding_round)
    assert visible(moderator, topic_page) == {regular.pk, by_first.pk}
    assert visible(second_moderator, topic_page) == {regular.pk, by_second.pk}

    coding_round_done(user=second_moderator, coding_round=coding_round)
    everything = {regular.pk, by_first.pk, by_second.pk}
    assert visible(moderator, topic_page) == everything
    assert visible(second_moderator, topic_page) == everything
    assert visible(researcher, topic_page) == everything


# --- agreement ---


def test_agreement_figures_match_a_hand_computed_example(
    coding_round, topic_page, parent, moderator, second_moderator
):
    """Ten posts and code "Waiting": both coders apply it to posts 0–3, only the first to
    4–5, only the second to 6, neither to 7–9.

                      second: yes   second: no
        first: yes         4             2          6
        first: no          1             3          4
                           5             5         10

    Percentage agreement p_o = (4 + 3) / 10 = 70 %.
    Expected by chance p_e = (6·5 + 4·5) / 100 = 0.5, so Cohen's kappa
    = (0.7 − 0.5) / (1 − 0.5) = 0.4.
    Krippendorff's alpha (nominal): 20 values, 11 "yes" and 9 "no"; 6 of them sit in a
    pair that disagrees. D_o = 6 / 20 = 0.3; D_e = 2·11·9 / (20·19) = 198 / 380;
    alpha = 1 − D_o / D_e = 1 − 114 / 198 = 14 / 33 ≈ 0.424.
    Code "Sleep" is applied by both coders to every post: no variation, so both
    coefficients are not defined while the agreement is 100 %.
    """
    ten = [
        post_write(topic_page, parent, f"Ik wacht al {n} weken op een afspraak") for n in range(10)
    ]
    waiting = CodeFactory(name="Waiting")
    sleep = CodeFactory(name="Sleep")
    for n, post in enumerate(ten):
        first_codes = [sleep] + ([waiting] if n <= 5 else [])
        second_codes = [sleep] + ([waiting] if n <= 3 or n == 6 else [])
        excerpt_of(post, moderator, *first_codes, coding_round=coding_round)
        excerpt_of(post, second_moderator, *second_codes, coding_round=coding_round)
    coding_round_done(user=moderator, coding_round=coding_round)
    coding_round_done(user=second_moderator, coding_round=coding_round)

    agreement = round_agreement(coding_round)

    assert agreement.units == 10
    by_name = {result.code.name: result for result in agreement.codes}
    table = by_name["Waiting"].table
    assert table == AgreementTable(both=4, first_only=2, second_only=1, neither=3)
    assert table.percent_agreement == pytest.approx(70)
    assert table.cohen_kappa == pytest.approx(0.4)
    assert table.krippendorff_alpha == pytest.approx(14 / 33)
    assert [d.post for d in by_name["Waiting"].disagreements] == [ten[4], ten[5], ten[6]]
    assert by_name["Waiting"].disagreements[2].first_excerpts == []
    assert by_name["Waiting"].disagreements[2].second_excerpts[0].coder == second_moderator

    no_variation = by_name["Sleep"].table
    assert no_variation.percent_agreement == pytest.approx(100)
    assert no_variation.cohen_kappa is None
    assert no_variation.krippendorff_alpha is None
    assert by_name["Sleep"].disagreements == []


def test_posts_nobody_coded_count_as_agreement_on_not_applying_the_code(
    coding_round, posts, moderator, second_moderator
):
    code = CodeFactory()
    excerpt_of(posts[0], moderator, code, coding_round=coding_round)

    agreement = round_agreement(coding_round)

    table = agreement.codes[0].table
    assert table == AgreementTable(both=0, first_only=1, second_only=0, neither=3)
    assert table.cohen_kappa == pytest.approx(0)


# --- admin pages ---


def rounds_url() -> str:
    return reverse("insights_admin_rounds")


def start_url() -> str:
    return reverse("insights_admin_round_start")


def round_url(coding_round) -> str:
    return reverse("insights_admin_round", args=[coding_round.pk])


def code_url(coding_round) -> str:
    return reverse("insights_admin_round_code", args=[coding_round.pk])


def done_url(coding_round) -> str:
    return reverse("insights_admin_round_done", args=[coding_round.pk])


def assert_refused(response, role: str) -> None:
    if role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert "/login/" in response["Location"]
    else:
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)


# Who gets each page; every other role is refused. The round's coders are `moderator` and
# `second_moderator`, it was asked for by `researcher`.
PAGE_ACCESS = {
    "list": {"moderator", "researcher", "admin"},
    "start": {"researcher", "admin"},
    "round": {"moderator", "researcher", "admin"},
    "code": {"moderator"},
}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("page", sorted(PAGE_ACCESS))
def test_round_pages_open_only_to_the_right_roles(client_for_role, coding_round, posts, role, page):
    client = client_for_role(role)
    url = {
        "list": rounds_url(),
        "start": start_url(),
        "round": round_url(coding_round),
        "code": code_url(coding_round),
    }[page]

    response = client.get(url)

    if role in PAGE_ACCESS[page]:
        assert response.status_code == HTTPStatus.OK
    else:
        assert_refused(response, role)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_a_coder_of_the_round_can_mark_it_done(client_for_role, coding_round, role):
    client = client_for_role(role)

    response = client.post(done_url(coding_round))

    entries = {entry.coder.email: entry.done_at for entry in coding_round.coders.all()}
    if role == "moderator":
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == round_url(coding_round)
        assert entries["moderator@example.org"] is not None
    else:
        assert_refused(response, role)
        assert all(done_at is None for done_at in entries.values())


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_researchers_and_admins_start_a_round_in_the_admin(
    client_for_role, topic_page, moderator, second_moderator, role
):
    client = client_for_role(role)

    response = client.post(
        start_url(),
        {
            "topic": topic_page.pk,
            "first_coder": moderator.pk,
            "second_coder": second_moderator.pk,
        },
    )

    if role in ("researcher", "admin"):
        coding_round = CodingRound.objects.get()
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == round_url(coding_round)
    else:
        assert_refused(response, role)
        assert not CodingRound.objects.exists()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_the_coder_codes_in_the_round_page(client_for_role, coding_round, posts, role):
    code = CodeFactory()
    client = client_for_role(role)

    response = client.post(code_url(coding_round), {"post": posts[0].pk, "codes": [code.pk]})

    if role == "moderator":
        assert response.status_code == HTTPStatus.FOUND
        assert Excerpt.objects.get().coding_round == coding_round
    else:
        assert_refused(response, role)
        assert not Excerpt.objects.exists()


def test_the_same_coder_twice_in_the_form_keeps_the_choice_and_says_why(
    client_for_role, topic_page, moderator
):
    client = client_for_role("researcher")

    with translation.override("en"):
        response = client.post(
            start_url(),
            {"topic": topic_page.pk, "first_coder": moderator.pk, "second_coder": moderator.pk},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert f'<option value="{moderator.pk}" selected>' in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not CodingRound.objects.exists()


def test_a_team_lead_cannot_be_chosen_as_coder(client_for_role, topic_page, moderator, team_lead):
    client = client_for_role("researcher")

    response = client.post(
        start_url(),
        {"topic": topic_page.pk, "first_coder": moderator.pk, "second_coder": team_lead.pk},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not CodingRound.objects.exists()


def test_coding_without_a_code_is_refused_and_the_memo_is_kept(
    client_for_role, coding_round, posts
):
    CodeFactory()
    client = client_for_role("moderator")

    response = client.post(
        code_url(coding_round), {"post": posts[0].pk, "memo": "Mijn notitie bij dit fragment"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Mijn notitie bij dit fragment" in response.content.decode()
    assert not Excerpt.objects.exists()


def test_a_coder_takes_a_code_off_their_own_round_excerpt(
    client_for_role, coding_round, posts, moderator
):
    code = CodeFactory()
    excerpt = excerpt_of(posts[0], moderator, code, coding_round=coding_round)
    client = client_for_role("moderator")

    response = client.post(code_url(coding_round), {"uncode": excerpt.codings.get().pk})

    assert response.status_code == HTTPStatus.FOUND
    assert not excerpt.codings.exists()


def test_the_pages_keep_each_coder_blind_until_both_are_done(
    coding_round, posts, moderator, second_moderator, researcher
):
    code = CodeFactory(name="Wachttijd")
    clients = {user: Client() for user in (moderator, second_moderator, researcher)}
    for user, client in clients.items():
        login_with_two_factor(client, user)
    first_client, second_client = clients[moderator], clients[second_moderator]
    first_client.post(code_url(coding_round), {"post": posts[0].pk, "codes": [code.pk]})
    first = Excerpt.objects.get(coder=moderator)
    second_client.post(code_url(coding_round), {"post": posts[1].pk, "codes": [code.pk]})
    second = Excerpt.objects.get(coder=second_moderator)

    own_page = second_client.get(code_url(coding_round)).content.decode()
    assert f'data-excerpt="{second.pk}"' in own_page
    assert f'data-excerpt="{first.pk}"' not in own_page
    round_page = second_client.get(round_url(coding_round)).content.decode()
    assert "data-agreement" not in round_page
    assert f'data-excerpt="{first.pk}"' not in round_page

    second_client.post(done_url(coding_round))
    assert "data-agreement" not in first_client.get(round_url(coding_round)).content.decode()
    first_client.post(done_url(coding_round))

    for client in clients.values():
        page = client.get(round_url(coding_round)).content.decode()
        assert "data-agreement" in page
        assert f'data-excerpt="{first.pk}"' in page
        assert f'data-excerpt="{second.pk}"' in page
    assert first_client.get(code_url(coding_round)).status_code in (
        HTTPStatus.FOUND,
        HTTPStatus.FORBIDDEN,
    )


def test_the_round_page_shows_not_defined_without_variation(
    client_for_role, coding_round, posts, moderator, second_moderator
):
    code = CodeFactory()
    for post in posts:
        excerpt_of(post, moderator, code, coding_round=coding_round)
        excerpt_of(post, second_moderator, code, coding_round=coding_round)
    coding_round_done(user=moderator, coding_round=coding_round)
    coding_round_done(user=second_moderator, coding_round=coding_round)
    client = client_for_role("researcher")

    with translation.override("en"):
        response = client.get(round_url(coding_round), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "100%" in html
    assert html.count("niet te berekenen") >= 2


def test_a_round_whose_coder_was_deleted_shows_no_agreement(
    client_for_role, coding_round, posts, moderator, second_moderator
):
    coding_round_done(user=moderator, coding_round=coding_round)
    coding_round_done(user=second_moderator, coding_round=coding_round)
    second_moderator.delete()
    client = client_for_role("researcher")

    response = client.get(round_url(coding_round))

    assert response.status_code == HTTPStatus.OK
    assert "data-agreement" not in response.content.decode()


def test_the_topic_offers_blind_double_coding_to_researchers(client_for_role, topic_page):
    client = client_for_role("researcher")

    html = client.get(reverse("wagtailadmin_explore", args=[topic_page.get_parent().pk]))

    assert f"{start_url()}?topic={topic_page.pk}" in html.content.decode()


# --- query budgets ---


def _round_with_posts(coding_round, parent, count: int) -> None:
    code = CodeFactory()
    first, second = (entry.coder for entry in coding_round.coders.all())
    for n in range(count):
        post = post_write(coding_round.topic, parent, f"Bijdrage {n} over de eerste nacht")
        excerpt_of(post, first, code, coding_round=coding_round)
        if n % 2:
            excerpt_of(post, second, code, coding_round=coding_round)


@pytest.mark.parametrize("count", [5, 50])
def test_the_coding_page_costs_the_same_queries_for_5_and_50_posts(
    client_for_role, coding_round, parent, django_assert_num_queries, count
):
    _round_with_posts(coding_round, parent, count)
    client = client_for_role("moderator")

    with django_assert_num_queries(CODING_PAGE_QUERIES):
        response = client.get(code_url(coding_round))

    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("data-own-excerpts") == count


@pytest.mark.parametrize("count", [5, 50])
def test_the_round_page_costs_the_same_queries_for_5_and_50_posts(
    client_for_role,
    coding_round,
    parent,
    moderator,
    second_moderator,
    django_assert_num_queries,
    count,
):
    _round_with_posts(coding_round, parent, count)
    for coder in (moderator, second_moderator):
        coding_round_done(user=coder, coding_round=coding_round)
    client = client_for_role("researcher")

    with django_assert_num_queries(ROUND_PAGE_QUERIES):
        response = client.get(round_url(coding_round))

    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("round-difference__post") == count // 2 + count % 2


@pytest.mark.parametrize("count", [5, 50])
def test_the_round_list_costs_the_same_queries_for_5_and_50_rounds(
    client_for_role,
    topic_page,
    researcher,
    moderator,
    second_moderator,
    django_assert_num_queries,
    count,
):
    for _ in range(count):
        coding_round = CodingRound.objects.create(topic=topic_page, requested_by=researcher)
        for coder in (moderator, second_moderator):
            coding_round.coders.create(coder=coder)
    client = client_for_role("moderator")

    with django_assert_num_queries(ROUND_LIST_QUERIES):
        response = client.get(rounds_url())

    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("data-round=") == count


CODING_PAGE_QUERIES = 16
ROUND_LIST_QUERIES = 15
ROUND_PAGE_QUERIES = 16
