"""Pseudonyms: look-alikes count as taken, a member changes theirs at most once a month, the old
one is held for them for 90 days, and a right-to-left name never scrambles the text around it."""

import datetime
import importlib
import types
from http import HTTPStatus
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from community.bidi import FSI, PDI
from community.models import Notification, PseudonymHold, User
from community.models.users import PSEUDONYM_HELD_FOR, month_later
from community.personal_data_sources import account_export, pseudonym_holds_export
from community.services.accounts import account_delete
from community.services.pseudonyms import (
    member_pseudonym_change,
    member_pseudonym_set,
    pseudonym_taken,
)
from community.validators import pseudonym_skeleton
from tests.community.factories import UserFactory
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

TAKEN = "This pseudonym is taken, or looks too much like one that is. Choose another one."
CYRILLIC_O = "\u043e"
LOOK_ALIKE = f"Z{CYRILLIC_O}nnebloem"  # "Zonnebloem" with a Cyrillic о
ARABIC = "ماما مريم"


@pytest.fixture(autouse=True)
def english():
    """The service's messages are read in English here (the pages are tested in both)."""
    with translation.override("en"):
        yield


def url(name: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name)


def english_date(day: datetime.date) -> str:
    with translation.override("en"):
        return formats.date_format(day, "DATE_FORMAT")


@pytest.fixture
def sunflower(db) -> User:
    return UserFactory(email="zonnebloem@example.org", pseudonym="Zonnebloem")


@pytest.fixture
def member(db) -> User:
    """A parent who has kept the pseudonym they chose at onboarding."""
    return UserFactory(email="lid@example.org", pseudonym="Klaproos")


def changed_days_ago(user: User, days: int) -> User:
    user.pseudonym_changed_at = timezone.now() - datetime.timedelta(days=days)
    user.save(update_fields=["pseudonym_changed_at"])
    return user


# --- what counts as taken ---------------------------------------------------------------


@pytest.mark.parametrize(
    "look_alike",
    [
        "Zonnebloem",
        "zonnebloem",
        "ZONNEBLOEM",
        LOOK_ALIKE,  # Cyrillic о
        "Zonneb1oem",  # digit one for l
        "Zonnebl0em",  # digit zero for o
        "Zonnebloern",  # rn for m
        "Ｚｏｎｎｅｂｌｏｅｍ",  # full-width letters
        " Zonnebloem  ",
    ],
)
def test_look_alikes_have_one_skeleton(look_alike):
    assert pseudonym_skeleton(look_alike) == pseudonym_skeleton("Zonnebloem")


@pytest.mark.parametrize("other", ["Zonnebloemen", "Zönnebloem", "Zonne bloem", "Klaproos"])
def test_different_names_have_different_skeletons(other):
    assert pseudonym_skeleton(other) != pseudonym_skeleton("Zonnebloem")


def test_a_cyrillic_look_alike_counts_as_taken(sunflower):
    assert pseudonym_taken(LOOK_ALIKE)
    assert not pseudonym_taken(LOOK_ALIKE, exclude_user=sunflower)
    assert not pseudonym_taken("Zonnebloemetje")


def test_is_it_taken_is_one_query(sunflower, django_assert_num_queries):
    UserFactory.create_batch(5)
    with django_assert_num_queries(1):
        assert pseudonym_taken(LOOK_ALIKE)


def test_the_database_refuses_two_look_alikes_even_past_the_checks(sunflower):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="tweede@example.org", pseudonym=LOOK_ALIKE)


def test_the_skeleton_follows_every_save_of_the_pseudonym(member):
    member.pseudonym = "Boterbloem"
    member.save(update_fields=["pseudonym"])
    member.refresh_from_db()
    assert member.pseudonym_skeleton == pseudonym_skeleton("Boterbloem")
    staff_without_name = UserFactory(pseudonym="")
    assert staff_without_name.pseudonym_skeleton is None


def test_onboarding_refuses_a_look_alike_at_the_field(client, sunflower, consent_documents):
    newcomer = UserFactory(pseudonym="")
    client.force_login(newcomer)
    data = {"pseudonym": LOOK_ALIKE, "accept_research_terms": "1", "accept_privacy_notice": "1"}

    response = client.post(url("member_onboarding"), data)

    assert response.context["form"].errors == {"pseudonym": [TAKEN]}
    assert f'value="{LOOK_ALIKE}"' in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.pseudonym == ""


