"""What the topic page keeps between requests (projects.renderings): the page around the
shared thread and each member's standing in a topic. Whatever is kept, a reader gets their
own form token, badge and messages, sees a change on the next visit, and never gets what
another reader may see alone."""

import re
from http import HTTPStatus
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from community.models import Notification
from projects import renderings, thread
from projects import topic_page as topic_views
from projects.models import PollOption, Post, PostStatus, ResponseMode
from projects.services.moderation import moderation_decide
from projects.services.posts import reaction_toggle
from tests.community.factories import NotificationFactory, consent_accept_all
from tests.conftest import dutch_url
from tests.projects.factories import TopicPageFactory, post_write

pytestmark = pytest.mark.django_db

BADGE = 'class="account-nav__badge"'


@pytest.fixture(autouse=True)
def _parents_take_part(parent, other_parent, third_parent, consent_documents):
    consent_accept_all(parent, other_parent)


@pytest.fixture
def page_renders():
    """Counts the renderings of the page around the thread."""
    with mock.patch.object(
        topic_views, "_page_with_holes", wraps=topic_views._page_with_holes
    ) as spy:
        yield spy


def page_of(client: Client, user, topic, url: str | None = None) -> str:
    client.force_login(user)
    response = client.get(url or dutch_url(topic))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def nl(message: str) -> str:
    with translation.override("nl"):
        return translation.gettext(message)


# --- the page around the shared thread ---


def test_readers_of_the_shared_thread_share_one_page_each_with_their_own_token(
    parent, other_parent, third_parent, topic_page, page_renders
):
    post_write(topic_page, other_parent, "Een antwoord")
    page_of(Client(), third_parent, topic_page)
    page_of(Client(), other_parent, topic_page)
    client = Client(enforce_csrf_checks=True)

    html = page_of(client, parent, topic_page)
    token = re.search(
        r'id="post-compose-title".*?name="csrfmiddlewaretoken" value="([^"]+)"', html, re.S
    )[1]
    response = client.post(
        reverse("post_answer", args=[topic_page.pk]),
        {"csrfmiddlewaretoken": token, "text": "Mijn eigen antwoord"},
    )

    assert page_renders.call_count == 1
    assert "Een antwoord" in html and "\x00" not in html
    assert response.status_code == HTTPStatus.FOUND
    assert Post.objects.filter(author=parent, text="Mijn eigen antwoord").exists()


def test_a_kept_page_shows_each_reader_their_own_notifications_badge(
    client, parent, other_parent, topic_page, page_renders
):
    Notification.objects.update(read_at=timezone.now())  # e.g. about the new topic
    NotificationFactory.create_batch(2, recipient=parent)
    as_parent = page_of(client, parent, topic_page)

    as_other = page_of(client, other_parent, topic_page)
    NotificationFactory(recipient=other_parent)
    as_other_later = page_of(client, other_parent, topic_page)

    assert BADGE in as_parent and '<span class="account-nav__badge" aria-hidden="true">2<' in (
        as_parent
    )
    assert BADGE not in as_other
    assert '<span class="account-nav__badge" aria-hidden="true">1<' in as_other_later
    assert parent.email not in as_other and parent.email not in as_parent


def test_a_message_waiting_for_the_reader_is_shown_once_and_never_kept(
    client, parent, other_parent, topic_page, page_renders
):
    page_of(client, other_parent, topic_page)  # the page is kept
    thanks = nl("Thank you, your post is online.")
    client.force_login(parent)
    client.post(reverse("post_answer", args=[topic_page.pk]), {"text": "Mijn antwoord"})

    after_posting = page_of(client, parent, topic_page)
    next_visit = page_of(client, parent, topic_page)
    as_other = page_of(client, other_parent, topic_page)

    assert after_posting.count(thanks) == 1
    assert thanks not in next_visit and thanks not in as_other
    assert "Mijn antwoord" in next_visit and "Mijn antwoord" in as_other


def test_an_edited_and_published_topic_shows_on_the_next_visit(client, parent, topic_page):
    page_of(client, parent, topic_page)
    topic_page.title = "Een nieuwe vraag"
    topic_page.save_revision().publish()

    html = page_of(client, parent, topic_page)

    assert "<h1>Een nieuwe vraag</h1>" in html


