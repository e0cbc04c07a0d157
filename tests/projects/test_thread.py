"""The topic page's thread, rendered once for the members who read the same posts
(projects.thread): each reader still gets their own actions, and no reader ever gets what
they may not see, whatever is in the cache."""

import datetime
import re
from http import HTTPStatus
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from community.services.pseudonyms import member_pseudonym_set
from projects import thread
from projects.models import Post, PostStatus, ResponseMode
from projects.services.moderation import moderation_decide
from projects.services.posts import post_create, post_edit, reaction_toggle
from tests.community.factories import consent_accept_all
from tests.conftest import dutch_url, login_with_two_factor
from tests.projects.factories import TopicPageFactory, post_write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _parents_take_part(parent, other_parent, third_parent, consent_documents):
    consent_accept_all(parent, other_parent)


@pytest.fixture
def renders():
    """Counts the thread renderings (a shared rendering served from the cache counts none)."""
    with mock.patch.object(thread, "_render", wraps=thread._render) as spy:
        yield spy


def nl(message: str) -> str:
    with translation.override("nl"):
        return translation.gettext(message)


def page_of(client: Client, user, topic) -> str:
    client.force_login(user)
    response = client.get(dutch_url(topic))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def footer_of(html: str, post: Post) -> str:
    """The actions under one post."""
    match = re.search(
        rf'id="post-{post.pk}".*?<footer class="post__actions">(.*?)</footer>', html, re.S
    )
    assert match, f"post {post.pk} is not on the page"
    return match.group(1)


def test_members_share_one_rendering_and_each_gets_their_own_actions(
    client, parent, other_parent, third_parent, topic_page, renders
):
    own = post_write(topic_page, parent, "Mijn verhaal")
    reaction_toggle(user=other_parent, post=own)
    edit_url = reverse("post_edit", args=[own.pk])
    flag_url = reverse("post_flag", args=[own.pk])

    as_author = page_of(client, parent, topic_page)
    as_reactor = page_of(client, other_parent, topic_page)
    as_third = page_of(client, third_parent, topic_page)

    assert renders.call_count == 1
    assert edit_url in footer_of(as_author, own) and flag_url not in footer_of(as_author, own)
    assert 'aria-pressed="true"' in footer_of(as_reactor, own)
    assert flag_url in footer_of(as_reactor, own) and edit_url not in footer_of(as_reactor, own)
    assert 'aria-pressed="false"' in footer_of(as_third, own)
    assert '<span class="post__count">1</span>' in footer_of(as_third, own)


@pytest.mark.parametrize(
    "change",
    ["new post", "edit", "hide", "reaction", "pseudonym"],
)
def test_a_change_shows_on_the_next_visit(
    client, parent, other_parent, moderator, topic_page, change
):
    post = post_write(topic_page, other_parent, "Eerste versie")
    page_of(client, parent, topic_page)  # rendered and kept

    if change == "new post":
        post_create(author=other_parent, topic=topic_page, text="Een nieuw antwoord")
        expected, gone = "Een nieuw antwoord", None
    elif change == "edit":
        post_edit(user=other_parent, post=post, text="Tweede versie")
        expected, gone = "Tweede versie", "Eerste versie"
    elif change == "hide":
        moderation_decide(moderator=moderator, post=post, action="hide", reason="Huisregels")
        expected, gone = None, "Eerste versie"
    elif change == "reaction":
        reaction_toggle(user=parent, post=post)
        expected, gone = '<span class="post__count">1</span>', None
    else:
        member_pseudonym_set(user=other_parent, pseudonym="Nieuwe naam")
        expected, gone = "Nieuwe naam", None

    html = page_of(client, parent, topic_page)

    if expected:
        assert expected in html
    if gone:
        assert gone not in html


def test_a_bulk_change_without_signals_is_forgotten_through_the_service_hooks(
    client, parent, other_parent, topic_page
):
    post = post_write(topic_page, other_parent, "Blijft staan")
    page_of(client, parent, topic_page)

    # What an erased account leaves: an update, which sends no signal (posts_erase).
    Post.objects.filter(pk=post.pk).update(body="", removed_at=timezone.now())
    thread.thread_authors_changed()

    assert "Blijft staan" not in page_of(client, parent, topic_page)


def test_own_post_waiting_for_a_moderator_is_shown_to_its_author_only(
    client, parent, other_parent, topic_page, renders
):
    post_write(topic_page, other_parent, "Gepubliceerd")
    page_of(client, other_parent, topic_page)  # the shared rendering is kept
    waiting = post_write(topic_page, parent, "Wacht op een moderator", status=PostStatus.PENDING)

    as_author = page_of(client, parent, topic_page)
    as_other = page_of(client, other_parent, topic_page)

    assert "Wacht op een moderator" in as_author and "Gepubliceerd" in as_author
    assert f'id="post-{waiting.pk}"' not in as_other
    assert "Wacht op een moderator" not in as_other
    # The author's page is theirs alone; the shared one was rendered again after the new post.
    assert renders.call_count == 3


