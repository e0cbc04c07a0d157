"""Coding what parents wrote: the coding service, its refusals, its audit trail, and how an
excerpt survives edits, hiding and the erasure of its author's account."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from community.models import Role
from community.services.accounts import account_delete
from community.services.personal_data import personal_data_collect
from insights.models import Coding, CodingRound, Excerpt
from insights.services.coding import (
    coding_remove,
    excerpt_code,
    excerpt_delete,
    excerpt_memo_update,
)
from projects.models import Post, PostStatus
from projects.post_text import post_plain_text
from projects.services.moderation import moderation_decide
from tests.community.factories import UserFactory
from tests.insights.factories import CodeFactory
from tests.projects.factories import ProjectPageFactory, TopicPageFactory, post_write

pytestmark = pytest.mark.django_db

TEXT = "We sliepen slecht.\nDe vroedvrouw kwam pas na drie dagen."


@pytest.fixture
def post(topic_page, member):
    return post_write(topic_page, member, TEXT)


@pytest.fixture
def codes(project_page):
    sleep = CodeFactory(name="Slaap")
    return [sleep, CodeFactory(name="Nachtrust", parent=sleep), CodeFactory(project=project_page)]


def coding_log():
    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Excerpt)
    ).order_by("timestamp", "pk")


# --- coding ---


def test_coding_a_passage_stores_the_exact_quote_offsets_author_and_codes(
    post, moderator, member, codes, topic_page, project_page
):
    start = TEXT.index("De vroedvrouw")
    excerpt = excerpt_code(
        coder=moderator, post=post, start=start, end=len(TEXT), codes=codes[:2], memo="Let op"
    )

    assert excerpt.quote == "De vroedvrouw kwam pas na drie dagen."
    assert excerpt.quote == post_plain_text(post.body)[excerpt.start : excerpt.end]
    assert (excerpt.start, excerpt.end) == (start, len(TEXT))
    assert (excerpt.author, excerpt.author_key) == (member, member.research_id)
    assert (excerpt.topic_id, excerpt.project_id) == (topic_page.pk, project_page.pk)
    assert (excerpt.coder, excerpt.memo) == (moderator, "Let op")
    assert set(excerpt.codes.all()) == set(codes[:2])
    assert {coding.coder for coding in excerpt.codings.all()} == {moderator}


def test_no_offsets_code_the_whole_post(post, researcher, codes):
    excerpt = excerpt_code(coder=researcher, post=post, start=None, end=None, codes=[codes[2]])
    assert (excerpt.start, excerpt.end, excerpt.quote) == (0, len(TEXT), TEXT)


def test_a_code_applied_twice_to_the_same_passage_is_one_coding(post, moderator, codes):
    first = excerpt_code(coder=moderator, post=post, start=0, end=5, codes=[codes[0]])
    again = excerpt_code(coder=moderator, post=post, start=0, end=5, codes=codes[:2])
    excerpt_code(coder=moderator, post=post, start=0, end=5, codes=[codes[0], codes[0]])

    assert again.pk == first.pk
    assert Excerpt.objects.count() == 1
    assert sorted(Coding.objects.values_list("code_id", flat=True)) == sorted(
        [codes[0].pk, codes[1].pk]
    )


def test_empty_memo_is_fine_and_keeps_an_earlier_memo(post, moderator, codes):
    excerpt_code(coder=moderator, post=post, start=0, end=5, codes=[codes[0]], memo="Eerst")
    excerpt = excerpt_code(coder=moderator, post=post, start=0, end=5, codes=[codes[1]], memo="")
    assert excerpt.memo == "Eerst"


def test_staff_authors_get_no_parent_key(topic_page, moderator, researcher, codes):
    post = post_write(topic_page, researcher, "Wat bedoel je precies?", author_role="researcher")
    excerpt = excerpt_code(coder=moderator, post=post, start=None, end=None, codes=[codes[0]])
    assert (excerpt.author, excerpt.author_key) == (researcher, "")


def test_same_passage_in_a_blind_round_is_a_separate_excerpt(post, moderator, codes, topic_page):
    coding_round = CodingRound.objects.create(topic=topic_page)
    plain = excerpt_code(coder=moderator, post=post, start=0, end=5, codes=[codes[0]])
    blind = excerpt_code(
        coder=moderator, post=post, start=0, end=5, codes=[codes[0]], coding_round=coding_round
    )
    assert plain.pk != blind.pk
    assert blind.coding_round == coding_round


# --- bad input: clear errors, nothing half-saved ---


def assert_nothing_saved() -> None:
    assert not Excerpt.objects.exists()
    assert not Coding.objects.exists()
    assert not coding_log().exists()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (0, len(TEXT) + 1, "start"),
        (-1, 4, "start"),
        (200, 300, "start"),
        (5, 5, "start"),
        (6, 2, "start"),
        (3, None, "start"),
    ],
)
def test_offsets_outside_the_text_or_empty_passages_are_refused(
    post, moderator, codes, start, end, field
):
    with pytest.raises(ValidationError) as error:
        excerpt_code(coder=moderator, post=post, start=start, end=end, codes=[codes[0]])
    assert field in error.value.message_dict
    assert_nothing_saved()


def test_a_memo_of_10000_characters_is_refused(post, moderator, codes):
    with pytest.raises(ValidationError) as error:
        excerpt_code(
            coder=moderator, post=post, start=None, end=None, codes=[codes[0]], memo="m" * 10_000
        )
    assert "2000" in error.value.message_dict["memo"][0]
    assert_nothing_saved()


def test_a_memo_of_2000_characters_is_fine(post, moderator, codes):
    excerpt = excerpt_code(
        coder=moderator, post=post, start=None, end=None, codes=[codes[0]], memo="m" * 2000
    )
    assert len(excerpt.memo) == 2000


def test_at_least_one_code_is_needed(post, moderator):
    with pytest.raises(ValidationError) as error:
        excerpt_code(coder=moderator, post=post, start=None, end=None, codes=[])
    assert "codes" in error.value.message_dict
    assert_nothing_saved()


def test_a_code_from_another_project_is_refused_with_a_clear_error(
    post, moderator, codes, project_index
):
    elsewhere = CodeFactory(name="Elders", project=ProjectPageFactory(parent=project_index))
    with pytest.raises(ValidationError) as error:
        excerpt_code(coder=moderator, post=post, start=None, end=None, codes=[codes[0], elsewhere])
    assert "Elders" in error.value.message_dict["codes"][0]
    assert "ander project" in error.value.message_dict["codes"][0]
    assert_nothing_saved()


def test_an_archived_code_is_refused(post, moderator, codes):
    archived = CodeFactory(name="Oud", archived_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        excerpt_code(coder=moderator, post=post, start=None, end=None, codes=[codes[0], archived])
    assert "Oud" in error.value.message_dict["codes"][0]
    assert_nothing_saved()


def test_a_post_without_text_cannot_be_coded(topic_page, moderator, codes):
    removed = Post.objects.create(
        topic=topic_page, project=topic_page.project, body="", removed_at=timezone.now()
    )
    with pytest.raises(ValidationError):
        excerpt_code(coder=moderator, post=removed, start=None, end=None, codes=[codes[0]])
    assert_nothing_saved()


@pytest.mark.parametrize("who", ["team_lead", "complaints_officer", "parent_user", "no_2fa"])
def test_people_who_may_not_code_or_see_the_post_are_refused(request, post, codes, who):
    if who == "parent_user":
        coder = post.author
    elif who == "no_2fa":
        coder = UserFactory(roles=[Role.MODERATOR])
        coder.second_factor_passed = False  # signed in with the password only
    else:
        coder = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        excerpt_code(coder=coder, post=post, start=None, end=None, codes=[codes[0]])
    assert_nothing_saved()


# --- audit, uncoding, deleting, memos ---


def test_every_coding_and_uncoding_is_audited(post, moderator, researcher, codes):
    excerpt = excerpt_code(coder=moderator, post=post, start=0, end=5, codes=codes[:2])
    excerpt_code(coder=moderator, post=post, start=0, end=5, codes=[codes[0]])  # nothing new
    coding_remove(user=researcher, coding=excerpt.codings.get(code=codes[0]))

    entries = list(coding_log())
    assert [(entry.action, entry.user_id, entry.data["code"]) for entry in entries] == [
        ("insights.excerpt_coded", moderator.pk, codes[0].pk),
        ("insights.excerpt_coded", moderator.pk, codes[1].pk),
        ("insights.excerpt_uncoded", researcher.pk, codes[0].pk),
    ]
    assert all(entry.data["post"] == post.pk for entry in entries)
    assert all(entry.data["excerpt"] == excerpt.pk for entry in entries)
    assert all("sliepen" not in entry.label for entry in entries)  # no parent's words
    assert list(excerpt.codes.all()) == [codes[1]]


def test_deleting_an_excerpt_removes_its_codings_and_is_audited(post, moderator, codes):
    excerpt = excerpt_code(coder=moderator, post=post, start=None, end=None, codes=codes[:2])
    excerpt_delete(user=moderator, excerpt=excerpt)

    assert not Excerpt.objects.exists()
    assert not Coding.objects.exists()
    entry = coding_log().last()
    assert (entry.action, entry.user_id) == ("insights.excerpt_deleted", moderator.pk)
    assert sorted(entry.data["codes"]) == sorted([codes[0].pk, codes[1].pk])


def test_memo_update_replaces_the_memo_and_refuses_long_ones(post, moderator, codes):
    excerpt = excerpt_code(coder=moderator, post=post, start=None, end=None, codes=[codes[0]])
    excerpt_memo_update(user=moderator, excerpt=excerpt, memo="  Kernpunt  ")
    with pytest.raises(ValidationError):
        excerpt_memo_update(user=moderator, excerpt=excerpt, memo="m" * 2001)
    excerpt.refresh_from_db()
    assert excerpt.memo == "Kernpunt"
    assert coding_log().last().action == "insights.excerpt_memo_updated"


def test_only_its_own_coder_changes_an_excerpt_of_a_blind_round(
    post, moderator, researcher, codes, topic_page
):
    coding_round = CodingRound.objects.create(topic=topic_page)
    excerpt = excerpt_code(
        coder=moderator,
        post=post,
        start=None,
        end=None,
        codes=[codes[0]],
        coding_round=coding_round,
    )
    with pytest.raises(PermissionDenied):
        coding_remove(user=researcher, coding=excerpt.codings.get())
    with pytest.raises(PermissionDenied):
        excerpt_delete(user=researcher, excerpt=excerpt)
    assert excerpt.codings.count() == 1


@pytest.mark.parametrize("who", ["parent", "team_lead"])
def test_others_cannot_uncode_or_delete(request, post, moderator, codes, who):
    excerpt = excerpt_code(coder=moderator, post=post, start=None, end=None, codes=[codes[0]])
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        coding_remove(user=user, coding=excerpt.codings.get())
    with pytest.raises(PermissionDenied):
        excerpt_delete(user=user, excerpt=excerpt)
    with pytest.raises(PermissionDenied):
        excerpt_memo_update(user=user, excerpt=excerpt, memo="x")
    assert Coding.objects.count() == 1


# --- survival ---


def test_excerpt_keeps_its_quote_when_the_author_edits_the_post(post, moderator, codes):
    excerpt = excerpt_code(coder=moderator, post=post, start=0, end=18, codes=[codes[0]])
    assert not excerpt.post_edited_since

    post.body = "<p>Alles ging goed.</p>"
    post.edited_at = excerpt.created_at + datetime.timedelta(minutes=5)
    post.save()

    excerpt = Excerpt.objects.select_related("post").get()
    assert excerpt.quote == "We sliepen slecht."
    assert excerpt.post_edited_since


def test_excerpt_stays_for_staff_when_a_moderator_hides_the_post(post, moderator, codes):
    excerpt_code(coder=moderator, post=post, start=None, end=None, codes=[codes[0]])
    moderation_decide(moderator=moderator, post=post, action="hide", reason="Persoonsgegevens")

    excerpt = Excerpt.objects.select_related("post").get()
    assert excerpt.post.status == PostStatus.HIDDEN
    assert excerpt.quote == TEXT
    assert excerpt.codings.count() == 1


def test_excerpt_stays_under_a_former_member_when_the_author_erases_their_account(
    post, moderator, member, codes
):
    key = member.research_id
    excerpt_code(coder=moderator, post=post, start=0, end=18, codes=codes[:2])
    account_delete(user=member, remove_contributions=False)

    excerpt = Excerpt.objects.get()
    assert excerpt.author is None
    assert excerpt.author_key == key
    assert excerpt.quote == "We sliepen slecht."
    assert excerpt.quote_removed_at is None
    assert Excerpt.objects.parent_count() == 1


def test_removing_the_authors_posts_blanks_the_quote_but_keeps_codings_and_counts(
    post, moderator, member, codes, topic_page
):
    other = post_write(topic_page, member, "Nog een antwoord met woorden")
    excerpt_code(coder=moderator, post=post, start=0, end=18, codes=codes[:2])
    excerpt_code(coder=moderator, post=other, start=None, end=None, codes=[codes[0]])
    account_delete(user=member, remove_contributions=True)

    excerpts = list(Excerpt.objects.all())
    assert len(excerpts) == 2
    assert all(excerpt.quote == "" for excerpt in excerpts)
    assert all(excerpt.quote_removed_at is not None for excerpt in excerpts)
    assert all(excerpt.author is None for excerpt in excerpts)
    assert Coding.objects.count() == 3
    assert Excerpt.objects.parent_count() == 1
    assert not Excerpt.objects.filter(quote__contains="sliepen").exists()


def test_data_download_holds_the_quoted_words_but_not_the_staff_work(
    post, moderator, member, codes
):
    excerpt_code(coder=moderator, post=post, start=0, end=18, codes=[codes[0]], memo="Geheim")
    rows = personal_data_collect(user=member)["excerpts"]
    assert len(rows) == 1
    assert rows[0]["text"] == "We sliepen slecht."
    assert "Geheim" not in str(rows)
    assert codes[0].name not in str(rows)


def test_excerpts_of_another_topic_stay_in_their_own_topic(project_page, member, moderator, codes):
    topic = TopicPageFactory(parent=project_page)
    post = post_write(topic, member, "Elders geschreven")
    excerpt = excerpt_code(coder=moderator, post=post, start=None, end=None, codes=[codes[2]])
    assert excerpt.topic_id == topic.pk


@pytest.mark.parametrize("status", [PostStatus.PENDING, PostStatus.HIDDEN])
def test_staff_code_pending_and_hidden_posts_too(topic_page, member, moderator, codes, status):
    post = post_write(topic_page, member, "Nog niet zichtbaar", status=status)
    excerpt = excerpt_code(coder=moderator, post=post, start=None, end=None, codes=[codes[0]])
    assert excerpt.quote == "Nog niet zichtbaar"
