"""The demo parents' conversations (projects.demo_content): answers, replies, a follow-up
question and "herkenbaar", written through the services as members would, then spread over
the days since the project opened so the threads read as a living community. Called by
`manage.py seed_demo`; idempotent: a topic that has posts (or reactions) is left alone.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from community.models import User
from projects import demo_content
from projects.models import Post, ProjectPage, Reaction, TopicPage
from projects.services.posts import post_create, probe_create, reaction_toggle
from projects.thread import thread_changed

# Answers are spread over the days before seeding, newest a few hours ago; each reply follows
# its answer after a while.
ANSWER_EVERY = datetime.timedelta(hours=7, minutes=40)
REPLY_AFTER = datetime.timedelta(hours=1, minutes=25)
NEWEST_ANSWER_AGO = datetime.timedelta(hours=3)


def _topic(project_slug: str, topic_slug: str) -> TopicPage | None:
    project = ProjectPage.objects.filter(slug=project_slug).first()
    if project is None:
        return None
    return TopicPage.objects.child_of(project).filter(slug=topic_slug).first()


def _demo_people() -> dict[str, User]:
    people = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    for user in people.values():
        # The seed stands in for staff at the keyboard, in a session with the second factor.
        user.second_factor_passed = user.is_staff_member
    return people


@transaction.atomic
def discussions_seed() -> int:
    """Every demo discussion whose topic exists and has no posts yet: the answers first,
    then the replies (in an answer-first topic a parent reads, and so replies, only after
    answering). Returns how many posts were written."""
    people = _demo_people()
    created = 0
    for spec in demo_content.DISCUSSIONS:
        topic = _topic(spec["project"], spec["topic"])
        if topic is None or Post.objects.filter(topic=topic).exists():
            continue
        answers = [
            post_create(author=people[email], topic=topic, text=text)
            for email, text, _replies in spec["posts"]
        ]
        replies: list[list[Post]] = []
        for answer, (_email, _text, thread) in zip(answers, spec["posts"], strict=True):
            replies.append([_reply(people[email], answer, text) for email, text in thread])
        created += len(answers) + sum(len(written) for written in replies)
        _spread_in_time(topic, answers, replies)
    return created


def _reply(author: User, answer: Post, text: str) -> Post:
    if author.is_staff_member:
        return probe_create(author=author, post=answer, text=text)
    return post_create(author=author, topic=answer.topic, text=text, parent=answer)


def _spread_in_time(topic: TopicPage, answers: list[Post], replies: list[list[Post]]) -> None:
    """Date the posts as if written over the last days, in the order they were written."""
    now = timezone.now()
    first = now - NEWEST_ANSWER_AGO - ANSWER_EVERY * (len(answers) - 1)
    dated = []
    for number, (answer, thread) in enumerate(zip(answers, replies, strict=True)):
        answer.created_at = first + ANSWER_EVERY * number
        dated.append(answer)
        for position, reply in enumerate(thread, start=1):
            reply.created_at = min(answer.created_at + REPLY_AFTER * position, now)
            dated.append(reply)
    Post.objects.bulk_update(dated, ["created_at"])
    thread_changed(topic_id=topic.pk)


@transaction.atomic
def reactions_seed() -> int:
    """Demo parents say "herkenbaar", in each topic that has no reaction yet; returns how
    many reactions were given."""
    people = _demo_people()
    given = 0
    for project_slug, topic_slug, reactions in demo_content.REACTIONS:
        topic = _topic(project_slug, topic_slug)
        if topic is None or Reaction.objects.filter(post__topic=topic).exists():
            continue
        for email, start in reactions:
            post = Post.objects.filter(topic=topic, text__startswith=start).order_by("pk").first()
            if post is not None and reaction_toggle(user=people[email], post=post):
                given += 1
    return given
