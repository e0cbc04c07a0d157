"""The topic page: who sees it, which posts they see, what it costs, and how it pages."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from projects.models import (
    Audience,
    PollOption,
    Post,
    Reaction,
    ResponseMode,
    TopicPage,
)
from tests.community.factories import UserFactory, consent_accept_all
from tests.conftest import dutch_url
from tests.projects.factories import (
    PostFactory,
    ProjectPageFactory,
    TopicPageFactory,
    invite_list,
    project_for_segments,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _parents_take_part(parent, other_parent, consent_documents):
    consent_accept_all(parent, other_parent)


def _topic(project_page, mode=ResponseMode.OPEN, **kwargs) -> TopicPage:
    return TopicPageFactory(parent=project_page, response_mode=mode, **kwargs)


def _bulk_posts(topic, count: int, authors) -> list[Post]:
    start = timezone.now() - datetime.timedelta(hours=2)
    posts = Post.objects.bulk_create(
        [
            Post(
                topic=topic,
                project_id=topic.get_parent().pk,
                author=authors[index % len(authors)],
                text=f"Antwoord {index}",
                body=f"<p>Antwoord {index}</p>",
                created_at=start + datetime.timedelta(seconds=index),
            )
            for index in range(count)
        ]
    )
    # auto_now_add ignores the value given; set the spread-out times afterwards.
    for index, post in enumerate(posts):
        post.created_at = start + datetime.timedelta(seconds=index)
    Post.objects.bulk_update(posts, ["created_at"])
    return posts


def test_anonymous_visitor_is_invited_to_log_in_on_the_topic_itself(client, topic_page):
    response = client.get(dutch_url(topic_page))

    assert response.status_code == HTTPStatus.OK
    assert f"/accounts/login/?next={dutch_url(topic_page)}" in response.content.decode()


def test_topic_outside_the_audience_does_not_exist_for_a_parent(client, parent, project_page):
    project_page.audience = Audience.SEGMENTS
    project_page.save_revision().publish()
    topic = _topic(project_page)
    client.force_login(parent)

    assert client.get(dutch_url(topic)).status_code == HTTPStatus.NOT_FOUND


def _count_queries(client, url: str, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(30) as captured:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(captured.captured_queries)


def test_topic_page_runs_the_same_queries_for_5_50_and_500_posts(
    client, parent, other_parent, project_page, django_assert_max_num_queries
):
    topic = _topic(project_page)
    client.force_login(parent)
    url = dutch_url(topic)
    client.get(url)  # the site, the route and the navigation are remembered after this
    rendering, from_cache = {}, {}
    made = 0
    for count in (5, 50, 500):
        posts = _bulk_posts(topic, count - made, [parent, other_parent])
        made = count
        # A new reply makes the thread render again on the next visit (projects.thread).
        PostFactory(parent=posts[0], author=other_parent, body="<p>Reactie</p>")
        Reaction.objects.bulk_create([Reaction(post=post, user=other_parent) for post in posts])
        rendering[count] = _count_queries(client, url, django_assert_max_num_queries)
        from_cache[count] = _count_queries(client, url, django_assert_max_num_queries)

    # Rendering: where the parent stands, the answers, their replies. Then nothing: the user
    # with their request state, the standing and the page come from the cache.
    assert rendering[5] == rendering[50] == rendering[500] == 3, rendering
    assert from_cache[5] == from_cache[50] == from_cache[500] == 0, from_cache


# The whole request, as a parent with a session, once the thread is rendered. The session and
# the user with their request state come from the cache (community.request_state); the site,
# the route to the page and its view restrictions are remembered (projects.routing); where
# the parent stands in the topic (their own posts and reactions), the thread and the page
# around it where they are shared come from the cache (projects.thread, projects.renderings).
TOPIC_PAGE_QUERIES = {
    ResponseMode.OPEN: 0,
    ResponseMode.ANSWER_FIRST: 0,
    ResponseMode.PRIVATE: 2,  # rendered for this parent alone: answers, replies
    ResponseMode.POLL: 1,  # the options with their votes and this parent's choice
}
SEGMENT_AUDIENCE_QUERIES = 2  # the project's segments with their rules; is the parent in one


@pytest.mark.parametrize("audience", [Audience.ALL, Audience.SEGMENTS])
@pytest.mark.parametrize("mode", list(ResponseMode))
def test_topic_page_needs_at_most_12_queries_in_every_mode_and_audience(
    client, parent, other_parent, project_index, mode, audience, django_assert_num_queries
):
    if audience == Audience.SEGMENTS:
        project = project_for_segments(project_index, [invite_list("Gasten", parent)])
    else:
        project = ProjectPageFactory(parent=project_index)
    if mode == ResponseMode.POLL:
        options = [PollOption(label=label, sort_order=number) for number, label in enumerate("ab")]
        topic = _topic(project, mode, poll_options=options, poll_comment=True)
    else:
        topic = _topic(project, mode)
    posts = _bulk_posts(topic, 60, [parent, other_parent])
    PostFactory(parent=posts[1], author=other_parent, body="<p>Reactie</p>")
    client.force_login(parent)
    url = dutch_url(topic)
    client.get(url)  # remembers the site and the route, renders the thread
    expected = TOPIC_PAGE_QUERIES[mode]
    if audience == Audience.SEGMENTS:
        expected += SEGMENT_AUDIENCE_QUERIES

    with django_assert_num_queries(expected):
        response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    # A page of 50 answers and the reply; in a private topic, the parent's own 30 answers.
    shown = 30 if mode == ResponseMode.PRIVATE else 51
    assert html.count('class="post ') + html.count('class="post"') == shown
    assert expected <= 12


def test_topic_thread_renders_without_queries(parent, other_parent, project_page):
    topic = _topic(project_page)
    posts = _bulk_posts(topic, 60, [parent, other_parent])
    PostFactory(parent=posts[1], author=other_parent, body="<p>Reactie</p>")
    request = RequestFactory().get(dutch_url(topic))
    request.user = type(parent).objects.with_request_state().get(pk=parent.pk)
    context = topic.get_context(request)
    # The site and the navigation are remembered from the first rendering on.
    render_to_string("projects/topic_page.html", context, request=request)

    with CaptureQueriesContext(connection) as captured:
        html = render_to_string("projects/topic_page.html", context, request=request)

    assert captured.captured_queries == []
    assert html.count('class="post ') + html.count('class="post"') == 51


# --- the researcher's preview, as a parent sees the topic --------------------------------


PREVIEW_NOTICE = (
    "Preview: this is how a parent who has not answered yet sees this topic. Answers of "
    "others are left out, and nothing can be sent from here."
)


def dutch(message: str) -> str:
    with translation.override("nl"):
        return translation.gettext(message)


def _topic_form_data(mode: str, labels=()) -> dict:
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    return nested_form_data(
        {
            "title": "Voorbeeldvraag",
            "slug": "voorbeeldvraag",
            "title_en": "",
            "question": rich_text("<p>Hoe ging de eerste nacht?</p>"),
            "question_en": rich_text(""),
            "response_mode": mode,
            "poll_options": inline_formset([{"label": label, "label_en": ""} for label in labels]),
        }
    )


def _preview(client, url: str, data: dict) -> str:
    assert client.post(url, data).json()["is_valid"]
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


@pytest.mark.parametrize(
    ("mode", "notice"),
    [
        (ResponseMode.OPEN, None),
        (
            ResponseMode.ANSWER_FIRST,
            "Others' answers appear after you post yours, so that everyone answers in their "
            "own words.",
        ),
        (ResponseMode.PRIVATE, "Only you and the research team see what you write here."),
        (ResponseMode.POLL, "Your vote is final. You see the results after voting."),
    ],
)
def test_researcher_previews_a_new_topic_as_a_parent_sees_it(
    client_for_role, project_page, mode, notice
):
    client = client_for_role("researcher")
    url = reverse(
        "wagtailadmin_pages:preview_on_add", args=("projects", "topicpage", project_page.pk)
    )

    html = _preview(client, url, _topic_form_data(mode, ["Goed", "Slecht"]))

    assert "Hoe ging de eerste nacht?" in html
    assert dutch(PREVIEW_NOTICE) in html
    assert "<fieldset disabled>" in html
    if notice:
        assert dutch(notice) in html
    if mode == ResponseMode.POLL:
        assert "Goed" in html and "Slecht" in html
    else:
        assert 'name="text"' in html  # the answer box, as a parent sees it
    # The read-only notices are for closed projects and expired topics, not for a draft.
    for closed in (
        "This topic is closed. You can still read everything, but no longer post or react.",
        "This project is closed. You can still read everything, but no longer post or react.",
    ):
        assert dutch(closed) not in html


def test_preview_of_a_live_topic_leaves_other_parents_answers_out(
    client_for_role, project_page, other_parent
):
    topic = _topic(project_page)
    _bulk_posts(topic, 3, [other_parent])
    client = client_for_role("researcher")
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[topic.pk])
    data = _topic_form_data(ResponseMode.OPEN)
    data["slug"] = topic.slug

    html = _preview(client, url, data)

    assert "Antwoord 0" not in html
    assert dutch("No answers yet.") in html


def test_thread_shows_each_reader_the_actions_that_are_theirs(
    client, parent, other_parent, project_page
):
    topic = _topic(project_page)
    post = PostFactory(topic=topic, author=parent, body="<p>Mijn verhaal</p>")
    third = UserFactory(pseudonym="Derde ouder")
    consent_accept_all(third)
    Reaction.objects.bulk_create(
        [Reaction(post=post, user=other_parent), Reaction(post=post, user=third)]
    )
    url = dutch_url(topic)
    with translation.override("nl"):
        recognised = translation.ngettext(
            "%(count)s parent recognises this", "%(count)s parents recognise this", 2
        ) % {"count": 2}
        report, recognise, edit = (
            translation.gettext(word) for word in ("Report", "I recognise this", "Edit")
        )

    client.force_login(parent)
    own = client.get(url).content.decode()
    client.force_login(other_parent)
    others = client.get(url).content.decode()

    assert recognised in own and report not in own and edit in own
    assert recognise not in own  # no reacting to one's own post
    assert recognise in others and report in others and edit not in others
    with translation.override("nl"):
        react_url, flag_url = (
            reverse(name, args=[post.pk]) for name in ("post_react", "post_flag")
        )
    assert f'action="{react_url}"' in others and f'href="{flag_url}"' in others


def test_answer_box_is_in_the_readers_language_and_keeps_what_was_typed(client, parent, topic_page):
    client.force_login(parent)
    dutch = client.get(dutch_url(topic_page)).content.decode()
    english = client.get(f"/en{dutch_url(topic_page)}").content.decode()
    refused = client.post(reverse("post_answer", args=[topic_page.pk]), {"text": "x"})

    assert '<label for="id_answer_text">Je tekst' in dutch
    assert '<label for="id_answer_text">Your text' in english
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert re.search(r'id="id_answer_text"[^>]*>\s*x</textarea>', refused.content.decode())
