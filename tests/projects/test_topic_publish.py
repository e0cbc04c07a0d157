"""Creating a topic in the Wagtail admin: publishing right after typing works even when the
editor's autosave has already made a draft of the page, without a second page, and errors
are shown where the researcher is looking."""

from http import HTTPStatus

import pytest
from django.db.models.signals import post_save
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from community.models import Broadcast, BroadcastStatus, Notification, NotificationKind
from projects.models import ResponseMode, TopicPage
from tests.projects.factories import TopicPageFactory

pytestmark = pytest.mark.django_db

AUTOSAVE = {"HTTP_ACCEPT": "application/json"}  # how Wagtail's autosave posts the form
CREATION_TOKEN = "0f5c4a1e9b2d4c7a8e6f1a2b3c4d5e6f"


def add_topic_url(project) -> str:
    return reverse("wagtailadmin_pages:add", args=("projects", "topicpage", project.pk))


def topic_form(title: str = "Slapen", slug: str = "slapen", token: str = CREATION_TOKEN, **extra):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "title_en": "",
            "question": rich_text("<p>Hoe slaapt je baby?</p>"),
            "question_en": rich_text(""),
            "response_mode": ResponseMode.OPEN,
            "poll_options": inline_formset([]),
            **extra,
        }
    )
    if token:
        data["creation_token"] = token
    return data


def topics_under(project) -> list[TopicPage]:
    return list(TopicPage.objects.child_of(project).order_by("pk"))


def test_publish_after_an_autosave_publishes_the_autosaved_page_and_makes_no_second_one(
    client_for_role, project_page
):
    """The bug: the autosave created the page, the publish request (still aimed at the "add"
    address) then clashed with its slug and failed with an error on a hidden tab."""
    client = client_for_role("researcher")
    autosave = client.post(add_topic_url(project_page), topic_form(), **AUTOSAVE)
    assert autosave.json()["success"], autosave.content

    response = client.post(add_topic_url(project_page), topic_form(**{"action-publish": "publish"}))

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    [topic] = topics_under(project_page)
    assert topic.live and topic.slug == "slapen"
    assert not topic.has_unpublished_changes


def test_an_autosave_after_the_publish_saves_onto_the_published_page(client_for_role, project_page):
    """The other order: the publish arrives first and a late autosave of the same form
    follows; it must not create a draft "slapen-2" beside the published topic."""
    client = client_for_role("researcher")
    published = client.post(
        add_topic_url(project_page), topic_form(**{"action-publish": "publish"})
    )
    assert published.status_code == HTTPStatus.FOUND

    client.post(add_topic_url(project_page), topic_form(), **AUTOSAVE)

    [topic] = topics_under(project_page)
    assert topic.live and topic.slug == "slapen"


def test_another_new_topic_with_the_same_title_gets_its_own_address(client_for_role, project_page):
    """A different form (another token) with the same title is a second topic: its address
    is made unique on the server instead of failing."""
    TopicPageFactory(parent=project_page, title="Slapen", slug="slapen")
    client = client_for_role("researcher")

    response = client.post(
        add_topic_url(project_page),
        topic_form(token="another-form", **{"action-publish": "publish"}),
    )

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    assert [topic.slug for topic in topics_under(project_page)] == ["slapen", "slapen-2"]
    assert topics_under(project_page)[1].live


def test_without_a_token_a_new_topic_never_lands_on_an_existing_page(client_for_role, project_page):
    """No token (no script, so no autosave): the request creates its own page."""
    existing = TopicPageFactory(parent=project_page, title="Slapen", slug="slapen")
    client = client_for_role("researcher")

    response = client.post(
        add_topic_url(project_page), topic_form(token="", **{"action-publish": "publish"})
    )

    assert response.status_code == HTTPStatus.FOUND
    assert len(topics_under(project_page)) == 2
    existing.refresh_from_db()
    assert existing.title == "Slapen"


def test_a_token_from_another_session_is_ignored(client_for_role, project_page, client):
    client = client_for_role("researcher")
    assert client.post(add_topic_url(project_page), topic_form(), **AUTOSAVE).json()["success"]

    client = client_for_role("admin")  # logs the researcher out: a new session
    response = client.post(add_topic_url(project_page), topic_form(**{"action-publish": "publish"}))

    assert response.status_code == HTTPStatus.FOUND
    assert len(topics_under(project_page)) == 2


