"""Post.objects.visible_to: the general rule (search, export, notifications) and its form for
one topic (the topic page) must agree on every post, for every reader and response mode."""

import pytest
from django.utils import timezone

from community.models import Role
from projects.models import PollOption, Post, PostStatus, ResponseMode
from tests.community.factories import UserFactory, consent_accept_all
from tests.projects.factories import PostFactory, TopicPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(consent_documents):
    reader = UserFactory(pseudonym="Lezer")
    other = UserFactory(pseudonym="Ander")
    staff = UserFactory(pseudonym="", roles=[Role.RESEARCHER])
    consent_accept_all(reader, other)
    return reader, other, staff


def poll_options() -> list[PollOption]:
    return [PollOption(label="Ja", sort_order=0), PollOption(label="Nee", sort_order=1)]


def thread(topic, reader, other, staff) -> None:
    """Every kind of post a reader can meet: theirs and others', each status, replies
    either way, a removed one, a staff answer to the reader."""
    for author in (reader, other):
        for status in PostStatus.values:
            answer = PostFactory(topic=topic, author=author, status=status)
            for replier in (reader, other, staff):
                PostFactory(topic=topic, parent=answer, author=replier, status=status)
    PostFactory(topic=topic, author=other, removed_at=timezone.now())


@pytest.mark.parametrize("mode", ResponseMode.values)
@pytest.mark.parametrize("reader_answered", ["no", "published", "pending", "hidden", "removed"])
def test_the_rule_for_one_topic_matches_the_general_rule(
    project_page, people, mode, reader_answered
):
    reader, other, staff = people
    topic, elsewhere = (
        TopicPageFactory(parent=project_page, response_mode=mode, poll_options=poll_options())
        for _ in range(2)
    )
    thread(topic, reader, other, staff)
    thread(elsewhere, reader, other, staff)
    # What decides an answer-first topic: the reader's own answer in this topic alone.
    Post.objects.filter(topic=topic, author=reader, parent__isnull=True).delete()
    if reader_answered != "no":
        status = PostStatus.PUBLISHED if reader_answered == "removed" else reader_answered
        PostFactory(
            topic=topic,
            author=reader,
            status=status,
            removed_at=timezone.now() if reader_answered == "removed" else None,
        )

    for user in (reader, other, staff):
        general = set(Post.objects.visible_to(user).filter(topic=topic))
        for answered in (None, Post.objects.answered_by(user, topic)):
            assert set(Post.objects.visible_to(user, topic=topic, answered=answered)) == general

    sees = set(Post.objects.visible_to(reader, topic=topic))
    others_published = Post.objects.filter(
        topic=topic,
        parent__isnull=True,
        author=other,
        status=PostStatus.PUBLISHED,
        removed_at__isnull=True,
    ).get()
    opened = mode in ("open", "poll") or (
        mode == "answer_first" and reader_answered in ("published", "pending")
    )
    assert (others_published in sees) is opened
