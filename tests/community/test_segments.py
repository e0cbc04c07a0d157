"""Segments: rules over research profiles, evaluated by the database."""

import datetime
import io
import itertools

import pytest
from django.core.management import call_command

from community.models import (
    AgeBand,
    ConsentDocument,
    ConsentRecord,
    MemberProfile,
    Role,
    Segment,
    SegmentRule,
)
from community.models.profiles import month_start, months_added
from community.services.profiles import profile_update
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 17)
_pseudonyms = itertools.count(1)


def months_ago(months: int) -> datetime.date:
    return months_added(month_start(TODAY), -months)


def member(
    *,
    children=(),
    province="",
    languages=(),
    family="",
    channel="",
    pseudonym=None,
    **user_fields,
):
    """A parent who takes part (a pseudonym; no consent documents exist unless a test adds
    them), with a research profile."""
    user = UserFactory(pseudonym=pseudonym or f"Lid {next(_pseudonyms)}", **user_fields)
    profile_update(
        user=user,
        province=province,
        family_situation=family,
        service_channel=channel,
        languages=list(languages),
        children=list(children),
    )
    return user


def segment_with(*criteria: str, invited=(), name=None) -> Segment:
    segment = Segment(name=name or f"Segment {next(_pseudonyms)}")
    segment.rules = [SegmentRule(criterion=criterion) for criterion in criteria]
    segment.invited_members = list(invited)
    segment.save()
    return segment


def members_of(segment: Segment) -> set:
    return set(segment.members(TODAY))


def test_rules_on_different_fields_must_all_hold():
    young_antwerp = member(children=[months_ago(5)], province="antwerpen")
    young_ghent = member(children=[months_ago(5)], province="oost-vlaanderen")
    older_antwerp = member(children=[months_ago(40)], province="antwerpen")

    segment = segment_with("age:0-1", "province:antwerpen")

    assert members_of(segment) == {young_antwerp}
    assert {young_ghent, older_antwerp}.isdisjoint(members_of(segment))


def test_rules_on_the_same_field_are_alternatives():
    arabic = member(languages=["ar", "nl"])
    turkish = member(languages=["tr"])
    french = member(languages=["fr"])

    segment = segment_with("language:ar", "language:tr")

    assert members_of(segment) == {arabic, turkish}
    assert french not in members_of(segment)


def test_age_rules_look_at_every_child_and_include_pregnancies():
    expecting = member(children=[months_ago(-3)])
    toddler_and_teen = member(children=[months_ago(20), months_ago(150)])
    teen_only = member(children=[months_ago(150)])

    assert members_of(segment_with("age:expecting")) == {expecting}
    assert members_of(segment_with("age:1-3", "age:expecting")) == {expecting, toddler_and_teen}
    assert teen_only not in members_of(segment_with("age:6-12", "age:1-3"))


def test_age_rules_follow_the_day_of_asking():
    born = member(children=[datetime.date(2024, 6, 1)])
    segment = segment_with("age:0-1")

    assert set(segment.members(datetime.date(2025, 5, 31))) == {born}
    assert set(segment.members(datetime.date(2025, 6, 1))) == set()


def test_family_situation_and_service_channel_rules():
    single = member(family="single-parent", channel="helpline")
    member(family="two-parents", channel="helpline")

    assert members_of(segment_with("family:single-parent", "channel:helpline")) == {single}


def test_a_segment_without_rules_holds_only_the_members_added_by_hand():
    invited = member()
    member(province="antwerpen")

    assert members_of(segment_with()) == set()
    assert members_of(segment_with(invited=[invited])) == {invited}


def test_members_added_by_hand_belong_to_the_segment_whatever_the_rules_say():
    matching = member(province="limburg")
    invited = member(province="brussel")

    segment = segment_with("province:limburg", invited=[invited])

    assert members_of(segment) == {matching, invited}


def test_an_unsaved_segment_is_evaluated_from_its_form_values():
    matching = member(province="limburg")
    invited = member()
    segment = Segment(name="Nog niet bewaard")
    segment.rules = [SegmentRule(criterion="province:limburg")]
    segment.invited_members = [invited]

    assert members_of(segment) == {matching, invited}
    assert not Segment.objects.exists()


def test_a_rule_that_is_no_longer_a_choice_matches_nobody():
    member(province="limburg")
    segment = segment_with("province:limburg")
    SegmentRule.objects.bulk_create([SegmentRule(segment=segment, criterion="colour:blue")])
    segment = Segment.objects.get(pk=segment.pk)

    assert members_of(segment) == set()
    assert Segment.member_counts([segment], TODAY) == {segment.pk: 0}