def test_a_slug_typed_by_hand_that_is_taken_is_reported_at_the_top_of_the_form(
    client_for_role, project_page
):
    TopicPageFactory(parent=project_page, title="Iets anders", slug="eigen-adres")
    client = client_for_role("researcher")

    response = client.post(
        add_topic_url(project_page),
        topic_form(slug="eigen-adres", token="x", **{"action-publish": "publish"}),
    )

    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert "slug" in form.errors
    # A non-field error makes Wagtail list every error, with its field, in the banner.
    assert form.non_field_errors()
    html = response.content.decode()
    assert "eigen-adres" in html.split('class="messages"', 1)[1].split("</div>", 1)[0]
    assert len(topics_under(project_page)) == 1


def test_the_slug_is_on_the_content_tab_of_a_topic(client_for_role, project_page):
    tabs = TopicPage.get_edit_handler().children

    assert "slug" in tabs[0].get_form_options()["fields"]
    assert all("slug" not in tab.get_form_options().get("fields", []) for tab in tabs[1:])
    response = client_for_role("researcher").get(add_topic_url(project_page))
    assert 'name="slug"' in response.content.decode()


@pytest.mark.parametrize("token", ["", "x" * 200, "<script>", "../../etc"])
def test_odd_tokens_do_no_harm(client_for_role, project_page, token):
    client = client_for_role("researcher")

    response = client.post(
        add_topic_url(project_page), topic_form(token=token, **{"action-publish": "publish"})
    )

    assert response.status_code == HTTPStatus.FOUND
    assert len(topics_under(project_page)) == 1
    assert Page.objects.filter(slug="slapen").count() == 1


def test_an_error_on_the_settings_tab_is_also_named_at_the_top_of_the_form(
    client_for_role, project_page
):
    response = client_for_role("researcher").post(
        add_topic_url(project_page),
        topic_form(expire_at="2020-01-01 10:00", **{"action-publish": "publish"}),
    )

    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert "expire_at" in form.errors
    assert form.non_field_errors()
    assert topics_under(project_page) == []


# ---------- the announcement is queued in the publishing transaction ----------

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def draft_topic(project) -> TopicPage:
    topic = TopicPage(title="Slapen", slug="slapen", question="<p>Hoe slaapt je baby?</p>")
    topic.live = False
    project.add_child(instance=topic)
    return topic


def announcement_tasks() -> int:
    return DBTaskResult.objects.filter(task_path__endswith="broadcast_batch_run").count()


def test_publishing_a_topic_queues_its_announcement_with_the_publication(
    project_page, parent, other_parent, settings
):
    settings.TASKS = DATABASE_TASKS
    topic = draft_topic(project_page)

    topic.save_revision().publish()

    broadcast = Broadcast.objects.get()
    assert (broadcast.kind, broadcast.target_id) == (NotificationKind.NEW_TOPIC, topic.pk)
    assert broadcast.status == BroadcastStatus.QUEUED
    assert announcement_tasks() == 1
    assert not Notification.objects.exists()  # the worker notifies, not the request


def test_when_the_announcement_cannot_be_queued_the_topic_is_not_published(
    project_page, parent, settings, monkeypatch
):
    settings.TASKS = DATABASE_TASKS
    topic = draft_topic(project_page)

    def broken(**kwargs):
        raise RuntimeError("the queue is gone")

    monkeypatch.setattr("projects.services.topic_notifications.broadcast_start", broken)
    with pytest.raises(RuntimeError):
        topic.save_revision().publish()

    assert TopicPage.objects.get(pk=topic.pk).live is False
    assert not Broadcast.objects.exists()


def test_when_publishing_fails_after_the_announcement_was_queued_both_roll_back(
    project_page, parent, settings
):
    settings.TASKS = DATABASE_TASKS
    topic = draft_topic(project_page)

    def publication_fails(sender, instance, **kwargs):
        if isinstance(instance, TopicPage) and instance.live:
            raise RuntimeError("the rest of the publication failed")

    post_save.connect(publication_fails)  # after the announcement's receiver
    try:
        with pytest.raises(RuntimeError):
            topic.save_revision().publish()
    finally:
        post_save.disconnect(publication_fails)

    assert TopicPage.objects.get(pk=topic.pk).live is False
    assert not Broadcast.objects.exists()
    assert announcement_tasks() == 0


def test_a_topic_is_announced_once_however_often_it_is_saved_or_published(
    project_page, parent, other_parent
):
    topic = draft_topic(project_page)
    topic.save_revision().publish()
    topic.refresh_from_db()
    topic.save()
    topic.save_revision().publish()

    assert Broadcast.objects.count() == 1
    assert Notification.objects.filter(kind=NotificationKind.NEW_TOPIC).count() == 2
