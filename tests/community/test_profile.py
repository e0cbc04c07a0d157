"""The research profile: derived age bands, the profile service and the profile page."""

import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from community.models import AgeBand, Child, HomeLanguage, MemberProfile
from community.models.profiles import age_band, age_band_q, month_start, months_added
from community.services.profiles import profile_completeness, profile_update
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 17)
PROFILE_URL = "/en/my/profile/"  # English: the assertions read the English text
DUTCH_PROFILE_URL = "/mijn/profiel/"


def months_ago(months: int, today: datetime.date | None = None) -> datetime.date:
    return months_added(month_start(today), -months)


def profile_with(user, *, children=(), languages=(), province="", family="", channel=""):
    return profile_update(
        user=user,
        province=province,
        family_situation=family,
        service_channel=channel,
        languages=list(languages),
        children=list(children),
    )


def child_rows(rows: list[tuple[str, str, str]], initial: int = 0, extra: int = 0) -> dict:
    """POST data for the children formset: (status, month, year) per row."""
    data = {
        "children-TOTAL_FORMS": str(len(rows) + extra),
        "children-INITIAL_FORMS": str(initial),
        "children-MIN_NUM_FORMS": "0",
        "children-MAX_NUM_FORMS": "12",
    }
    for index, (status, month, year) in enumerate(rows):
        data |= {
            f"children-{index}-status": status,
            f"children-{index}-month": month,
            f"children-{index}-year": year,
        }
    return data


def profile_post(rows=(), **fields) -> dict:
    data = {"province": "", "family_situation": "", "service_channel": "", **fields}
    return data | child_rows(list(rows))


# ---------- Age bands, derived on the day of asking ----------


@pytest.mark.parametrize(
    ("age_in_months", "band"),
    [
        (0, AgeBand.AGE_0_1),
        (11, AgeBand.AGE_0_1),
        (12, AgeBand.AGE_1_3),
        (35, AgeBand.AGE_1_3),
        (36, AgeBand.AGE_3_6),
        (71, AgeBand.AGE_3_6),
        (72, AgeBand.AGE_6_12),
        (143, AgeBand.AGE_6_12),
        (144, None),
        (-1, AgeBand.EXPECTING),
        (-9, AgeBand.EXPECTING),
    ],
)
def test_age_band_changes_exactly_at_the_birthday_month(age_in_months, band):
    assert age_band(months_ago(age_in_months, TODAY), TODAY) == band


def test_a_child_due_this_month_counts_as_born_this_month():
    assert age_band(month_start(TODAY), TODAY) == AgeBand.AGE_0_1


def test_the_day_of_the_month_does_not_matter():
    assert age_band(datetime.date(2024, 7, 1), datetime.date(2025, 6, 30)) == AgeBand.AGE_0_1
    assert age_band(datetime.date(2024, 6, 1), datetime.date(2025, 6, 1)) == AgeBand.AGE_1_3


def test_age_band_query_matches_the_python_age_band_for_every_month_of_fifteen_years(parent):
    profile = MemberProfile.objects.create(user=parent)
    months = [months_ago(age, TODAY) for age in range(-9, 15 * 12)]
    Child.objects.bulk_create(Child(profile=profile, month=month) for month in months)

    for band in AgeBand:
        in_database = set(
            Child.objects.filter(age_band_q(band, TODAY)).values_list("month", flat=True)
        )
        in_python = {month for month in months if age_band(month, TODAY) == band}
        assert in_database == in_python, band
        assert in_python


def test_age_bands_follow_the_children_as_they_grow(parent):
    profile = profile_with(parent, children=[datetime.date(2025, 1, 1), datetime.date(2025, 9, 1)])

    assert profile.age_bands(datetime.date(2025, 6, 1)) == [AgeBand.EXPECTING, AgeBand.AGE_0_1]
    assert profile.age_bands(datetime.date(2026, 6, 1)) == [AgeBand.AGE_0_1, AgeBand.AGE_1_3]


# ---------- The profile service ----------