def test_a_look_alike_chosen_at_the_same_moment_gets_the_field_error(sunflower):
    newcomer = UserFactory(pseudonym="")
    # Both checks said "free": only the database's unique skeleton stands in the way.
    with (
        mock.patch("community.services.pseudonyms._skeleton_taken", return_value=False),
        pytest.raises(ValidationError) as caught,
    ):
        member_pseudonym_set(user=newcomer, pseudonym=LOOK_ALIKE)

    assert caught.value.message_dict == {"pseudonym": [TAKEN]}
    assert newcomer.pseudonym == ""
    newcomer.refresh_from_db()
    assert newcomer.pseudonym == ""


# --- changing it ------------------------------------------------------------------------


def test_month_later_keeps_the_day_or_takes_the_last_one():
    assert month_later(datetime.date(2026, 11, 30)) == datetime.date(2026, 12, 30)
    assert month_later(datetime.date(2027, 1, 31)) == datetime.date(2027, 2, 28)
    assert month_later(datetime.date(2026, 12, 15)) == datetime.date(2027, 1, 15)
    assert english_date(datetime.date(2026, 12, 30)) == "30 December 2026"


def test_a_change_holds_the_old_pseudonym_for_90_days(member):
    before = timezone.now()

    assert member_pseudonym_change(user=member, pseudonym="  Boter   bloem ") is True

    member.refresh_from_db()
    assert member.pseudonym == "Boter bloem"
    assert member.pseudonym_changed_at >= before
    hold = PseudonymHold.objects.get()
    assert (hold.user, hold.pseudonym) == (member, "Klaproos")
    assert hold.held_until - member.pseudonym_changed_at == PSEUDONYM_HELD_FOR
    assert pseudonym_taken("KLAPROOS")
    assert not pseudonym_taken("klaproos", exclude_user=member)  # theirs to take back


def test_a_held_pseudonym_is_free_again_after_90_days(member):
    member_pseudonym_change(user=member, pseudonym="Boterbloem")
    PseudonymHold.objects.update(held_until=timezone.now() - datetime.timedelta(seconds=1))

    assert not pseudonym_taken("Klaproos")
    newcomer = UserFactory(pseudonym="")
    member_pseudonym_set(user=newcomer, pseudonym="Klaproos")
    assert newcomer.pseudonym == "Klaproos"


def test_a_second_change_within_a_month_is_refused_with_the_date(member):
    member_pseudonym_change(user=member, pseudonym="Boterbloem")
    allowed_on = month_later(timezone.localdate())

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        member_pseudonym_change(user=member, pseudonym="Madeliefje")

    assert caught.value.message_dict == {
        "pseudonym": [
            f"You can change your pseudonym once a month: again on {english_date(allowed_on)}."
        ]
    }
    member.refresh_from_db()
    assert member.pseudonym == "Boterbloem"
    assert PseudonymHold.objects.count() == 1


def test_a_month_later_the_member_can_take_their_old_pseudonym_back(member):
    member_pseudonym_change(user=member, pseudonym="Boterbloem")
    changed_days_ago(member, 31)

    member_pseudonym_change(user=member, pseudonym="Klaproos")

    member.refresh_from_db()
    assert member.pseudonym == "Klaproos"
    assert list(PseudonymHold.objects.values_list("pseudonym", flat=True)) == ["Boterbloem"]


def test_the_first_choice_does_not_start_the_month(member):
    assert member.pseudonym_changed_at is None
    assert member.pseudonym_change_allowed_on() is None


def test_sending_the_same_pseudonym_twice_changes_nothing_the_second_time(member):
    assert member_pseudonym_change(user=member, pseudonym="Boterbloem") is True
    assert member_pseudonym_change(user=member, pseudonym="Boterbloem") is False
    assert PseudonymHold.objects.count() == 1


@pytest.mark.parametrize("taken", ["Zonnebloem", LOOK_ALIKE, "zonnebloem"])
def test_changing_to_a_look_alike_of_another_member_is_refused(member, sunflower, taken):
    with pytest.raises(ValidationError) as caught:
        member_pseudonym_change(user=member, pseudonym=taken)

    assert caught.value.message_dict == {"pseudonym": [TAKEN]}
    member.refresh_from_db()
    assert (member.pseudonym, member.pseudonym_changed_at) == ("Klaproos", None)
    assert not PseudonymHold.objects.exists()


