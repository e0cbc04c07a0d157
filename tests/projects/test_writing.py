"""Writing on a topic, as the page sends it (post_editor.js enhances it; see
tests/browser/test_writing.py): the limit under every text box as plain text tied to the box,
one formatting toolbar per page, the reply box inside its post's card; and a project page
that lists its topics before its long introduction."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Post
from projects.services.posts import post_create
from tests.community.factories import consent_accept_all
from tests.conftest import dutch_url
from tests.projects.factories import ProjectPageFactory, TopicPageFactory

pytestmark = pytest.mark.django_db

COUNT_LINE = re.compile(
    r'<p class="post-editor__count" id="(?P<id>[^"]+)" data-max="5000">(?P<text>[^<]+)</p>'
)


@pytest.fixture(autouse=True)
def _parents_take_part(parent, other_parent, consent_documents):
    consent_accept_all(parent, other_parent)


@pytest.fixture
def answer(other_parent, topic_page) -> Post:
    return post_create(author=other_parent, topic=topic_page, text="Wij sliepen amper.")


def english_page(client, user, page) -> str:
    client.force_login(user)
    response = client.get(f"/en{dutch_url(page)}")
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def described_by(html: str, field_id: str) -> list[str]:
    textarea = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>', html).group()
    return re.search(r'aria-describedby="([^"]+)"', textarea).group(1).split()


# ---------- the limit ----------


def test_the_answer_box_gives_the_limit_as_plain_text_tied_to_the_box(client, parent, topic_page):
    html = english_page(client, parent, topic_page)

    counts = {match["id"]: match["text"] for match in COUNT_LINE.finditer(html)}
    assert counts["id_answer_text_count"] == "At most 5,000 characters."
    assert described_by(html, "id_answer_text") == [
        "id_answer_text_helptext",
        "id_answer_text_count",
    ]


def test_the_limit_is_written_as_dutch_writes_numbers(client, parent, topic_page):
    client.force_login(parent)

    html = client.get(dutch_url(topic_page)).content.decode()

    count = next(COUNT_LINE.finditer(html))
    assert "5.000" in count["text"]


def test_each_reply_box_gives_the_limit_too(client, parent, answer, topic_page):
    html = english_page(client, parent, topic_page)

    field = f"reply-{answer.pk}"
    assert described_by(html, field) == [f"{field}-help", f"{field}-count"]
    counts = {match["id"]: match["text"] for match in COUNT_LINE.finditer(html)}
    assert counts[f"{field}-count"] == "At most 5,000 characters."


def test_a_refused_answer_keeps_the_limit_and_ties_the_error_to_the_box(client, parent, topic_page):
    client.force_login(parent)

    response = client.post(reverse("post_answer", args=[topic_page.pk]), {"text": "x"})

    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert described_by(html, "id_answer_text") == [
        "id_answer_text_helptext",
        "id_answer_text_error",
        "id_answer_text_count",
    ]
    assert 'id="id_answer_text_error"' in html
    assert 'id="id_answer_text_count"' in html


def test_a_refused_reply_reopens_its_box_with_the_limit(client, parent, answer):
    client.force_login(parent)

    response = client.post(reverse("post_reply", args=[answer.pk]), {"text": ""})

    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    field = f"id_reply_{answer.pk}_text"
    assert f"{field}_count" in described_by(html, field)
    assert f'id="{field}_count"' in html


def test_the_edit_page_gives_the_limit_and_the_toolbar(client, other_parent, answer):
    client.force_login(other_parent)

    html = client.get(reverse("post_edit", args=[answer.pk])).content.decode()

    assert "id_text_count" in described_by(html, "id_text")
    assert html.count('role="toolbar"') == 1
    assert '<template id="post-editor-toolbar">' in html


# ---------- the toolbar ----------


def test_the_toolbar_comes_once_per_page_and_is_one_tab_stop(client, parent, answer, topic_page):
    html = english_page(client, parent, topic_page)

    assert html.count('role="toolbar"') == 1
    template = re.search(
        r'<template id="post-editor-toolbar">(.*?)</template>', html, re.DOTALL
    ).group(1)
    assert 'role="toolbar"' in template
    assert template.count('tabindex="0"') == 1
    assert template.count('tabindex="-1"') == 3
    # The words of the live count, for post_editor.js.
    assert 'data-count-left="{left} of 5,000 characters left."' in template
    assert 'data-count-over="{over} characters too many."' in template
    # Nothing of it inside a form: without JavaScript it does not exist.
    forms = re.findall(r"<form.*?</form>", html, re.DOTALL)
    assert all("post-editor__toolbar" not in form for form in forms)


@pytest.mark.parametrize("reader", ["anonymous", "closed"])
def test_no_toolbar_for_who_cannot_write(client, parent, project_page, topic_page, reader):
    if reader == "closed":
        project_page.start_date = timezone.localdate() - datetime.timedelta(days=30)
        project_page.end_date = timezone.localdate() - datetime.timedelta(days=1)
        project_page.save_revision().publish()
        client.force_login(parent)

    html = client.get(dutch_url(topic_page)).content.decode()

    assert "post-editor-toolbar" not in html


# ---------- the reply box in its card ----------


def test_the_reply_box_sits_inside_its_posts_card(client, parent, answer, topic_page):
    html = english_page(client, parent, topic_page)

    card = re.search(rf'<article[^>]*id="post-{answer.pk}">.*?</article>', html, re.DOTALL)
    assert card is not None
    assert '<details class="post__reply">' in card.group()
    assert "<summary>Reply</summary>" in card.group()
    assert html.count('<details class="post__reply"') == 1


def test_a_reply_has_no_reply_box_of_its_own(client, parent, other_parent, answer, topic_page):
    reply = post_create(author=parent, topic=topic_page, text="Bij ons ook.", parent=answer)

    html = english_page(client, other_parent, topic_page)

    card = re.search(rf'<article[^>]*id="post-{reply.pk}">.*?</article>', html, re.DOTALL)
    assert "post__reply" not in card.group()


# ---------- the project page ----------


def test_the_project_page_lists_its_topics_before_the_long_introduction(
    client, parent, project_index
):
    project = ProjectPageFactory(
        parent=project_index,
        introduction=[{"type": "paragraph", "value": "<p>Een lange inleiding.</p>"}],
    )
    TopicPageFactory(parent=project, title="Het eerste onderwerp")

    html = english_page(client, parent, project)

    assert html.index("Het eerste onderwerp") < html.index("Een lange inleiding.")
    assert html.index('id="topics-title"') < html.index('id="introduction-title"')


def test_a_project_without_an_introduction_has_no_empty_section(client, parent, project_page):
    html = english_page(client, parent, project_page)

    assert 'id="introduction-title"' not in html


@pytest.mark.parametrize("count", [2, 20])
def test_the_project_page_costs_the_same_for_2_and_20_topics(
    client, parent, project_index, count, django_assert_num_queries
):
    project = ProjectPageFactory(parent=project_index)
    for _ in range(count):
        TopicPageFactory(parent=project)
    client.force_login(parent)
    client.get(dutch_url(project))  # the site, the route and the menus are remembered

    # The view restrictions the topics must pass, the topics with whether the parent answered
    # each, the updates about the project.
    with django_assert_num_queries(3):
        response = client.get(dutch_url(project))

    assert response.content.decode().count('class="card"') == count
