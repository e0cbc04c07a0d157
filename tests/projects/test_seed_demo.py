import datetime
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from wagtail.models import Page, Revision

from community.models import Role, User
from projects.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from projects.models import PollVote, Post, ProjectPage, Reaction, SiteLinks

pytestmark = pytest.mark.django_db


def table_sizes() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "addresses": EmailAddress.objects.count(),
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "site_links": SiteLinks.objects.count(),
        "posts": Post.objects.count(),
        "votes": PollVote.objects.count(),
        "reactions": Reaction.objects.count(),
    }


def test_seed_demo_is_idempotent(demo_seeded):
    after_first = table_sizes()

    call_command("seed_demo", stdout=StringIO())

    assert table_sizes() == after_first


def test_seed_demo_creates_one_account_per_role_and_seven_parents(demo_seeded):

    for role in Role:
        # The feedback demo adds nine colleagues to the listed staff member.
        expected = 10 if role == Role.STAFF_MEMBER else 1
        assert User.objects.filter(groups__name=role.value).count() == expected
    parents = User.objects.filter(groups__isnull=True)
    assert parents.count() == 7
    for email, _name, _roles in DEMO_ACCOUNTS:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=user).verified
        assert email in demo_seeded


def test_seed_demo_links_footer_pages_with_text_in_both_languages(demo_seeded, client):
    links = SiteLinks.objects.get()

    for page in (links.house_rules_page, links.privacy_page, links.accessibility_page):
        specific = page.specific
        assert page.live
        assert len(specific.body) >= 3
        assert len(specific.body_en) >= 3
        assert specific.title_en
        assert client.get(page.get_url()).status_code == 200


def test_seed_demo_projects_are_open_with_every_response_mode_and_a_segment_project(
    demo_seeded, client
):
    from projects.models import Audience, ProjectPage, ProjectStatus, TopicPage

    projects = {project.slug: project for project in ProjectPage.objects.live()}
    assert {project.status for project in projects.values()} == {ProjectStatus.OPEN}
    segment_project = projects["slapen-in-het-eerste-jaar"]
    assert segment_project.audience == Audience.SEGMENTS
    assert [s.name for s in segment_project.segments.all()] == ["Jonge gezinnen in Antwerpen"]
    modes = set(TopicPage.objects.live().values_list("response_mode", flat=True))
    assert modes == {"open", "answer_first", "private", "poll"}
    poll = TopicPage.objects.get(response_mode="poll")
    assert poll.poll_options.count() == 4
    # ouder1 (a baby, Antwerp) is in the segment; ouder2 (East Flanders) is not.
    ouder1, ouder2 = (User.objects.get(email=f"ouder{n}@example.org") for n in (1, 2))
    assert set(ProjectPage.objects.open_to(ouder1)) == set(projects.values())
    assert segment_project not in ProjectPage.objects.open_to(ouder2)
    client.force_login(ouder2)
    assert client.get(segment_project.get_url()).status_code == 404


def test_seed_demo_has_a_real_discussion_and_a_poll_with_five_voters(demo_seeded, client):
    from projects.models import TopicPage

    discussion = TopicPage.objects.get(slug="de-eerste-weken")
    posts = Post.objects.filter(topic=discussion)
    assert posts.count() >= 15
    assert posts.filter(parent__isnull=False).count() >= 5
    assert posts.values("author").distinct().count() >= 5
    poll = TopicPage.objects.get(response_mode="poll")
    assert PollVote.objects.filter(option__topic=poll).values("user").distinct().count() >= 5
    # Voters chose as members of the segment: the poll service let each vote once.
    assert Post.objects.filter(topic=poll).count() == 2


def test_seed_demo_shows_a_living_community_in_every_topic_a_parent_can_answer(demo_seeded, client):
    from projects.models import ResponseMode, TopicPage

    for topic in TopicPage.objects.exclude(response_mode=ResponseMode.POLL):
        posts = Post.objects.filter(topic=topic, parent__isnull=True)
        assert posts.values("author").distinct().count() >= 3, topic.slug
    for slug in ("de-eerste-weken", "het-eerste-huisbezoek", "raad-over-slapen"):
        reactions = Reaction.objects.filter(post__topic__slug=slug)
        assert reactions.values("user").distinct().count() >= 3, slug
        assert Post.objects.filter(topic__slug=slug, parent__isnull=False).count() >= 4, slug
    # A researcher asked a follow-up question in the diary, which only its author reads.
    probe = Post.objects.get(is_probe=True)
    assert probe.topic.response_mode == ResponseMode.PRIVATE
    assert probe.author.email == "onderzoeker@example.org"
    # Every post is published: no demo text waits for a moderator.
    assert not Post.objects.exclude(status="published").exists()


def test_seed_demo_dates_the_posts_over_the_days_before(demo_seeded, client):
    from django.utils import timezone

    answers = Post.objects.filter(topic__slug="de-eerste-weken", parent__isnull=True)
    times = list(answers.order_by("pk").values_list("created_at", flat=True))
    assert times == sorted(times)  # the thread reads in the order it was written
    assert times[-1] < timezone.now()
    assert times[-1] - times[0] > datetime.timedelta(days=2)
    for reply in Post.objects.filter(parent__isnull=False).select_related("parent"):
        assert reply.created_at >= reply.parent.created_at


def test_seed_demo_poll_results_show_to_a_parent_who_voted(demo_seeded, client):
    from projects.models import TopicPage

    poll = TopicPage.objects.get(response_mode="poll")
    voter = User.objects.get(email="ouder1@example.org")
    assert PollVote.objects.filter(option__topic=poll, user=voter).exists()
    client.force_login(voter)

    html = client.get(poll.get_url()).content.decode()

    assert 'class="poll-results"' in html
    assert "Mama Merel" in html  # a comment with the vote, as a post


def test_seed_demo_projects_belong_to_the_demo_researcher(demo_seeded):

    researcher = User.objects.get(email="onderzoeker@example.org")
    owners = set(ProjectPage.objects.values_list("owner", flat=True))
    assert owners == {researcher.pk}