def test_a_look_alike_of_a_pseudonym_held_for_another_member_is_refused(member, sunflower):
    member_pseudonym_change(user=sunflower, pseudonym="Zomerzon")

    with pytest.raises(ValidationError):
        member_pseudonym_change(user=member, pseudonym=LOOK_ALIKE)


def test_a_race_with_a_hold_made_meanwhile_saves_nothing(member, sunflower):
    member_pseudonym_change(user=sunflower, pseudonym="Zomerzon")
    # The check before the write missed the hold (made meanwhile); the one after sees it.
    with (
        mock.patch(
            "community.services.pseudonyms._skeleton_taken", side_effect=[False, True]
        ) as checks,
        pytest.raises(ValidationError) as caught,
    ):
        member_pseudonym_change(user=member, pseudonym="Zonnebloem")

    assert checks.call_count == 2
    assert caught.value.message_dict == {"pseudonym": [TAKEN]}
    assert member.pseudonym == "Klaproos"
    member.refresh_from_db()
    assert (member.pseudonym, member.pseudonym_changed_at) == ("Klaproos", None)
    assert list(PseudonymHold.objects.values_list("user", flat=True)) == [sunflower.pk]


@pytest.mark.parametrize("typed", ["ab", "mama@example.org", "Mama!", ""])
def test_a_bad_new_pseudonym_is_refused_and_nothing_is_held(member, typed):
    with pytest.raises(ValidationError) as caught:
        member_pseudonym_change(user=member, pseudonym=typed)

    assert list(caught.value.message_dict) == ["pseudonym"]
    assert not PseudonymHold.objects.exists()


# --- existing look-alikes, deletion and the data download -------------------------------


def test_existing_look_alikes_both_keep_their_pseudonym_and_only_new_ones_are_refused(db):
    first = UserFactory(pseudonym="Zonnebloem")
    later = UserFactory(pseudonym="Iets anders")
    User.objects.filter(pk=later.pk).update(pseudonym=LOOK_ALIKE)
    User.objects.update(pseudonym_skeleton=None)  # as before the migration
    fill = importlib.import_module("community.migrations.0007_pseudonym_skeletons_fill")

    fill.fill_skeletons(apps, types.SimpleNamespace(connection=connection))

    first.refresh_from_db()
    later.refresh_from_db()
    assert first.pseudonym_skeleton == pseudonym_skeleton("Zonnebloem")
    assert (later.pseudonym, later.pseudonym_skeleton) == (LOOK_ALIKE, None)
    later.language = "en"
    later.save()  # the later one can still save their account
    assert pseudonym_taken("zonnebloem")


def test_deleting_the_account_frees_its_pseudonyms_at_once(member):
    member_pseudonym_change(user=member, pseudonym="Boterbloem")

    account_delete(user=member, remove_contributions=False)

    assert not PseudonymHold.objects.exists()
    assert not pseudonym_taken("Klaproos")
    assert not pseudonym_taken("Boterbloem")


def test_the_data_download_holds_the_pseudonyms_reserved_for_the_member(member):
    member_pseudonym_change(user=member, pseudonym="Boterbloem")

    (held,) = pseudonym_holds_export(member)
    assert held["pseudonym"] == "Klaproos"
    assert held["held_until"] > held["created_at"]
    assert account_export(member)[0]["pseudonym_changed_at"]
    assert pseudonym_holds_export(UserFactory()) == []


# --- the page ---------------------------------------------------------------------------


def test_the_page_lives_at_mijn_schuilnaam_in_dutch():
    assert url("pseudonym_change", "nl") == "/mijn/schuilnaam/"
    assert url("pseudonym_change", "en") == "/en/my/pseudonym/"


@pytest.mark.parametrize("role", ROLES)
def test_only_parents_with_a_pseudonym_change_it(client_for_role, role):
    response = client_for_role(role).get(url("pseudonym_change"))
    if role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login"))
    elif role in {"parent", "other_parent"}:
        assert response.status_code == HTTPStatus.OK
    else:
        assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_staff_role_without_its_second_factor_still_gets_no_page(client, moderator):
    client.force_login(moderator)
    assert client.get(url("pseudonym_change")).status_code == HTTPStatus.NOT_FOUND


