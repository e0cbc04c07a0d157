"""Writing in a topic: the posts service (create, reply, probe, edit, delete, react)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.models import Notification, NotificationKind, Role
from projects.models import (
    HoldReason,
    ModerationMode,
    Post,
    PostStatus,
    Reaction,
    ResponseMode,
)
from projects.services.posts import (
    post_create,
    post_delete,
    post_edit,
    post_published_notify,
    probe_create,
    reaction_set,
    reaction_toggle,
    text_has_personal_data,
)
from tests.community.factories import UserFactory, consent_accept_all
from tests.projects.factories import TopicPageFactory, invite_list, project_for_segments

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _parents_take_part(parent, other_parent, consent_documents):
    consent_accept_all(parent, other_parent)


@pytest.fixture
def veteran(parent):
    """`parent`, a member for more than a week: no new-member limits."""
    parent.date_joined = timezone.now() - datetime.timedelta(days=30)
    parent.save(update_fields=["date_joined"])
    return parent


def _topic(project_page, mode=ResponseMode.OPEN):
    return TopicPageFactory(parent=project_page, response_mode=mode)


def _notifications(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_answer_is_published_with_its_project_and_sanitized_body(parent, topic_page):
    post = post_create(author=parent, topic=topic_page, text="Het ging **goed**.<script>x</script>")

    assert post.status == PostStatus.PUBLISHED
    assert post.project_id == topic_page.get_parent().pk
    assert post.author_role == ""
    assert "<strong>goed</strong>" in post.body
    assert "<script>" not in post.body


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "minstens 2"),
        ("a", "minstens 2"),
        ("**a**", "minstens 2"),
        ("x" * 5001, "hoogstens 5000"),
    ],
)
def test_too_short_or_too_long_text_is_refused_with_a_clear_message(
    parent, topic_page, text, message
):
    with pytest.raises(ValidationError) as error:
        post_create(author=parent, topic=topic_page, text=text)

    assert message in str(error.value.message_dict["text"])
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "Mail me op jan.peeters@example.be",
        "Bel me: +32 470 12 34 56",
        "Mijn gsm is 0470/12.34.56",
        "gsm 0470 12 34 56",
        "thuis 03 123 45 67",
        "call +44 20 7946 0958",
        "0032 470 123456",
    ],
)
def test_personal_data_holds_the_post_for_a_moderator(parent, topic_page, text):
    post = post_create(author=parent, topic=topic_page, text=text)

    assert post.status == PostStatus.PENDING
    assert post.held_for == HoldReason.PERSONAL_DATA


@pytest.mark.parametrize(
    "text",
    ["Op 01/02/2024 was ze 3 maanden", "Hij weegt 4.250 gram", "Tussen 2 en 3 uur 's nachts"],
)
def test_dates_and_amounts_are_not_taken_for_phone_numbers(text):
    assert not text_has_personal_data(text)


def test_personal_data_is_held_in_post_moderated_projects_and_for_staff_it_is_not(
    parent, researcher, topic_page
):
    assert topic_page.project.moderation_mode == ModerationMode.POST
    held = post_create(author=parent, topic=topic_page, text="bel 0470 12 34 56")
    staff = post_create(author=researcher, topic=topic_page, text="Kind en Gezin Lijn: 078 150 100")

    assert held.status == PostStatus.PENDING
    assert staff.status == PostStatus.PUBLISHED


def test_pre_moderated_project_holds_parents_posts_but_not_staff_posts(
    parent, researcher, project_page
):
    project_page.moderation_mode = ModerationMode.PRE
    project_page.save_revision().publish()
    topic = _topic(project_page)

    member_post = post_create(author=parent, topic=topic, text="Mijn antwoord")
    staff_post = post_create(author=researcher, topic=topic, text="Dank je!")

    assert (member_post.status, member_post.held_for) == (
        PostStatus.PENDING,
        HoldReason.PRE_MODERATION,
    )
    assert staff_post.status == PostStatus.PUBLISHED


def test_staff_post_carries_the_role_badge(researcher, moderator, topic_page):
    assert post_create(author=researcher, topic=topic_page, text="Vraag").author_role == (
        Role.RESEARCHER.value
    )
    assert post_create(author=moderator, topic=topic_page, text="Let op").author_role == (
        Role.MODERATOR.value
    )


def test_replies_go_one_level_deep(parent, other_parent, topic_page):
    answer = post_create(author=parent, topic=topic_page, text="Antwoord")
    reply = post_create(author=other_parent, topic=topic_page, text="Reactie", parent=answer)

    with pytest.raises(PermissionDenied):
        post_create(author=parent, topic=topic_page, text="Dieper", parent=reply)


def test_reply_notifies_the_author_of_the_answer_but_not_oneself(parent, other_parent, topic_page):
    answer = post_create(author=parent, topic=topic_page, text="Antwoord")
    post_create(author=parent, topic=topic_page, text="Nog iets", parent=answer)
    assert _notifications(parent, NotificationKind.REPLY) == []

    reply = post_create(author=other_parent, topic=topic_page, text="Reactie", parent=answer)

    [notification] = _notifications(parent, NotificationKind.REPLY)
    assert notification.actor == other_parent
    assert notification.url.endswith(f"#post-{reply.pk}")
    assert notification.params["title"] == {"nl": topic_page.title, "en": topic_page.title_en}


def test_staff_author_hears_of_a_reply_in_a_segment_project_outside_any_session(
    parent, researcher, project_index
):
    """The notification is decided for the account (the reply is published, the staff
    member wrote the answer); what they may read is decided when they open it."""
    project = project_for_segments(project_index, [invite_list("Genodigden", parent)])
    topic = TopicPageFactory(parent=project)
    answer = post_create(author=researcher, topic=topic, text="Vertel gerust meer.")

    post_create(author=parent, topic=topic, text="Graag!", parent=answer)

    [notification] = _notifications(researcher, NotificationKind.REPLY)
    assert notification.actor == parent


def test_pending_reply_notifies_only_once_a_moderator_publishes_it(
    parent, other_parent, topic_page
):
    answer = post_create(author=parent, topic=topic_page, text="Antwoord")
    reply = post_create(author=other_parent, topic=topic_page, text="mail a@b.be", parent=answer)
    assert reply.status == PostStatus.PENDING
    assert _notifications(parent, NotificationKind.REPLY) == []

    Post.objects.filter(pk=reply.pk).update(status=PostStatus.PUBLISHED)
    reply.refresh_from_db()
    post_published_notify(reply)

    assert len(_notifications(parent, NotificationKind.REPLY)) == 1


def test_probe_notifies_the_parent_and_is_marked(parent, researcher, project_page):
    topic = _topic(project_page, ResponseMode.PRIVATE)
    answer = post_create(author=parent, topic=topic, text="Mijn dagboek")

    probe = probe_create(author=researcher, post=answer, text="Kan je daar meer over vertellen?")

    assert probe.is_probe and probe.parent == answer
    assert len(_notifications(parent, NotificationKind.PROBE)) == 1
    # In a private topic the parent still reads the researcher's question to them.
    assert Post.objects.visible_to(parent).filter(pk=probe.pk).exists()


def test_parents_cannot_ask_follow_up_questions(parent, other_parent, topic_page):
    answer = post_create(author=parent, topic=topic_page, text="Antwoord")

    with pytest.raises(PermissionDenied):
        probe_create(author=other_parent, post=answer, text="Waarom?")


def test_in_a_private_topic_no_other_parent_can_reply_or_is_notified(
    parent, other_parent, project_page
):
    topic = _topic(project_page, ResponseMode.PRIVATE)
    answer = post_create(author=parent, topic=topic, text="Alleen voor het team")

    with pytest.raises(PermissionDenied):
        post_create(author=other_parent, topic=topic, text="Ik lees mee", parent=answer)
    assert not Post.objects.visible_to(other_parent).filter(pk=answer.pk).exists()


def test_author_can_edit_within_30_minutes_and_the_post_is_marked_edited(parent, topic_page):
    post = post_create(author=parent, topic=topic_page, text="Eerst")

    post = post_edit(user=parent, post=post, text="Daarna *beter*")

    assert post.edited_at is not None
    assert post.text == "Daarna *beter*"
    assert "<em>beter</em>" in post.body


def test_editing_after_30_minutes_or_someone_elses_post_is_refused(
    parent, other_parent, topic_page
):
    post = post_create(author=parent, topic=topic_page, text="Eerst")
    with pytest.raises(PermissionDenied):
        post_edit(user=other_parent, post=post, text="Gekaapt")

    Post.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=31)
    )
    post.refresh_from_db()
    with pytest.raises(PermissionDenied):
        post_edit(user=parent, post=post, text="Te laat")


def test_edit_with_personal_data_holds_the_post_again(parent, topic_page):
    post = post_create(author=parent, topic=topic_page, text="Eerst")

    post = post_edit(user=parent, post=post, text="Bel 0470/12.34.56")

    assert (post.status, post.held_for) == (PostStatus.PENDING, HoldReason.PERSONAL_DATA)


def test_deleting_a_post_without_replies_removes_it(parent, topic_page):
    post = post_create(author=parent, topic=topic_page, text="Weg ermee")

    assert post_delete(user=parent, post=post) is True
    assert not Post.objects.filter(pk=post.pk).exists()


def test_deleting_a_post_with_replies_leaves_it_removed_by_the_author(
    parent, other_parent, topic_page
):
    post = post_create(author=parent, topic=topic_page, text="Weg ermee")
    reply = post_create(author=other_parent, topic=topic_page, text="Reactie", parent=post)

    assert post_delete(user=parent, post=post) is False

    post.refresh_from_db()
    assert post.removed_at is not None
    assert post.text == post.body == ""
    assert Post.objects.filter(pk=reply.pk).exists()


def test_only_the_author_deletes_a_post(parent, other_parent, moderator, topic_page):
    post = post_create(author=parent, topic=topic_page, text="Van mij")

    for user in (other_parent, moderator):
        with pytest.raises(PermissionDenied):
            post_delete(user=user, post=post)


def test_recognising_a_post_counts_once_and_a_second_press_takes_it_back(
    parent, other_parent, topic_page
):
    post = post_create(author=parent, topic=topic_page, text="Herkenbaar?")

    assert reaction_toggle(user=other_parent, post=post) is True
    assert Reaction.objects.filter(post=post).count() == 1
    assert reaction_toggle(user=other_parent, post=post) is False
    assert Reaction.objects.filter(post=post).count() == 0


def test_setting_a_reaction_twice_leaves_the_state_asked_for(parent, other_parent, topic_page):
    post = post_create(author=parent, topic=topic_page, text="Herkenbaar?")

    assert [reaction_set(user=other_parent, post=post, on=True) for _ in "12"] == [True, True]
    assert Reaction.objects.filter(post=post).count() == 1
    assert [reaction_set(user=other_parent, post=post, on=False) for _ in "12"] == [False, False]
    assert not Reaction.objects.filter(post=post).exists()


def test_nobody_recognises_their_own_post_and_staff_do_not_react(parent, researcher, topic_page):
    post = post_create(author=parent, topic=topic_page, text="Van mij")

    for user in (parent, researcher):
        with pytest.raises(PermissionDenied):
            reaction_toggle(user=user, post=post)
        with pytest.raises(PermissionDenied):
            reaction_set(user=user, post=post, on=True)


def test_new_member_may_post_ten_times_a_day(parent, topic_page):
    for number in range(10):
        post_create(author=parent, topic=topic_page, text=f"Bericht {number}")

    with pytest.raises(ValidationError) as error:
        post_create(author=parent, topic=topic_page, text="Nummer elf")

    assert "10 keer per dag" in str(error.value.message_dict["text"])


def test_new_member_may_share_three_links_a_day(parent, topic_page):
    post_create(author=parent, topic=topic_page, text="https://a.be en https://b.be")
    post_create(author=parent, topic=topic_page, text="[info](https://c.be)")

    with pytest.raises(ValidationError) as error:
        post_create(author=parent, topic=topic_page, text="https://d.be")

    assert "3 links per dag" in str(error.value.message_dict["text"])


def test_members_of_more_than_a_week_have_no_daily_limits(veteran, topic_page):
    for number in range(12):
        post_create(author=veteran, topic=topic_page, text=f"https://voorbeeld{number}.be")

    assert Post.objects.filter(author=veteran).count() == 12


def test_parent_without_consent_cannot_post(topic_page):
    newcomer = UserFactory()

    with pytest.raises(PermissionDenied):
        post_create(author=newcomer, topic=topic_page, text="Hallo")


def test_first_publication_of_a_topic_notifies_the_members_of_the_project(
    parent, other_parent, researcher, project_page
):
    topic = _topic(project_page)

    recipients = set(
        Notification.objects.filter(kind=NotificationKind.NEW_TOPIC).values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {parent.pk, other_parent.pk}
    topic.save_revision().publish()  # a second publication is not news
    assert Notification.objects.filter(kind=NotificationKind.NEW_TOPIC).count() == 2


def test_new_topic_in_a_segment_project_notifies_only_members_of_the_segment(
    parent, other_parent, project_page
):
    from community.models import Segment

    segment = Segment.objects.create(name="Uitgenodigd")
    segment.invited_members.set([parent])
    segment.save()  # parental many-to-many rows are written on save
    project_page.audience = "segments"
    project_page.segments.set([segment])
    project_page.save_revision().publish()
    Notification.objects.all().delete()

    _topic(project_page)

    recipients = list(
        Notification.objects.filter(kind=NotificationKind.NEW_TOPIC).values_list(
            "recipient", flat=True
        )
    )
    assert recipients == [parent.pk]


def test_name_next_to_a_post_is_the_pseudonym_or_for_staff_the_first_name(
    parent, researcher, moderator, topic_page
):
    # Staff take no part as parents, so they have no pseudonym.
    type(researcher).objects.filter(pk__in=[researcher.pk, moderator.pk]).update(pseudonym="")
    researcher.refresh_from_db()
    moderator.refresh_from_db()
    researcher.first_name = "Sarah"
    moderator.first_name = ""
    researcher.save(update_fields=["first_name"])
    moderator.save(update_fields=["first_name"])
    parent.first_name = "Echte naam"
    parent.save(update_fields=["first_name"])
    answer = post_create(author=parent, topic=topic_page, text="Mijn antwoord")
    by_researcher = post_create(author=researcher, topic=topic_page, text="Dank je!", parent=answer)
    by_moderator = post_create(author=moderator, topic=topic_page, text="Welkom allemaal")

    assert answer.author_name == parent.pseudonym  # never a parent's real name
    assert by_researcher.author_name == "Sarah"
    assert by_moderator.author_name == "Kind en Gezin"  # staff without a first name
    Post.objects.filter(pk=answer.pk).update(author=None)
    assert Post.objects.get(pk=answer.pk).author_name == ""
