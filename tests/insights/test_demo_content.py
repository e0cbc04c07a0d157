"""Insights' demo content, built by `manage.py seed_demo`: the whole loop from a discussion to
a published update, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from community.models import Notification, NotificationKind, User
from insights.models import (
    Action,
    ActionStatus,
    Code,
    Excerpt,
    Insight,
    InsightStatus,
    PublicUpdate,
    UpdateStatus,
)
from projects.models import PollVote, Post

pytestmark = pytest.mark.django_db


def sizes() -> dict[str, int]:
    return {
        "posts": Post.objects.count(),
        "votes": PollVote.objects.count(),
        "codes": Code.objects.count(),
        "excerpts": Excerpt.objects.count(),
        "insights": Insight.objects.count(),
        "actions": Action.objects.count(),
        "updates": PublicUpdate.objects.count(),
        "notifications": Notification.objects.count(),
    }


@pytest.fixture
def seeded(demo_seeded):
    """The demo, seeded once for this module."""


def test_the_demo_shows_the_whole_loop(seeded, client):
    topic_posts = Post.objects.filter(topic__slug="de-eerste-weken")
    assert topic_posts.count() >= 15
    assert topic_posts.values("author").distinct().count() >= 5
    assert topic_posts.filter(parent__isnull=False).exists()
    assert PollVote.objects.values("user").distinct().count() >= 5
    assert Code.objects.filter(parent__isnull=False).exists()
    assert Excerpt.objects.count() >= 5
    insight = Insight.objects.get()
    assert insight.status == InsightStatus.ACCEPTED
    assert insight.actions.count() == 2
    assert insight.actions.filter(status=ActionStatus.IN_PROGRESS).count() == 1
    update = PublicUpdate.objects.get()
    assert update.status == UpdateStatus.PUBLISHED
    assert update.parent_count == 5
    assert update.quotes.count() == 2

    html = client.get("/en/you-said-we-did/").content.decode()
    assert "Someone to reach in the evening" in html
    assert "5 parents raised this." in html


def test_the_contributing_demo_parent_is_told_twice(seeded):
    ouder1 = User.objects.get(email="ouder1@example.org")
    ouder2 = User.objects.get(email="ouder2@example.org")

    results = Notification.objects.filter(kind=NotificationKind.RESULTS)
    # Published, then one action started.
    assert results.filter(recipient=ouder1).count() == 2
    assert not results.filter(recipient=ouder2).exists()


def test_seeding_the_demo_again_changes_nothing(seeded, django_capture_on_commit_callbacks):
    first = sizes()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())

    assert sizes() == first
