"""Who may do what on a topic page: every posting view over the roles, and what each
response mode lets a parent see (in the page HTML and in notifications)."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from community.models import Notification
from projects.models import Post, ResponseMode
from projects.services.posts import post_create, probe_create
from tests.community.factories import consent_accept_all
from tests.conftest import ROLES, dutch_url
from tests.projects.factories import TopicPageFactory

pytestmark = pytest.mark.django_db

STAFF = {"moderator", "researcher", "admin"}


@pytest.fixture(autouse=True)
def _parents_take_part(parent, other_parent, consent_documents):
    consent_accept_all(parent, other_parent)


@pytest.fixture
def answer(parent, topic_page):
    return post_create(author=parent, topic=topic_page, text="Het antwoord van de ouder")


def _topic(project_page, mode):
    return TopicPageFactory(parent=project_page, response_mode=mode)


def english_url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def _is_login_redirect(response) -> bool:
    return response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_topic_page_matrix(client_for_role, role, topic_page, answer):
    response = client_for_role(role).get(dutch_url(topic_page))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    if role == "anonymous":  # the project's summary and an invitation, no post, no author
        assert "/accounts/login/?next=" in html
        assert "Het antwoord van de ouder" not in html
        assert answer.author.pseudonym not in html
    else:
        assert "Het antwoord van de ouder" in html


@pytest.mark.parametrize("role", ROLES)
def test_answer_matrix(client_for_role, role, topic_page):
    response = client_for_role(role).post(
        reverse("post_answer", args=[topic_page.pk]), {"text": "Mijn antwoord"}
    )

    if role == "anonymous":
        assert _is_login_redirect(response)
        assert not Post.objects.exists()
    else:
        post = Post.objects.get()
        assert response["Location"].endswith(f"#post-{post.pk}")
        assert bool(post.author_role) == (role in STAFF)


@pytest.mark.parametrize("role", ROLES)
def test_reply_matrix(client_for_role, role, answer):
    response = client_for_role(role).post(
        reverse("post_reply", args=[answer.pk]), {"text": "Mijn reactie"}
    )

    if role == "anonymous":
        assert _is_login_redirect(response)
    else:
        reply = Post.objects.get(parent=answer)
        assert response["Location"].endswith(f"#post-{reply.pk}")


@pytest.mark.parametrize("role", ROLES)
def test_probe_matrix(client_for_role, role, answer):
    response = client_for_role(role).post(
        reverse("post_probe", args=[answer.pk]), {"text": "Kan je meer vertellen?"}
    )

    if role == "anonymous":
        assert _is_login_redirect(response)
    elif role in STAFF:
        assert response.status_code == HTTPStatus.FOUND
        assert Post.objects.get(parent=answer).is_probe
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert not Post.objects.filter(parent=answer).exists()


@pytest.mark.parametrize("view", ["post_edit", "post_delete"])
@pytest.mark.parametrize("role", ROLES)
def test_edit_and_delete_matrix(client_for_role, role, view, answer):
    response = client_for_role(role).get(reverse(view, args=[answer.pk]))

    if role == "anonymous":
        assert _is_login_redirect(response)
    elif role == "parent":
        assert response.status_code == HTTPStatus.OK
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("role", ROLES)
def test_react_matrix(client_for_role, role, answer):
    response = client_for_role(role).post(reverse("post_react", args=[answer.pk]))

    if role == "anonymous":
        assert _is_login_redirect(response)
    elif role == "other_parent":
        assert response.status_code == HTTPStatus.FOUND
        assert answer.reactions.count() == 1
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert answer.reactions.count() == 0


def test_author_edits_through_the_form_and_sees_the_edited_mark(client, parent, answer):
    client.force_login(parent)

    response = client.post(reverse("post_edit", args=[answer.pk]), {"text": "Beter gezegd"})
    page = client.get(response["Location"].split("#")[0]).content.decode()

    assert "Beter gezegd" in page
    assert '<span class="post__edited">' in page


def test_delete_confirmation_then_post_shows_removed_by_the_author(
    client, parent, other_parent, answer, topic_page
):
    post_create(author=other_parent, topic=topic_page, text="Een reactie", parent=answer)
    client.force_login(parent)

    assert client.get(reverse("post_delete", args=[answer.pk])).status_code == HTTPStatus.OK
    client.post(reverse("post_delete", args=[answer.pk]))
    page = client.get(dutch_url(topic_page)).content.decode()

    assert "Het antwoord van de ouder" not in page
    assert "Removed by the author." in page or "Verwijderd door de auteur." in page
    assert "Een reactie" in page


# --- response modes: a parent never sees what they may not ---


def test_answer_first_hides_others_until_the_parent_has_answered(
    client, parent, other_parent, project_page
):
    topic = _topic(project_page, ResponseMode.ANSWER_FIRST)
    post_create(author=other_parent, topic=topic, text="Het eerste antwoord")
    client.force_login(parent)

    before = client.get(dutch_url(topic)).content.decode()
    assert "Het eerste antwoord" not in before
    assert 'class="post-editor"' in before
    assert "answer-first" not in before  # the notice is text, not a debugging marker
    assert (
        client.post(
            reverse("post_reply", args=[Post.objects.get().pk]), {"text": "Stiekem"}
        ).status_code
        == HTTPStatus.NOT_FOUND
    )

    client.post(reverse("post_answer", args=[topic.pk]), {"text": "Mijn eigen antwoord"})
    after = client.get(dutch_url(topic)).content.decode()
    assert "Het eerste antwoord" in after
    assert "Mijn eigen antwoord" in after


def test_answer_first_notice_is_shown_before_answering(client, parent, project_page):
    topic = _topic(project_page, ResponseMode.ANSWER_FIRST)
    client.force_login(parent)

    html = client.get(f"/en{dutch_url(topic)}").content.decode()

    assert "Others' answers appear after you post yours" in html


def test_private_topic_shows_a_parent_only_their_own_posts_and_the_staff_replies_to_them(
    client, parent, other_parent, researcher, project_page
):
    topic = _topic(project_page, ResponseMode.PRIVATE)
    mine = post_create(author=parent, topic=topic, text="Mijn dagboek")
    theirs = post_create(author=other_parent, topic=topic, text="Het dagboek van een ander")
    probe_create(author=researcher, post=mine, text="Vraag aan mij")
    probe_create(author=researcher, post=theirs, text="Vraag aan de ander")
    client.force_login(parent)

    html = client.get(dutch_url(topic)).content.decode()

    assert "Mijn dagboek" in html and "Vraag aan mij" in html
    assert "Het dagboek van een ander" not in html
    assert "Vraag aan de ander" not in html
    for path in (
        reverse("post_reply", args=[theirs.pk]),
        reverse("post_react", args=[theirs.pk]),
        reverse("post_edit", args=[theirs.pk]),
    ):
        assert client.post(path, {"text": "Hallo"}).status_code == HTTPStatus.NOT_FOUND
    notified = Notification.objects.filter(recipient=parent).values_list("url", flat=True)
    assert all(f"#post-{theirs.pk}" not in url for url in notified)


def test_researcher_reads_every_private_answer(client_for_role, parent, other_parent, project_page):
    topic = _topic(project_page, ResponseMode.PRIVATE)
    post_create(author=parent, topic=topic, text="Dagboek een")
    post_create(author=other_parent, topic=topic, text="Dagboek twee")

    html = client_for_role("researcher").get(dutch_url(topic)).content.decode()

    assert "Dagboek een" in html and "Dagboek twee" in html


# --- read-only topics, bad input, pagination ---


def test_closed_project_is_read_only_with_a_notice(client, parent, project_page, topic_page):
    post_create(author=parent, topic=topic_page, text="Van toen het open was")
    project_page.start_date = timezone.localdate() - datetime.timedelta(days=30)
    project_page.end_date = timezone.localdate() - datetime.timedelta(days=1)
    project_page.save_revision().publish()
    client.force_login(parent)

    html = client.get(dutch_url(topic_page)).content.decode()
    response = client.post(reverse("post_answer", args=[topic_page.pk]), {"text": "Te laat"})

    assert "Van toen het open was" in html
    assert "post-editor" not in html
    assert "topic__notice" in html
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_expired_topic_is_read_only_with_a_notice(client, parent, topic_page):
    topic_page.expire_at = timezone.now() - datetime.timedelta(minutes=1)
    topic_page.save(update_fields=["expire_at"])
    client.force_login(parent)

    html = client.get(dutch_url(topic_page)).content.decode()

    assert "post-editor" not in html
    assert "topic__notice" in html


def test_too_short_answer_shows_the_message_at_the_field_and_keeps_the_text(
    client, parent, topic_page
):
    client.force_login(parent)

    response = client.post(english_url("post_answer", topic_page.pk), {"text": " x "})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert re.search(r'class="field field--error".*Write at least 2 characters', html, re.S)
    assert "> x </textarea>" in html or ">\n x </textarea>" in html


def test_new_member_over_the_limit_keeps_the_text(client, parent, topic_page):
    client.force_login(parent)
    for number in range(10):
        post_create(author=parent, topic=topic_page, text=f"Bericht {number}")

    response = client.post(
        english_url("post_answer", topic_page.pk), {"text": "Mijn elfde bericht"}
    )

    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "10 times a day" in html
    assert "Mijn elfde bericht</textarea>" in html


def test_bad_reply_reopens_the_reply_form_with_the_message(client, other_parent, answer):
    client.force_login(other_parent)

    response = client.post(english_url("post_reply", answer.pk), {"text": ""})

    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert '<details class="post__reply" open>' in html
    assert "Write your text first." in html


def test_personal_data_post_tells_the_author_why_it_waits(client, parent, topic_page):
    client.force_login(parent)

    response = client.post(
        english_url("post_answer", topic_page.pk),
        {"text": "Bel me op +32 470 12 34 56"},
        follow=True,
    )

    assert "e-mail address or phone number" in response.content.decode()


def test_long_threads_page_by_cursor_fifty_at_a_time(client, parent, topic_page):
    start = timezone.now() - datetime.timedelta(hours=3)
    posts = Post.objects.bulk_create(
        [
            Post(topic=topic_page, author=parent, text=f"n{i}", body=f"<p>Nummer-{i}-</p>")
            for i in range(120)
        ]
    )
    for index, post in enumerate(posts):
        post.created_at = start + datetime.timedelta(seconds=index // 2)  # ties on time
    Post.objects.bulk_update(posts, ["created_at"])
    client.force_login(parent)

    seen: list[str] = []
    url = dutch_url(topic_page)
    for _page in range(3):
        html = client.get(url).content.decode()
        seen += re.findall(r"Nummer-(\d+)-", html)
        next_link = re.search(r'href="(\?after=[^"]+)" rel="next"', html)
        if not next_link:
            break
        url = dutch_url(topic_page) + next_link.group(1).replace("&amp;", "&")

    assert seen == [str(i) for i in range(120)]
    assert next_link is None


def test_each_post_shows_its_author_badges_marks_and_report_link(
    client, parent, other_parent, researcher, topic_page
):
    answer = post_create(author=other_parent, topic=topic_page, text="Het antwoord")
    probe_create(author=researcher, post=answer, text="Een vervolgvraag")
    gone = post_create(author=other_parent, topic=topic_page, text="Van een vertrokken lid")
    Post.objects.filter(pk=gone.pk).update(author=None)
    client.force_login(parent)

    html = client.get(f"/en{dutch_url(topic_page)}").content.decode()

    assert other_parent.pseudonym in html
    assert '<span class="post__badge">Researcher</span>' in html
    assert "post__badge--probe" in html
    assert "Former member" in html
    assert reverse("post_flag", args=[answer.pk]).split("/", 2)[-1] in html
    assert 'aria-pressed="false"' in html


def test_after_posting_the_topic_page_says_thank_you_once(client_for_role, topic_page):
    client = client_for_role("parent")

    response = client.post(
        reverse("post_answer", args=[topic_page.pk]), {"text": "Mijn antwoord"}, follow=True
    )

    with translation.override("nl"):
        thanks = translation.gettext("Thank you, your post is online.")
    assert response.content.decode().count(thanks) == 1