def test_the_page_says_old_posts_show_the_new_name_and_offers_the_form(client, member):
    client.force_login(member)

    response = client.get(url("pseudonym_change"))

    html = response.content.decode()
    assert "Other parents know you as <bdi>Klaproos</bdi>." in html
    assert "What you wrote before will show your new pseudonym too." in html
    assert 'name="pseudonym"' in html and 'dir="auto"' in html


def test_changing_on_the_page_then_the_page_says_when_again(client, member):
    client.force_login(member)

    response = client.post(url("pseudonym_change"), {"pseudonym": "Boterbloem"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url("pseudonym_change")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Your pseudonym is now {FSI}Boterbloem{PDI}."
    ]
    html = client.get(url("pseudonym_change")).content.decode()
    assert (
        "You changed your pseudonym less than a month ago. You can change it again on "
        f"{english_date(month_later(timezone.localdate()))}."
    ) in html
    assert 'name="pseudonym"' not in html
    assert "<bdi>Klaproos</bdi>, until" in html


def test_sending_the_page_twice_is_safe(client, member):
    client.force_login(member)
    for _ in range(2):
        response = client.post(url("pseudonym_change"), {"pseudonym": "Boterbloem"})
        assert response.status_code == HTTPStatus.FOUND
    assert PseudonymHold.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (LOOK_ALIKE, TAKEN),
        ("ab", "Choose a pseudonym of 3 to 30 characters."),
        ("", "Choose a pseudonym."),
        ("Mama <3", "Use only letters, digits, spaces, “-” and “_” in your pseudonym."),
    ],
)
def test_a_refused_pseudonym_on_the_page_keeps_what_was_typed(
    client, member, sunflower, typed, message
):
    client.force_login(member)

    response = client.post(url("pseudonym_change"), {"pseudonym": typed})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors == {"pseudonym": [message]}
    html = response.content.decode()
    assert "field--error" in html
    if typed:
        assert 'value="{}"'.format(typed.replace("<", "&lt;")) in html
    member.refresh_from_db()
    assert member.pseudonym == "Klaproos"
    assert not PseudonymHold.objects.exists()


def test_the_page_costs_the_same_with_one_or_five_held_pseudonyms(
    client, member, django_assert_num_queries
):
    client.force_login(member)
    PseudonymHold.objects.create(
        user=member,
        pseudonym="Oud 0",
        skeleton="oud o",
        held_until=timezone.now() + PSEUDONYM_HELD_FOR,
    )
    client.get(url("pseudonym_change"))  # warm the session and the request-state query
    with CaptureQueriesContext(connection) as one:
        client.get(url("pseudonym_change"))
    for number in range(1, 5):
        PseudonymHold.objects.create(
            user=member,
            pseudonym=f"Oud {number}",
            skeleton=pseudonym_skeleton(f"Oud {number}"),
            held_until=timezone.now() + PSEUDONYM_HELD_FOR,
        )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url("pseudonym_change"))
    assert response.content.decode().count(", until") == 5


# --- right to left ----------------------------------------------------------------------


def test_the_filter_wraps_a_name_in_bdi_and_escapes_it():
    template = Template("{% load pseudonyms %}Door {{ user|pseudonym }} en {{ name|pseudonym }}.")
    user = User(pseudonym=ARABIC)
    html = template.render(Context({"user": user, "name": "a<b"}))
    assert html == f"Door <bdi>{ARABIC}</bdi> en <bdi>a&lt;b</bdi>."


def test_plain_text_gets_unicode_isolates():
    template = Template("{% load pseudonyms %}Hallo {{ user|pseudonym_text }},")
    assert template.render(Context({"user": User(pseudonym=ARABIC)})) == (
        f"Hallo {FSI}{ARABIC}{PDI},"
    )


def test_a_right_to_left_pseudonym_is_isolated_on_the_dashboard_and_in_notifications(
    client, member
):
    member_pseudonym_change(user=member, pseudonym=ARABIC)
    neighbour = UserFactory(pseudonym="Buur")
    notification = Notification(recipient=neighbour, actor=member, kind="reply", params={})

    assert f"{FSI}{ARABIC}{PDI}" in notification.text
    client.force_login(member)
    html = client.get(url("member_dashboard")).content.decode()
    assert f"Hello <bdi>{ARABIC}</bdi>." in html