def test_staff_read_hidden_posts_that_members_never_get(
    client, parent, other_parent, moderator, topic_page
):
    post = post_write(topic_page, other_parent, "Verborgen tekst")
    moderation_decide(moderator=moderator, post=post, action="hide", reason="Huisregels")
    page_of(client, parent, topic_page)  # the members' rendering, without the hidden post

    login_with_two_factor(client, moderator)
    as_moderator = client.get(dutch_url(topic_page)).content.decode()

    assert "Verborgen tekst" in as_moderator
    assert "Verborgen tekst" not in page_of(client, parent, topic_page)


@pytest.mark.parametrize("mode", [ResponseMode.ANSWER_FIRST, ResponseMode.PRIVATE])
def test_a_reader_who_may_not_see_others_never_gets_the_shared_rendering(
    client, parent, other_parent, third_parent, project_page, mode
):
    topic = TopicPageFactory(parent=project_page, response_mode=mode)
    post_write(topic, other_parent, "Antwoord van een ander")
    post_write(topic, third_parent, "Antwoord van een derde")
    # Both have answered: in an answer-first topic they read each other.
    page_of(client, other_parent, topic)

    html = page_of(client, parent, topic)

    assert "Antwoord van een ander" not in html
    assert "Antwoord van een derde" not in html


def test_forms_of_the_shared_rendering_carry_the_readers_own_token(
    parent, other_parent, third_parent, topic_page
):
    post = post_write(topic_page, other_parent, "Herkenbaar?")
    page_of(Client(), third_parent, topic_page)  # rendered for (and kept by) someone else
    client = Client(enforce_csrf_checks=True)

    html = page_of(client, parent, topic_page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', footer_of(html, post))[1]
    response = client.post(reverse("post_react", args=[post.pk]), {"csrfmiddlewaretoken": token})

    assert response.status_code == HTTPStatus.FOUND
    assert post.reactions.filter(user=parent).exists()
    assert "\x00" not in html


def test_english_readers_get_an_english_rendering(client, parent, other_parent, topic_page):
    post = post_write(topic_page, other_parent, "Tekst")
    page_of(client, parent, topic_page)  # the Dutch rendering is kept

    client.force_login(parent)
    with translation.override("en"):
        url = topic_page.url  # /en/…
        english = client.get(url).content.decode()

    assert "I recognise this" in footer_of(english, post)
    assert nl("I recognise this") not in footer_of(english, post)


def test_expired_topic_is_read_only_even_with_a_writable_rendering_kept(
    client, parent, other_parent, topic_page
):
    topic_page.expire_at = timezone.now() + datetime.timedelta(hours=1)
    topic_page.save()
    post = post_write(topic_page, other_parent, "Tekst")
    react_url = reverse("post_react", args=[post.pk])
    reply_url = reverse("post_reply", args=[post.pk])
    assert react_url in page_of(client, parent, topic_page)  # rendered and kept, writable

    # The expiry time passes; Wagtail has not unpublished the topic yet.
    later = timezone.now() + datetime.timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        closed = page_of(client, parent, topic_page)

    assert react_url not in closed and reply_url not in closed
    notice = "This topic is closed. You can still read everything, but no longer post or react."
    assert nl(notice) in closed


def test_edit_link_goes_when_the_edit_window_closes_even_from_the_cache(client, parent, topic_page):
    post = post_write(topic_page, parent, "Mijn tekst")
    edit_url = reverse("post_edit", args=[post.pk])
    assert edit_url in footer_of(page_of(client, parent, topic_page), post)

    later = timezone.now() + datetime.timedelta(minutes=31)
    with mock.patch("projects.thread.timezone.now", return_value=later):
        html = page_of(client, parent, topic_page)

    assert edit_url not in footer_of(html, post)


def test_standing_tells_answered_waiting_and_reactions_in_one_query(
    parent, other_parent, project_page, django_assert_num_queries
):
    topic = TopicPageFactory(parent=project_page, response_mode=ResponseMode.ANSWER_FIRST)
    others = post_write(topic, other_parent, "Van een ander")
    reply = post_write(topic, parent, "Een reactie", parent=others)
    others.reactions.create(user=parent)

    with django_assert_num_queries(1):
        before = Post.objects.standing_of(parent, topic)
    post_write(topic, parent, "Mijn antwoord", status=PostStatus.PENDING)
    after = Post.objects.standing_of(parent, topic)

    assert (before.answered, before.all_published, before.reacted) == (False, True, {others.pk})
    assert (after.answered, after.all_published) == (True, False)
    assert reply.pk not in after.reacted


def test_a_rendering_served_again_comes_from_the_process_not_the_cache(
    client, parent, other_parent, topic_page
):
    post_write(topic_page, other_parent, "Tekst")
    page_of(client, parent, topic_page)
    page_of(client, other_parent, topic_page)  # renders nothing: kept after the first visit

    with mock.patch.object(cache, "get", wraps=cache.get) as cache_get:
        html = page_of(client, parent, topic_page)

    assert "Tekst" in html
    assert not [
        call for call in cache_get.call_args_list if str(call.args[0]).startswith("thread:")
    ]