def test_english_readers_get_an_english_page_after_a_dutch_one_was_kept(client, parent, topic_page):
    page_of(client, parent, topic_page)
    with translation.override("en"):
        english_url = topic_page.url

    html = page_of(client, parent, topic_page, url=english_url)

    assert '<html lang="en">' in html and "Your answer" in html


def test_pages_with_something_of_the_reader_alone_are_not_kept(
    client, parent, other_parent, moderator, project_page, topic_page, page_renders
):
    poll = TopicPageFactory(
        parent=project_page,
        response_mode=ResponseMode.POLL,
        poll_options=[PollOption(label="Ja"), PollOption(label="Nee")],
    )
    private = TopicPageFactory(parent=project_page, response_mode=ResponseMode.PRIVATE)
    post_write(topic_page, parent, "Wacht nog", status=PostStatus.PENDING)

    for _visit in range(2):
        page_of(client, moderator, topic_page)  # staff see pending and hidden posts
        page_of(client, parent, topic_page)  # a post of their own waits for a moderator
        page_of(client, other_parent, poll)  # the poll: whether they voted, the results
        page_of(client, other_parent, private)  # only their own posts

    assert page_renders.call_count == 0


# --- a member's standing in a topic ---


def test_standing_is_read_once_until_a_post_or_reaction_in_the_topic_changes(
    parent, other_parent, topic_page, django_assert_num_queries
):
    post = post_write(topic_page, other_parent, "Herkenbaar?")
    standing, tokens = thread.standing_for(parent, topic_page)
    assert standing.reacted == set() and tokens == thread.thread_tokens(topic_page.pk)

    with django_assert_num_queries(0):
        thread.standing_for(parent, topic_page)
    reaction_toggle(user=parent, post=post)
    with django_assert_num_queries(1):
        renewed, _tokens = thread.standing_for(parent, topic_page)

    assert renewed.reacted == {post.pk}


def test_a_reaction_is_pressed_on_the_next_visit(client, parent, other_parent, topic_page):
    post = post_write(topic_page, other_parent, "Herkenbaar?")
    assert 'aria-pressed="false"' in page_of(client, parent, topic_page)

    client.post(reverse("post_react", args=[post.pk]))

    assert 'aria-pressed="true"' in page_of(client, parent, topic_page)


def test_own_post_hidden_after_a_visit_shows_to_its_author_with_its_status(
    client, parent, moderator, topic_page
):
    own = post_write(topic_page, parent, "Mijn tekst")
    page_of(client, parent, topic_page)  # standing kept: all their posts published

    moderation_decide(moderator=moderator, post=own, action="hide", reason="Persoonsgegevens")
    html = page_of(client, parent, topic_page)

    assert "Mijn tekst" in html and "Persoonsgegevens" in html


def test_answer_first_opens_on_the_visit_after_answering(
    client, parent, other_parent, project_page
):
    topic = TopicPageFactory(parent=project_page, response_mode=ResponseMode.ANSWER_FIRST)
    post_write(topic, other_parent, "Het antwoord van een ander")
    assert "Het antwoord van een ander" not in page_of(client, parent, topic)

    client.post(reverse("post_answer", args=[topic.pk]), {"text": "Mijn eigen antwoord"})

    assert "Het antwoord van een ander" in page_of(client, parent, topic)


# --- the building blocks ---


def test_indentation_goes_and_every_line_break_stays_a_space():
    html = (
        "<p>\n        <span>Ouder</span>\n\n        <time>9 mei</time>\xa0ok</p>"
        '\n    <a href="/">x</a>'
    )

    assert renderings.indentation_removed(html) == (
        '<p>\n<span>Ouder</span>\n<time>9 mei</time>\xa0ok</p>\n<a href="/">x</a>'
    )


def test_a_rendering_is_made_once_and_served_again_from_the_process():
    kept = renderings.Renderings(kept_in_process=2)
    render = mock.Mock(return_value=["html"])

    first = kept.get("rendering:a", render)
    with mock.patch.object(renderings.cache, "get") as cache_get:
        again = kept.get("rendering:a", render)

    assert first == again == ["html"]
    assert render.call_count == 1
    cache_get.assert_not_called()