def test_profile_update_creates_the_profile_and_replaces_children_and_languages(parent):
    profile_with(
        parent,
        children=[datetime.date(2020, 3, 14)],
        languages=["nl", "ar"],
        province="antwerpen",
    )

    profile = profile_with(
        parent,
        children=[datetime.date(2021, 5, 1), datetime.date(2023, 1, 1)],
        languages=["tr", "tr"],
        province="limburg",
        family="single-parent",
        channel="helpline",
    )

    profile.refresh_from_db()
    assert MemberProfile.objects.count() == 1
    assert [child.month for child in profile.children.all()] == [
        datetime.date(2021, 5, 1),
        datetime.date(2023, 1, 1),
    ]
    assert profile.languages == ["tr"]
    assert (profile.province, profile.family_situation, profile.service_channel) == (
        "limburg",
        "single-parent",
        "helpline",
    )


def test_profile_update_stores_only_the_first_day_of_the_month(parent):
    profile = profile_with(parent, children=[datetime.date(2022, 8, 23)])

    assert profile.children.get().month == datetime.date(2022, 8, 1)


@pytest.mark.parametrize(
    "bad",
    [
        {"children": [datetime.date(1989, 12, 1)]},
        {"languages": ["xx"]},
        {"province": "atlantis"},
    ],
)
def test_profile_update_saves_nothing_when_one_part_is_wrong(parent, bad):
    profile_with(parent, children=[datetime.date(2020, 3, 1)], languages=["nl"], province="limburg")
    arguments = {
        "user": parent,
        "province": "antwerpen",
        "family_situation": "",
        "service_channel": "",
        "languages": ["fr"],
        "children": [datetime.date(2024, 1, 1)],
    } | bad

    with pytest.raises(ValidationError):
        profile_update(**arguments)

    profile = MemberProfile.objects.get(user=parent)
    assert profile.province == "limburg"
    assert profile.languages == ["nl"]
    assert [child.month for child in profile.children.all()] == [datetime.date(2020, 3, 1)]


def test_completeness_counts_the_five_parts(parent):
    assert profile_completeness(None)["filled"] == 0

    profile = profile_with(parent, languages=["nl"], province="brussel")

    completeness = profile_completeness(profile)
    assert completeness["parts"] == {
        "children": False,
        "province": True,
        "languages": True,
        "family_situation": False,
        "service_channel": False,
    }
    assert (completeness["filled"], completeness["total"], completeness["percent"]) == (2, 5, 40)


# ---------- The profile page ----------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", HTTPStatus.FOUND),
        ("parent", HTTPStatus.OK),
        ("other_parent", HTTPStatus.OK),
        ("moderator", HTTPStatus.OK),
        ("researcher", HTTPStatus.OK),
        ("admin", HTTPStatus.OK),
    ],
)
def test_profile_page_access_matrix(client_for_role, user_for_role, role, status, parent):
    assert role in ROLES
    profile_with(parent, province="limburg", children=[months_ago(3)])
    client = client_for_role(role)

    response = client.get(PROFILE_URL)

    assert response.status_code == status
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
        return
    # Everyone sees only their own profile.
    own = role == "parent"
    assert (response.context["form"]["province"].value() == "limburg") is own
    assert ("0–1 years" in response.content.decode()) is own


def test_anonymous_post_saves_nothing(client):
    response = client.post(PROFILE_URL, profile_post(province="antwerpen"))

    assert response.status_code == HTTPStatus.FOUND
    assert MemberProfile.objects.count() == 0


def test_opening_the_profile_page_creates_no_profile(client, parent):
    client.force_login(parent)

    response = client.get(PROFILE_URL)

    assert response.status_code == HTTPStatus.OK
    assert MemberProfile.objects.count() == 0


def test_each_question_says_why_it_is_asked_and_is_linked_to_its_explanation(client, parent):
    client.force_login(parent)

    html = client.get(PROFILE_URL).content.decode()

    for name in ["province", "languages", "family_situation", "service_channel"]:
        assert f'id="id_{name}_helptext"' in html
        assert f'aria-describedby="id_{name}_helptext"' in html
    assert 'aria-describedby="children_helptext"' in html
    assert 'id="children_helptext"' in html
    assert "We never ask for the exact day." in html


def test_parent_saves_a_profile_and_stays_on_the_page(client, parent):
    client.force_login(parent)
    born, due = months_ago(6), months_ago(-4)

    response = client.post(
        PROFILE_URL,
        profile_post(
            [
                ("born", str(born.month), str(born.year)),
                ("expecting", str(due.month), str(due.year)),
            ],
            province="antwerpen",
            languages=["nl", "ar"],
            family_situation="two-parents",
            service_channel="consultation",
        ),
        follow=True,
    )

    assert response.redirect_chain == [(PROFILE_URL, HTTPStatus.FOUND)]
    profile = MemberProfile.objects.get(user=parent)
    assert [child.month for child in profile.children.all()] == [born, due]
    assert profile.languages == ["nl", "ar"]
    assert profile.province == "antwerpen"
    html = response.content.decode()
    assert "alert--success" in html
    assert "0–1 years" in html
    assert "expecting" in html
    assert "profile-prompt" not in html


