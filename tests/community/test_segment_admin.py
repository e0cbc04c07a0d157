"""Segments in the Wagtail admin: who may see them, editing, and the live member count."""

import json
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from community.models import Role, Segment
from community.models.profiles import month_start, months_added
from community.segment_admin import member_count_text
from tests.community.test_segments import member, segment_with

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/segments/"
ADD_URL = "/admin/segments/add/"
COUNT_URL = "/admin/segments/count/"
STAFF_ROLES_WITHOUT_ACCESS = ["moderator", "team_lead", "complaints_officer"]


def months_ago(months: int):
    """Relative to the real today: the admin counts on the day of asking."""
    return months_added(month_start(), -months)


def edit_url(segment: Segment) -> str:
    return reverse("segments:edit", args=[segment.pk])


def segment_post(name="Antwerpen 0-1", rules=(), deleted=(), pseudonyms="", initial=0) -> dict:
    data = {
        "name": name,
        "description": "",
        "invited_pseudonyms": pseudonyms,
        "rules-TOTAL_FORMS": str(len(rules)),
        "rules-INITIAL_FORMS": str(initial),
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    for index, criterion in enumerate(rules):
        data[f"rules-{index}-criterion"] = criterion
        data[f"rules-{index}-id"] = ""
        data[f"rules-{index}-DELETE"] = "1" if index in deleted else ""
    return data


@pytest.fixture
def young_antwerp_family():
    return member(children=[months_ago(4)], province="antwerpen", pseudonym="Zonnebloem")


@pytest.fixture
def logged_in_researcher(client_for_role):
    return client_for_role("researcher")


# ---------- Who may use segments ----------

ACCESS = [
    ("anonymous", "login"),
    ("parent", "refused"),
    ("other_parent", "refused"),
    *((role, "denied") for role in STAFF_ROLES_WITHOUT_ACCESS),
    ("researcher", "allowed"),
    ("admin", "allowed"),
]


@pytest.mark.parametrize(("role", "access"), ACCESS)
@pytest.mark.parametrize("page", ["list", "add", "edit"])
def test_segment_pages_access_matrix(client_for_role, role, access, page):
    segment = segment_with("province:antwerpen", name="Antwerpen")
    url = {"list": LIST_URL, "add": ADD_URL, "edit": edit_url(segment)}[page]
    client = client_for_role(role)

    response = client.get(url)

    if access == "allowed":
        assert response.status_code == HTTPStatus.OK
    elif access == "login":
        assert response.status_code == HTTPStatus.FOUND
        assert "login" in response["Location"]
    elif access == "refused":
        assert response.status_code == HTTPStatus.FORBIDDEN
    else:
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == "/admin/"
        assert "Antwerpen" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize(("role", "access"), ACCESS)
def test_count_endpoint_access_matrix(client_for_role, role, access, young_antwerp_family):
    client = client_for_role(role)

    response = client.post(COUNT_URL, segment_post(rules=["province:antwerpen"]))

    if access == "allowed":
        assert response.status_code == HTTPStatus.OK
        assert response.json()["count"] == 1
    elif access == "login":
        assert response.status_code == HTTPStatus.FOUND
        assert "login" in response["Location"]
    elif access == "refused":
        assert response.status_code == HTTPStatus.FORBIDDEN
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "count" not in response.json()


@pytest.mark.parametrize(("role", "access"), ACCESS)
def test_only_researchers_and_administrators_see_segments_in_the_menu(
    client_for_role, role, access
):
    if access in ("login", "refused"):
        return
    html = client_for_role(role).get("/admin/").content.decode()

    assert ("/admin/segments/" in html) is (access == "allowed")


def test_anyone_without_permission_cannot_save_a_segment(client_for_role):
    client = client_for_role("moderator")

    response = client.post(ADD_URL, segment_post(rules=["province:antwerpen"]))

    assert response.status_code == HTTPStatus.FOUND
    assert not Segment.objects.exists()


def test_count_endpoint_takes_no_get(logged_in_researcher):
    assert logged_in_researcher.get(COUNT_URL).status_code == HTTPStatus.METHOD_NOT_ALLOWED


# ---------- Defining a segment ----------


def test_researcher_creates_a_segment_with_rules_and_invited_members(
    logged_in_researcher, researcher, young_antwerp_family
):
    invited = member(pseudonym="Klaproos")

    response = logged_in_researcher.post(
        ADD_URL,
        segment_post(
            rules=["age:0-1", "province:antwerpen"], pseudonyms="  klaproos \n\nKlaproos\n"
        ),
    )

    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    segment = Segment.objects.get()
    assert segment.name == "Antwerpen 0-1"
    assert segment.created_by == researcher
    assert sorted(rule.criterion for rule in segment.rules.all()) == [
        "age:0-1",
        "province:antwerpen",
    ]
    assert list(segment.invited_members.all()) == [invited]
    assert set(segment.members()) == {young_antwerp_family, invited}


def test_unknown_pseudonyms_are_listed_and_nothing_is_saved(logged_in_researcher):
    member(pseudonym="Klaproos")
    typed = "Klaproos\nMadeliefje\nBoterbloem"

    response = logged_in_researcher.post(
        ADD_URL, segment_post(rules=["province:antwerpen"], pseudonyms=typed)
    )

    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors["invited_pseudonyms"]
    assert len(errors) == 1
    assert "Madeliefje, Boterbloem" in errors[0]
    assert "Klaproos" not in errors[0]
    assert typed in response.content.decode()
    assert not Segment.objects.exists()


def test_staff_pseudonyms_cannot_be_invited(logged_in_researcher):
    member(pseudonym="Onderzoeker X", roles=[Role.RESEARCHER])

    response = logged_in_researcher.post(ADD_URL, segment_post(pseudonyms="Onderzoeker X"))

    assert "Onderzoeker X" in response.context["form"].errors["invited_pseudonyms"][0]


def test_a_segment_name_is_unique(logged_in_researcher):
    segment_with(name="Antwerpen 0-1")

    response = logged_in_researcher.post(ADD_URL, segment_post(rules=["age:0-1"]))

    assert response.status_code == HTTPStatus.OK
    assert "name" in response.context["form"].errors
    assert Segment.objects.count() == 1


def test_edit_page_shows_the_invite_list_the_exact_count_and_loads_the_count_script(
    logged_in_researcher, young_antwerp_family
):
    invited = member(pseudonym="Klaproos")
    segment = segment_with("province:antwerpen", invited=[invited], name="Antwerpen")

    response = logged_in_researcher.get(edit_url(segment))

    html = response.content.decode()
    assert response.context["form"]["invited_pseudonyms"].value() == "Klaproos"
    shown = [member_count_text(2)]
    with translation.override("en"):
        shown.append(member_count_text(2))
    assert any(text in html for text in shown)
    assert 'src="/static/js/segment_count.js"' in html
    assert f'data-url="{COUNT_URL}"' in html
    # The rule choice is grouped by profile question.
    assert "<optgroup" in html


def test_editing_replaces_rules_and_invited_members(logged_in_researcher, researcher):
    old = member(pseudonym="Klaproos")
    new = member(pseudonym="Madeliefje")
    segment = segment_with("province:antwerpen", invited=[old], name="Antwerpen")
    rule = segment.rules.get()
    data = segment_post(name="Limburg", rules=["province:antwerpen", "province:limburg"], initial=1)
    data |= {"rules-0-id": str(rule.pk), "rules-0-DELETE": "1", "invited_pseudonyms": "madeliefje"}

    response = logged_in_researcher.post(edit_url(segment), data)

    assert response.status_code == HTTPStatus.FOUND
    segment.refresh_from_db()
    assert segment.name == "Limburg"
    assert [r.criterion for r in segment.rules.all()] == ["province:limburg"]
    assert list(segment.invited_members.all()) == [new]
    assert segment.created_by is None  # set on creation only


# ---------- Counting ----------


def test_count_endpoint_counts_the_unsaved_form(logged_in_researcher, young_antwerp_family):
    member(children=[months_ago(30)], province="antwerpen")
    invited = member(pseudonym="Klaproos", province="limburg")

    def count(**form) -> dict:
        return json.loads(logged_in_researcher.post(COUNT_URL, segment_post(**form)).content)

    assert count()["count"] == 0
    assert count(rules=["province:antwerpen"])["count"] == 2
    assert count(rules=["province:antwerpen", "age:0-1"])["count"] == 1
    assert count(rules=["province:antwerpen", "age:0-1"], deleted=[1])["count"] == 2
    assert count(rules=["province:antwerpen", "not:a-rule", ""])["count"] == 2
    answer = count(rules=["age:0-1"], pseudonyms="klaproos\nOnbekend")
    assert answer["count"] == 2
    assert answer["unknown"] == ["Onbekend"]
    with translation.override("nl"):
        assert answer["text"] == member_count_text(2)
    assert invited.pseudonym == "Klaproos"


def test_count_endpoint_ignores_a_broken_management_form(logged_in_researcher):
    data = segment_post(rules=["province:antwerpen"]) | {"rules-TOTAL_FORMS": "lots"}

    response = logged_in_researcher.post(COUNT_URL, data)

    assert response.json()["count"] == 0


def test_listing_shows_the_number_of_members_per_segment(
    logged_in_researcher, young_antwerp_family
):
    member(children=[months_ago(30)], province="antwerpen")
    segment_with("province:antwerpen", name="Heel Antwerpen")
    segment_with("province:antwerpen", "age:0-1", name="Antwerpen 0-1")
    segment_with("province:limburg", name="Limburg")

    response = logged_in_researcher.get(LIST_URL)

    rows = {segment.name: segment.member_count for segment in response.context["object_list"]}
    assert rows == {"Heel Antwerpen": 2, "Antwerpen 0-1": 1, "Limburg": 0}


@pytest.mark.parametrize("segments", [5, 20])
def test_listing_queries_do_not_grow_with_the_number_of_segments(
    logged_in_researcher, django_assert_num_queries, segments
):
    member(children=[months_ago(4)], province="antwerpen")
    segment_with("province:antwerpen", "age:0-1", name="Eerste")
    logged_in_researcher.get(LIST_URL)  # warm up the caches
    with CaptureQueriesContext(connection) as one_segment:
        logged_in_researcher.get(LIST_URL)
    for index in range(segments - 1):
        segment_with("province:antwerpen", "language:ar", f"age:{'0-1' if index % 2 else '3-6'}")

    with django_assert_num_queries(len(one_segment.captured_queries)):
        response = logged_in_researcher.get(LIST_URL)

    assert len(response.context["object_list"]) == segments
