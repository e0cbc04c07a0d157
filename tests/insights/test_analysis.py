"""The analysis of a project's coded excerpts: filters, frequencies and cross-tables that
count distinct parents, a fixed query budget, and staff-only access."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone
from django.utils.translation import override

from community.models import HomeLanguage, MemberProfile, Province, Role
from community.models.profiles import Child, month_start, months_added
from insights.models import CodingRound, CodingRoundCoder
from insights.services.analysis import (
    ExcerptFilter,
    ProfileVariable,
    analysed_excerpts,
    code_cross_table,
    code_frequencies,
    coder_label,
)
from projects.models import PostStatus
from tests.community.factories import UserFactory
from tests.insights.factories import CodeFactory, excerpt_of
from tests.projects.factories import TopicPageFactory, post_write

pytestmark = pytest.mark.django_db


def analysis_url(project) -> str:
    return f"/admin/insights/projects/{project.pk}/analysis/"


def profile_give(user, *, province: str = "", child_ages: tuple[int, ...] = (), languages=()):
    profile = MemberProfile.objects.create(user=user, province=province)
    for months in child_ages:
        Child.objects.create(profile=profile, month=months_added(month_start(), -months))
    for language in languages:
        HomeLanguage.objects.create(profile=profile, language=language)
    return profile


@pytest.fixture
def example(project_page, topic_page, moderator, researcher):
    """A hand-made example.

    first (Antwerp, a baby, Dutch): two excerpts coded A, one of them also B (moderator);
    second (Limburg, children of 2 and 4, Dutch and Arabic), in the second topic: A
    (researcher); third (no profile): B (researcher); a moderator's own post: A.
    """
    second_topic = TopicPageFactory(parent=project_page, title="Tweede nacht")
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    profile_give(first, province=Province.ANTWERPEN, child_ages=(3,), languages=("nl",))
    profile_give(second, province=Province.LIMBURG, child_ages=(24, 48), languages=("nl", "ar"))
    code_a = CodeFactory(name="A", project=project_page)
    code_b = CodeFactory(name="B")
    excerpts = {
        "first_ab": excerpt_of(
            post_write(topic_page, first, "Eén twee."), moderator, code_a, code_b
        ),
        "first_a": excerpt_of(post_write(topic_page, first, "Drie vier."), moderator, code_a),
        "second_a": excerpt_of(post_write(second_topic, second, "Vijf zes."), researcher, code_a),
        "third_b": excerpt_of(post_write(topic_page, third, "Zeven acht."), researcher, code_b),
        "staff_a": excerpt_of(post_write(topic_page, moderator, "Negen tien."), moderator, code_a),
    }
    return {
        "people": (first, second, third),
        "codes": (code_a, code_b),
        "second_topic": second_topic,
        "excerpts": excerpts,
    }


def frequencies_of(project, **filters) -> dict[str, tuple[int, int]]:
    frequencies = code_frequencies(project=project, excerpt_filter=ExcerptFilter(**filters))
    return {row.name: (row.excerpts, row.parents) for row in frequencies}


def cross_table_of(project, variable: str, **filters) -> dict[str, dict[str, int]]:
    excerpt_filter = ExcerptFilter(**filters)
    table = code_cross_table(
        project=project,
        excerpt_filter=excerpt_filter,
        variable=variable,
        frequencies=code_frequencies(project=project, excerpt_filter=excerpt_filter),
    )
    values = [value for value, _label in table.columns]
    return {
        row.name: {value: cell for value, cell in zip(values, cells, strict=True) if cell}
        for row, cells in table.rows
    }


# --- counts ---


def test_frequency_table_counts_excerpts_and_distinct_parents(project_page, example):
    assert frequencies_of(project_page) == {"A": (4, 2), "B": (2, 2)}


def test_staff_posts_count_as_excerpts_but_never_as_parents(project_page, example):
    excerpts = analysed_excerpts(project=project_page)

    assert excerpts.count() == 5
    assert excerpts.parent_count() == 3


def test_an_erased_author_still_counts_once_by_research_key(project_page, example):
    first = example["people"][0]
    first.delete()

    assert frequencies_of(project_page) == {"A": (4, 2), "B": (2, 2)}


@pytest.mark.parametrize(
    ("variable", "expected"),
    [
        (
            ProfileVariable.PROVINCE,
            {"A": {"antwerpen": 1, "limburg": 1}, "B": {"antwerpen": 1, "": 1}},
        ),
        (
            ProfileVariable.AGE_BAND,
            {"A": {"0-1": 1, "1-3": 1, "3-6": 1}, "B": {"0-1": 1, "": 1}},
        ),
        (ProfileVariable.LANGUAGE, {"A": {"nl": 2, "ar": 1}, "B": {"nl": 1, "": 1}}),
    ],
)
def test_cross_table_counts_distinct_parents_per_code_and_value(
    project_page, example, variable, expected
):
    assert cross_table_of(project_page, variable) == expected


def test_cross_table_has_a_column_per_value_and_not_known(project_page, example):
    table = code_cross_table(
        project=project_page,
        variable=ProfileVariable.PROVINCE,
        frequencies=code_frequencies(project=project_page),
    )

    assert [value for value, _label in table.columns] == [*Province.values, ""]


def test_cross_table_follows_the_filters(project_page, example):
    assert cross_table_of(project_page, ProfileVariable.PROVINCE, province="limburg") == {
        "A": {"limburg": 1}
    }


def test_frequency_table_lists_most_parents_first(project_page, example):
    code_a, code_b = example["codes"]

    assert [row.code_id for row in code_frequencies(project=project_page)] == [
        code_a.pk,
        code_b.pk,
    ]


# --- filters ---


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"province": Province.ANTWERPEN}, {"A": (2, 1), "B": (1, 1)}),
        ({"age_band": "1-3"}, {"A": (1, 1)}),
        ({"age_band": "0-1"}, {"A": (2, 1), "B": (1, 1)}),
        ({"language": "ar"}, {"A": (1, 1)}),
        ({"language": "nl"}, {"A": (3, 2), "B": (1, 1)}),
    ],
)
def test_profile_filters_narrow_to_the_parents_with_that_value(
    project_page, example, filters, expected
):
    assert frequencies_of(project_page, **filters) == expected


def test_topic_code_and_coder_filters(project_page, example, researcher):
    code_a, code_b = example["codes"]

    assert frequencies_of(project_page, topic_ids=(example["second_topic"].pk,)) == {"A": (1, 1)}
    assert frequencies_of(project_page, code_ids=(code_b.pk,)) == {"A": (1, 1), "B": (2, 2)}
    assert frequencies_of(project_page, coder_ids=(researcher.pk,)) == {
        "A": (1, 1),
        "B": (1, 1),
    }


def test_other_projects_excerpts_never_count(project_index, project_page, example, moderator):
    from tests.projects.factories import ProjectPageFactory

    other_topic = TopicPageFactory(parent=ProjectPageFactory(parent=project_index))
    excerpt_of(post_write(other_topic, UserFactory(), "Elders."), moderator, example["codes"][1])

    assert frequencies_of(project_page) == {"A": (4, 2), "B": (2, 2)}


def test_blind_round_excerpts_count_only_once_every_coder_is_done(
    project_page, topic_page, example, moderator, researcher
):
    coding_round = CodingRound.objects.create(topic=topic_page, requested_by=researcher)
    CodingRoundCoder.objects.create(coding_round=coding_round, coder=moderator)
    other = CodingRoundCoder.objects.create(
        coding_round=coding_round, coder=researcher, done_at=timezone.now()
    )
    newcomer = UserFactory()
    excerpt_of(
        post_write(topic_page, newcomer, "Blind."),
        researcher,
        example["codes"][1],
        coding_round=coding_round,
    )

    assert frequencies_of(project_page)["B"] == (2, 2)

    CodingRoundCoder.objects.filter(pk=other.pk).update(done_at=timezone.now())
    coding_round.coders.update(done_at=timezone.now())

    assert frequencies_of(project_page)["B"] == (3, 3)


def test_coders_appear_by_first_name_or_role_never_email(moderator):
    assert coder_label(moderator) == moderator.first_name
    moderator.first_name = ""
    with override("en"):
        assert coder_label(moderator) == "Moderator"
    assert coder_label(None)


# --- the view ---


def test_analysis_view_shows_tables_and_excerpts_with_research_ids(
    client_for_role, project_page, example
):
    with override("en"):
        response = client_for_role("moderator").get(analysis_url(project_page))

    assert response.status_code == HTTPStatus.OK
    frequencies = {row.name: (row.excerpts, row.parents) for row in response.context["frequencies"]}
    assert frequencies == {"A": (4, 2), "B": (2, 2)}
    assert response.context["excerpt_total"] == 5
    assert response.context["parent_total"] == 3
    assert response.context["cross_table"].variable == ProfileVariable.AGE_BAND
    content = response.content.decode()
    for person in example["people"]:
        assert person.research_id in content
        assert person.email not in content
        assert person.pseudonym not in content


def test_analysis_view_applies_filters_from_the_query_string(
    client_for_role, project_page, example
):
    code_a, _code_b = example["codes"]
    response = client_for_role("researcher").get(
        analysis_url(project_page),
        {"province": Province.LIMBURG, "code": code_a.pk, "variable": ProfileVariable.PROVINCE},
    )

    frequencies = {row.name: (row.excerpts, row.parents) for row in response.context["frequencies"]}
    assert frequencies == {"A": (1, 1)}
    assert [excerpt.pk for excerpt, _coder in response.context["excerpts"]] == [
        example["excerpts"]["second_a"].pk
    ]
    assert response.context["cross_table"].variable == ProfileVariable.PROVINCE
    assert response.context["can_export"] is True


def test_analysis_view_ignores_unknown_filter_values(client_for_role, project_page, example):
    response = client_for_role("moderator").get(
        analysis_url(project_page), {"code": "999999", "province": "mars", "page": "x"}
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["excerpt_total"] == 5


def test_analysis_view_pages_the_excerpts(client_for_role, project_page, topic_page, moderator):
    code = CodeFactory()
    author = UserFactory()
    for number in range(30):
        excerpt_of(post_write(topic_page, author, f"Tekst {number}."), moderator, code)

    client = client_for_role("moderator")
    first = client.get(analysis_url(project_page))
    second = client.get(analysis_url(project_page), {"page": 2})

    assert len(first.context["excerpts"]) == 25
    assert len(second.context["excerpts"]) == 5
    assert "page=2" in first.content.decode()


def test_analysis_of_an_unknown_project_is_404(client_for_role):
    response = client_for_role("moderator").get("/admin/insights/projects/999999/analysis/")

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("count", [5, 50])
def test_analysis_costs_the_same_queries_for_5_and_50_excerpts(
    client_for_role,
    project_page,
    topic_page,
    moderator,
    researcher,
    django_assert_num_queries,
    count,
):
    codes = [CodeFactory(), CodeFactory(project=project_page)]
    authors = [UserFactory() for _ in range(3)]
    for index, author in enumerate(authors):
        profile_give(author, province=Province.LIMBURG, child_ages=(index * 20,), languages=["fr"])
    for number in range(count):
        coder = moderator if number % 2 else researcher
        excerpt_of(post_write(topic_page, authors[number % 3], f"Tekst {number}."), coder, *codes)
    client = client_for_role("researcher")
    client.get(analysis_url(project_page))

    with django_assert_num_queries(ANALYSIS_QUERIES):
        response = client.get(
            analysis_url(project_page),
            {"variable": ProfileVariable.LANGUAGE, "age_band": "0-1", "code": codes[0].pk},
        )

    assert response.context["frequencies"]


# admin page overhead (2FA, roles, admin menu…) plus the analysis: the project, topics,
# codes, coders (and their groups), frequencies (and the codes' names), cross-table, the
# excerpt count, distinct parents, one page of excerpts, their codings and coders' groups
ANALYSIS_QUERIES = 24


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", HTTPStatus.FOUND),
        ("parent", HTTPStatus.FORBIDDEN),
        ("other_parent", HTTPStatus.FORBIDDEN),
        ("moderator", HTTPStatus.OK),
        ("researcher", HTTPStatus.OK),
        ("admin", HTTPStatus.OK),
        ("team_lead", HTTPStatus.FOUND),
        ("complaints_officer", HTTPStatus.FOUND),
    ],
)
def test_analysis_permission_matrix(client_for_role, project_page, example, role, expected):
    response = client_for_role(role).get(analysis_url(project_page))

    assert response.status_code == expected
    if expected != HTTPStatus.OK:
        assert example["people"][0].research_id not in response.content.decode()
    else:
        assert response.context["can_export"] is (role != "moderator")


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.RESEARCHER, Role.ADMIN])
def test_staff_without_their_second_factor_never_see_the_analysis(client, project_page, role):
    client.force_login(UserFactory(roles=[role], is_staff=role == Role.ADMIN))

    response = client.get(analysis_url(project_page))

    assert response.status_code != HTTPStatus.OK


def test_analysis_button_on_project_pages_in_the_admin(
    client_for_role, project_index, project_page
):
    client = client_for_role("researcher")

    listing = client.get(f"/admin/pages/{project_index.pk}/")
    edit = client.get(f"/admin/pages/{project_page.pk}/edit/")

    assert analysis_url(project_page) in listing.content.decode()
    assert analysis_url(project_page) in edit.content.decode()


def test_excerpts_of_hidden_or_edited_posts_are_marked(
    client_for_role, project_page, topic_page, moderator
):
    hidden = post_write(topic_page, UserFactory(), "Verborgen.", status=PostStatus.HIDDEN)
    edited = post_write(topic_page, UserFactory(), "Eerst zo.")
    excerpt_of(hidden, moderator, CodeFactory())
    excerpt_of(edited, moderator, CodeFactory())
    edited.edited_at = timezone.now() + datetime.timedelta(minutes=1)
    edited.save()

    with override("en"):
        content = client_for_role("moderator").get(analysis_url(project_page)).content.decode()

    assert "(verborgen)" in content
    assert "(bijdrage sindsdien aangepast)" in content