def test_saving_goes_to_a_next_page_on_this_site_only(client, parent):
    client.force_login(parent)

    response = client.post(PROFILE_URL, profile_post() | {"next": "/en/my/"})
    assert response["Location"] == "/en/my/"

    response = client.post(PROFILE_URL, profile_post() | {"next": "https://evil.example/"})
    assert response["Location"] == PROFILE_URL


def test_empty_rows_are_skipped_and_a_ticked_child_is_removed(client, parent):
    profile_with(parent, children=[datetime.date(2015, 2, 1), datetime.date(2019, 4, 1)])
    client.force_login(parent)
    data = profile_post() | child_rows(
        [("born", "2", "2015"), ("born", "4", "2019")], initial=2, extra=2
    )
    data["children-0-DELETE"] = "on"

    client.post(PROFILE_URL, data)

    assert list(Child.objects.values_list("month", flat=True)) == [datetime.date(2019, 4, 1)]


def test_page_always_offers_empty_child_rows_and_a_remove_box_per_saved_child(client, parent):
    profile_with(parent, children=[datetime.date(2019, 4, 1)])
    client.force_login(parent)

    html = client.get(PROFILE_URL).content.decode()

    assert 'name="children-TOTAL_FORMS" value="3"' in html
    assert 'name="children-0-DELETE"' in html
    assert 'name="children-1-DELETE"' not in html
    assert 'id="child-row-template"' in html


def test_a_pregnancy_whose_due_month_has_passed_shows_as_born(client, parent):
    profile_with(parent, children=[months_ago(2)])
    client.force_login(parent)

    response = client.get(PROFILE_URL)

    assert response.context["children"].forms[0]["status"].value() == "born"


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (("born", "+2", None), "status", "A child that is not born yet: choose 'expecting'."),
        (("expecting", "+10", None), "month", "A due month can be at most 9 months from now."),
        (
            ("expecting", "-1", None),
            "month",
            "This due month has passed. Is your child born? Then choose 'born'.",
        ),
        (("born", "12", "1989"), "year", "Choose a month from January 1990 onwards."),
        (("born", "13", "2020"), "month", "Choose a month from the list."),
        (("born", "5", "20x0"), "year", "Fill in the year as four digits, for example 2024."),
        (("born", "5", "202"), "year", "Fill in the year as four digits, for example 2024."),
        (("", "5", "2020"), "status", "Choose 'born' or 'expecting'."),
        (("born", "", "2020"), "month", "Choose the month."),
        (("born", "5", ""), "year", "Fill in the year."),
    ],
)
def test_a_wrong_child_shows_a_specific_message_keeps_the_input_and_saves_nothing(
    client, parent, row, field, message
):
    profile_with(parent, province="limburg")
    status, month, year = row
    if month.startswith(("+", "-")):
        relative = months_ago(-int(month))
        month, year = str(relative.month), str(relative.year)
    client.force_login(parent)

    response = client.post(
        PROFILE_URL,
        profile_post([(status, month, year)], province="antwerpen", languages=["fr"]),
    )

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    children = response.context["children"]
    assert children.forms[0].errors[field] == [message]
    assert f'id="id_children-0-{field}_error"' in html
    assert "Nothing was saved yet" in html
    # What was typed stays.
    typed = children.forms[0]
    assert (typed["status"].value(), typed["month"].value()) == (status, month)
    assert typed["year"].value() == year
    if year:
        assert f'name="children-0-year" value="{year}"' in html
    assert response.context["form"]["province"].value() == "antwerpen"
    assert response.context["form"]["languages"].value() == ["fr"]
    # Nothing half-saved.
    profile = MemberProfile.objects.get(user=parent)
    assert profile.province == "limburg"
    assert not Child.objects.exists()
    assert not HomeLanguage.objects.exists()


def test_the_dutch_page_gives_the_message_in_dutch(client, parent):
    client.force_login(parent)
    future = months_ago(-2)

    response = client.post(
        DUTCH_PROFILE_URL, profile_post([("born", str(future.month), str(future.year))])
    )

    assert response.status_code == HTTPStatus.OK
    errors = response.context["children"].forms[0].errors["status"]
    assert errors == ["Een kind dat nog niet geboren is: kies 'verwacht'."]


