"""One submit, one write: the one-time key of the answer, reply, follow-up and poll forms, the
idempotent reaction and flag forms, and all of them when the same request comes many times at
once."""

import re
import uuid
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import translation

from community.models import Notification, NotificationKind
from projects.models import Flag, FlagReason, PollOption, Post, PostStatus, ResponseMode
from projects.services.posts import post_create, probe_create
from tests.community.factories import consent_accept_all
from tests.conftest import dutch_url
from tests.projects.factories import TopicPageFactory, post_write

pytestmark = pytest.mark.django_db

KEY_INPUT = re.compile(r'name="submission_key" value="([^"]*)"')
THANK_YOU = "Thank you, your post is online."


@pytest.fixture(autouse=True)
def _parents_take_part(parent, other_parent, consent_documents):
    consent_accept_all(parent, other_parent)


def nl(message: str) -> str:
    with translation.override("nl"):
        return translation.gettext(message)


def answer_url(topic) -> str:
    return reverse("post_answer", args=[topic.pk])


def keys_in(html: str) -> list[str]:
    return KEY_INPUT.findall(html)


def messages_of(response: HttpResponse) -> list[str]:
    """The messages a request left for the next page (each from a client of its own)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def messages_shown(response: HttpResponse) -> list[str]:
    """The messages on the page a followed redirect ended on (and so used up)."""
    return [str(message) for message in response.context["messages"]]


def poll_topic(project_page):
    return TopicPageFactory(
        parent=project_page,
        title="Peiling",
        response_mode=ResponseMode.POLL,
        poll_comment=True,
        poll_options=[PollOption(label=label, sort_order=n) for n, label in enumerate("AB")],
    )


# --- the key on the page ---


def test_every_visit_and_every_form_gets_its_own_key_also_from_a_kept_page(
    client, parent, other_parent, topic_page
):
    post_write(topic_page, other_parent, "Een antwoord om op te reageren")
    post_write(topic_page, other_parent, "Nog een antwoord")
    client.force_login(parent)

    first = client.get(dutch_url(topic_page)).content.decode()
    second = client.get(dutch_url(topic_page)).content.decode()  # the kept page and thread

    keys = keys_in(first) + keys_in(second)
    assert len(keys_in(first)) == 3  # the answer box and two reply boxes
    assert len(set(keys)) == len(keys)
    assert all(uuid.UUID(key) for key in keys)
    assert "\x00" not in first + second


def test_the_poll_form_carries_a_key(client, parent, project_page):
    client.force_login(parent)
    html = client.get(dutch_url(poll_topic(project_page))).content.decode()
    assert [uuid.UUID(key) for key in keys_in(html)]


# --- answers, replies, follow-up questions ---


def test_the_same_answer_sent_twice_makes_one_post_and_the_same_page(client, parent, topic_page):
    client.force_login(parent)
    sent = {"text": "Mijn antwoord", "submission_key": str(uuid.uuid4())}

    first, second = (client.post(answer_url(topic_page), sent, follow=True) for _ in "12")

    post = Post.objects.get()
    assert post.submission_key == uuid.UUID(sent["submission_key"])
    assert first.redirect_chain == second.redirect_chain
    assert first.redirect_chain == [(f"{dutch_url(topic_page)}#post-{post.pk}", HTTPStatus.FOUND)]
    assert messages_shown(first) == messages_shown(second) == [nl(THANK_YOU)]


def test_a_form_error_keeps_the_key_and_the_text_so_the_corrected_resubmit_counts_once(
    client, parent, topic_page
):
    client.force_login(parent)
    key = str(uuid.uuid4())

    refused = client.post(answer_url(topic_page), {"text": "**x**", "submission_key": key})

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    html = refused.content.decode()
    assert key in keys_in(html)
    assert "**x**</textarea>" in html  # one visible character: too short
    for _ in range(2):
        client.post(answer_url(topic_page), {"text": "Nu wat langer", "submission_key": key})
    assert Post.objects.count() == 1


@pytest.mark.parametrize("sent_key", [None, "", "geen-sleutel", "12345"])
def test_a_missing_or_malformed_key_is_a_new_submission(client, parent, topic_page, sent_key):
    client.force_login(parent)
    sent = {"text": "Van een oude pagina"}
    if sent_key is not None:
        sent["submission_key"] = sent_key

    responses = [client.post(answer_url(topic_page), sent) for _ in range(2)]

    # As before keys existed: each submit is a post of its own, never an error.
    assert [response.status_code for response in responses] == [HTTPStatus.FOUND] * 2
    assert Post.objects.count() == 2
    assert all(post.submission_key for post in Post.objects.all())


def test_a_refused_form_with_a_malformed_key_comes_back_with_a_valid_one(
    client, parent, topic_page
):
    client.force_login(parent)

    response = client.post(answer_url(topic_page), {"text": "", "submission_key": "kapot"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert uuid.UUID(keys_in(response.content.decode())[0])


def test_a_key_another_member_used_makes_a_post_of_ones_own(
    client, parent, other_parent, topic_page
):
    key = uuid.uuid4()
    theirs = post_create(
        author=other_parent, topic=topic_page, text="Hun antwoord", submission_key=key
    )
    client.force_login(parent)

    response = client.post(
        answer_url(topic_page), {"text": "Mijn eigen antwoord", "submission_key": str(key)}
    )

    mine = Post.objects.get(author=parent)
    assert mine.text == "Mijn eigen antwoord" and mine.submission_key == key
    assert response["Location"].endswith(f"#post-{mine.pk}")
    assert f"post-{theirs.pk}" not in response["Location"]


def test_a_key_from_another_topic_makes_a_new_post_without_it(parent, project_page, topic_page):
    key = uuid.uuid4()
    elsewhere = TopicPageFactory(parent=project_page, title="Elders")
    post_create(author=parent, topic=elsewhere, text="Daar geschreven", submission_key=key)

    here = post_create(author=parent, topic=topic_page, text="Hier geschreven", submission_key=key)

    assert here.topic_id == topic_page.pk and here.submission_key is None
    assert Post.objects.count() == 2


def test_a_reply_sent_twice_is_one_reply_and_one_notification(
    client, parent, other_parent, topic_page
):
    answer = post_create(author=other_parent, topic=topic_page, text="Het antwoord")
    client.force_login(parent)
    sent = {"text": "Mijn reactie", "submission_key": str(uuid.uuid4())}

    locations = {
        client.post(reverse("post_reply", args=[answer.pk]), sent)["Location"] for _ in "12"
    }

    reply = Post.objects.get(parent=answer)
    assert locations == {f"{dutch_url(topic_page)}#post-{reply.pk}"}
    assert Notification.objects.filter(kind=NotificationKind.REPLY).count() == 1


def test_a_follow_up_question_sent_twice_is_asked_once(parent, researcher, topic_page):
    answer = post_create(author=parent, topic=topic_page, text="Het antwoord")
    key = uuid.uuid4()

    probes = [
        probe_create(author=researcher, post=answer, text="Vertel meer?", submission_key=key)
        for _ in range(2)
    ]

    assert probes[0].pk == probes[1].pk
    assert Post.objects.filter(is_probe=True).count() == 1
    assert Notification.objects.filter(kind=NotificationKind.PROBE).count() == 1


def test_a_post_held_for_personal_data_sent_twice_is_held_once_with_the_same_warning(
    client, parent, topic_page
):
    client.force_login(parent)
    sent = {"text": "Mail me: an@example.org", "submission_key": str(uuid.uuid4())}

    warnings = [
        messages_shown(client.post(answer_url(topic_page), sent, follow=True)) for _ in "12"
    ]

    assert Post.objects.get().status == PostStatus.PENDING
    assert warnings[0] == warnings[1] and len(warnings[0]) == 1


def test_a_resubmit_does_not_count_against_the_new_member_limit(parent, topic_page):
    for number in range(9):
        post_create(author=parent, topic=topic_page, text=f"Bericht {number}")
    key = uuid.uuid4()

    tenth = post_create(author=parent, topic=topic_page, text="Het tiende", submission_key=key)
    again = post_create(author=parent, topic=topic_page, text="Het tiende", submission_key=key)

    assert again.pk == tenth.pk
    assert Post.objects.count() == 10


def test_a_resubmit_reads_the_earlier_post_and_writes_nothing(
    parent, topic_page, django_assert_num_queries
):
    key = uuid.uuid4()
    post_create(author=parent, topic=topic_page, text="Eenmaal", submission_key=key)
    # The service's savepoint and its release, around one read.
    with django_assert_num_queries(3):
        post_create(author=parent, topic=topic_page, text="Eenmaal", submission_key=key)


# --- reactions ---


def react(client: Client, post: Post, on: str | None = None) -> HttpResponse:
    return client.post(reverse("post_react", args=[post.pk]), {} if on is None else {"on": on})


def test_the_reaction_form_asks_for_the_state_it_wants(client, parent, other_parent, topic_page):
    post = post_write(topic_page, other_parent, "Herkenbaar?")
    client.force_login(parent)
    assert 'name="on" value="1"' in client.get(dutch_url(topic_page)).content.decode()

    react(client, post, "1")

    assert 'name="on" value="0"' in client.get(dutch_url(topic_page)).content.decode()


def test_a_double_click_on_the_reaction_leaves_the_state_asked_for(
    client, parent, other_parent, topic_page
):
    post = post_write(topic_page, other_parent, "Herkenbaar?")
    client.force_login(parent)

    assert {react(client, post, "1").status_code for _ in "12"} == {HTTPStatus.FOUND}
    assert post.reactions.count() == 1
    react(client, post, "0")
    react(client, post, "0")
    assert post.reactions.count() == 0


def test_a_reaction_form_without_a_state_still_toggles(client, parent, other_parent, topic_page):
    post = post_write(topic_page, other_parent, "Herkenbaar?")
    client.force_login(parent)

    react(client, post)
    assert post.reactions.count() == 1
    react(client, post, "misschien")
    assert post.reactions.count() == 0


# --- flags ---


def test_the_same_report_sent_twice_is_one_flag_and_the_same_thank_you(
    client, parent, other_parent, topic_page
):
    post = post_write(topic_page, other_parent, "Reclame")
    client.force_login(parent)
    sent = {"reason": FlagReason.SPAM}

    answers = [client.post(reverse("post_flag", args=[post.pk]), sent, follow=True) for _ in "12"]

    assert Flag.objects.count() == 1
    assert answers[0].redirect_chain == answers[1].redirect_chain
    thanks = nl("Thank you. A moderator will look at this post soon.")
    assert messages_shown(answers[0]) == messages_shown(answers[1]) == [thanks]


# --- polls ---


def test_a_poll_comment_is_stored_with_the_forms_key(client, parent, project_page):
    topic = poll_topic(project_page)
    key = str(uuid.uuid4())
    client.force_login(parent)

    client.post(
        reverse("poll_vote", args=[topic.pk]),
        {
            "options": str(topic.poll_options.first().pk),
            "comment": "Mijn uitleg",
            "submission_key": key,
        },
    )

    assert Post.objects.get().submission_key == uuid.UUID(key)