def test_staff_and_people_who_do_not_take_part_are_never_in_a_segment():
    profile = {"province": "antwerpen", "children": [months_ago(2)]}
    taking_part = member(**profile)
    staff = member(**profile, roles=[Role.RESEARCHER])
    superuser = member(**profile, is_superuser=True)
    inactive = member(**profile, is_active=False)
    without_pseudonym = member(**profile)
    without_pseudonym.pseudonym = ""
    without_pseudonym.save()

    segment = segment_with(
        "province:antwerpen", invited=[staff, superuser, inactive, without_pseudonym]
    )

    assert members_of(segment) == {taking_part}


def test_only_members_with_current_consent_to_every_live_document_are_reached():
    terms = ConsentDocument.objects.create(
        kind="research_terms", title="Voorwaarden", body="<p>Tekst</p>", version=3, live=True
    )
    privacy = ConsentDocument.objects.create(
        kind="privacy_notice", title="Privacy", body="<p>Tekst</p>", version=1, live=True
    )

    def accepts(user, document, version, action="accepted"):
        ConsentRecord.objects.create(user=user, document=document, version=version, action=action)

    current, withdrawn, outdated, half = (member(province="limburg") for _ in range(4))
    for user in (current, withdrawn, outdated, half):
        accepts(user, privacy, 1)
    accepts(current, terms, 3)
    accepts(withdrawn, terms, 3)
    accepts(withdrawn, terms, 3, action="withdrawn")
    accepts(outdated, terms, 2)
    ConsentRecord.objects.filter(user=half, document=privacy).delete()
    accepts(half, terms, 3)

    segment = segment_with("province:limburg", invited=[withdrawn])

    assert members_of(segment) == {current}
    assert Segment.member_counts([segment], TODAY) == {segment.pk: 1}


def test_a_document_that_was_never_published_asks_no_consent():
    ConsentDocument.objects.create(
        kind="privacy_notice", title="Concept", body="<p>Tekst</p>", version=0, live=False
    )
    parent = member(province="limburg")

    assert members_of(segment_with("province:limburg")) == {parent}


@pytest.mark.parametrize("count", [5, 50])
def test_counting_takes_a_fixed_number_of_queries(django_assert_num_queries, count):
    for index in range(count):
        member(children=[months_ago(index % 30)], province="antwerpen", languages=["nl"])
    segment = segment_with("age:0-1", "province:antwerpen", "language:nl", "language:ar")
    segment = Segment.objects.prefetch_related("rules").get(pk=segment.pk)

    with django_assert_num_queries(1):
        assert segment.members(TODAY).count() == sum(1 for i in range(count) if i % 30 < 12)


@pytest.mark.parametrize("segments", [2, 10])
def test_member_counts_counts_every_segment_in_one_query(django_assert_num_queries, segments):
    people = [
        member(children=[months_ago(3)], province="antwerpen", languages=["ar"]),
        member(children=[months_ago(30)], province="limburg", languages=["tr", "nl"]),
        member(children=[months_ago(-2)], province="antwerpen", family="single-parent"),
        member(),
    ]
    rules = [
        ("age:0-1", "province:antwerpen"),
        ("language:ar", "language:tr"),
        ("age:expecting",),
        ("family:single-parent", "province:limburg"),
        (),
    ]
    saved = [
        segment_with(*rules[index % len(rules)], invited=people[3:] if index % 3 else [])
        for index in range(segments)
    ]
    listed = list(Segment.objects.prefetch_related("rules").order_by("pk"))

    with django_assert_num_queries(1):
        counts = Segment.member_counts(listed, TODAY)

    assert counts == {segment.pk: segment.members(TODAY).count() for segment in saved}
    assert Segment.member_counts([], TODAY) == {}


def test_demo_data_gives_the_parents_profiles_and_a_segment_of_the_antwerp_babies(settings):
    settings.SEED_DEMO_ALLOWED = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    segment = Segment.objects.get(name="Jonge gezinnen in Antwerpen")
    assert segment.created_by.email == "onderzoeker@example.org"
    # The parents of a baby in Antwerp (they vote in the demo poll); not East Flanders or Limburg.
    assert sorted(user.email for user in segment.members()) == [
        f"ouder{number}@example.org" for number in (1, 3, 4, 5, 6)
    ]
    second = MemberProfile.objects.get(user__email="ouder2@example.org")
    assert second.age_bands() == [AgeBand.EXPECTING, AgeBand.AGE_3_6]
    assert second.languages == ["nl", "tr"]
    assert Segment.objects.count() == 1