def test_a_due_month_exactly_nine_months_ahead_and_this_month_are_accepted(client, parent):
    client.force_login(parent)
    nine, now = months_ago(-9), months_ago(0)

    response = client.post(
        PROFILE_URL,
        profile_post(
            [
                ("expecting", str(nine.month), str(nine.year)),
                ("expecting", str(now.month), str(now.year)),
                ("born", str(now.month), str(now.year)),
            ]
        ),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Child.objects.count() == 3


def test_an_unknown_choice_is_refused_at_the_field(client, parent):
    client.force_login(parent)

    response = client.post(PROFILE_URL, profile_post(province="atlantis", languages=["xx"]))

    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert set(form.errors) == {"province", "languages"}
    assert MemberProfile.objects.count() == 0


def test_a_tampered_children_formset_is_refused_without_saving(client, parent):
    client.force_login(parent)
    data = profile_post(province="antwerpen")
    del data["children-TOTAL_FORMS"]

    response = client.post(PROFILE_URL, data)

    assert response.status_code == HTTPStatus.OK
    assert response.context["children"].non_form_errors()
    assert MemberProfile.objects.count() == 0


def test_the_prompt_names_what_is_still_missing(client, parent):
    profile_with(parent, province="limburg", languages=["nl"])
    client.force_login(parent)

    html = client.get(PROFILE_URL).content.decode()

    assert "profile-prompt" in html
    assert "You filled in 2 of 5 parts" in html
    missing = html.split("profile-prompt__missing")[1].split("</ul>")[0]
    assert "your children" in missing
    assert "your family situation" in missing
    assert "where you live" not in missing


def test_the_prompt_component_shows_nothing_for_a_complete_profile(parent):
    from django.template.loader import render_to_string

    profile = profile_with(
        parent,
        children=[datetime.date(2020, 1, 1)],
        languages=["nl"],
        province="limburg",
        family="blended",
        channel="helpline",
    )

    assert (
        render_to_string(
            "components/profile_prompt.html", {"completeness": profile.completeness()}
        ).strip()
        == ""
    )
    html = render_to_string(
        "components/profile_prompt.html", {"completeness": profile_completeness(None)}
    )
    assert f'href="{DUTCH_PROFILE_URL}"' in html


def test_the_profile_page_lives_at_mijn_profiel_and_en_my_profile(client, parent):
    client.force_login(parent)

    assert reverse("profile_edit") == DUTCH_PROFILE_URL
    with translation.override("en"):
        assert reverse("profile_edit") == PROFILE_URL
    assert client.get(DUTCH_PROFILE_URL).status_code == HTTPStatus.OK
    assert "Your research profile" in client.get(PROFILE_URL).content.decode()


@pytest.mark.parametrize("count", [1, 5])
def test_profile_page_queries_do_not_grow_with_the_number_of_children(
    client, parent, django_assert_num_queries, count
):
    client.force_login(parent)
    profile_with(parent, children=[datetime.date(2020, 1, 1)], languages=["nl"])
    client.get(PROFILE_URL)  # warm up: the site and its settings are cached after this
    with CaptureQueriesContext(connection) as one_child:
        client.get(PROFILE_URL)
    profile_with(
        parent,
        children=[months_ago(months) for months in range(count)],
        languages=["nl", "ar", "fr"],
    )

    with django_assert_num_queries(len(one_child.captured_queries)):
        response = client.get(PROFILE_URL)

    assert len(response.context["age_bands"]) == count


def test_profile_page_uses_no_inline_script_or_style(client, parent):
    client.force_login(parent)

    html = client.get(PROFILE_URL).content.decode()

    assert "<script>" not in html
    assert "style=" not in html
    assert 'src="/static/js/profile.js"' in html


@pytest.mark.parametrize(("role", "offered"), [("parent", True), ("moderator", False)])
def test_the_profile_page_links_to_the_pseudonym_page_for_parents_only(
    client_for_role, role, offered
):
    html = client_for_role(role).get(PROFILE_URL).content.decode()

    with translation.override("en"):
        link = f'href="{reverse("pseudonym_change")}"'
    assert (link in html) is offered
    assert ("Other parents know you as <bdi>" in html) is offered
