"""Inviting a project's audience: who is reached, only once, and who may do it."""

import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from community.models import Broadcast, Notification, NotificationKind
from projects.services.invitations import project_audience_invite, project_invitees
from tests.community.factories import UserFactory
from tests.conftest import ROLES, dutch_url
from tests.projects.factories import ProjectPageFactory, invite_list, project_for_segments

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def invite_url(project) -> str:
    return reverse("projects_admin_invite", args=[project.pk])


def invite(project, invited_by) -> int:
    """Invite through the service; the tasks run at once in tests. Returns how many."""
    broadcast = project_audience_invite(project=project, invited_by=invited_by)
    broadcast.refresh_from_db()
    return broadcast.notified


def invitations() -> list[tuple[int, str]]:
    return list(
        Notification.objects.filter(kind=NotificationKind.PROJECT_INVITATION)
        .order_by("recipient")
        .values_list("recipient", "url")
    )


def test_everyone_in_the_audience_is_invited_once(
    researcher, parent, other_parent, moderator, project_page
):
    assert invite(project_page, researcher) == 2

    assert invitations() == [
        (parent.pk, dutch_url(project_page)),
        (other_parent.pk, dutch_url(project_page)),
    ]  # staff are not in the audience
    assert invite(project_page, researcher) == 0
    late = UserFactory()
    assert invite(project_page, researcher) == 1
    assert Notification.objects.filter(recipient=late).count() == 1


def test_a_segment_project_invites_only_its_segments(
    researcher, parent, other_parent, project_index
):
    project = project_for_segments(project_index, [invite_list("Lijst", parent)])

    assert list(project_invitees(project)) == [parent]
    assert invite(project, researcher) == 1
    assert invitations() == [(parent.pk, dutch_url(project))]
    notification = Notification.objects.get()
    assert notification.actor == researcher
    assert notification.params["title"] == {"nl": project.title, "en": project.title_en}


def test_an_invitation_e_mails_members_who_want_it_immediately(
    researcher, parent, project_page, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project_audience_invite(project=project_page, invited_by=researcher)
    assert [message.to for message in mailoutbox] == [[parent.email]]


def test_moderators_cannot_invite(moderator, project_page, parent):
    with pytest.raises(PermissionDenied):
        project_audience_invite(project=project_page, invited_by=moderator)
    assert not invitations()


def test_a_draft_or_closed_project_invites_nobody(researcher, parent, project_index):
    closed = ProjectPageFactory(
        parent=project_index,
        start_date=timezone.localdate() - datetime.timedelta(days=10),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    draft = ProjectPageFactory(parent=project_index)
    draft.unpublish()
    for project in (closed, draft):
        with pytest.raises(ValidationError):
            project_audience_invite(project=project, invited_by=researcher)
    assert not invitations()


@pytest.mark.parametrize("role", ROLES)
def test_confirmation_shows_the_exact_number_and_only_to_researchers_and_admins(
    client_for_role, parent, other_parent, project_page, role
):
    client = client_for_role(role)

    response = client.get(invite_url(project_page))

    if role in ("researcher", "admin"):
        assert response.status_code == HTTPStatus.OK
        assert 'data-invitees="2"' in response.content.decode()
    elif role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
    else:
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
        assert "data-invitees" not in response.content.decode()
    if role != "anonymous":
        client.post(invite_url(project_page))
    expected = 2 if role in ("researcher", "admin") else 0
    assert len(invitations()) == expected


def test_inviting_in_the_admin_reports_how_many_and_then_none_are_left(
    client_for_role, parent, project_page
):
    client = client_for_role("researcher")

    response = client.post(invite_url(project_page), follow=True)

    assert response.status_code == HTTPStatus.OK
    assert len(invitations()) == 1
    assert 'data-invitees="0"' in client.get(invite_url(project_page)).content.decode()


def test_the_project_has_an_invite_button_for_researchers(client_for_role, project_page):
    client = client_for_role("researcher")
    html = client.get(reverse("wagtailadmin_explore", args=[project_page.get_parent().pk]))
    assert invite_url(project_page) in html.content.decode()


# ---------- answering at once, and the progress ----------


def test_inviting_answers_at_once_and_the_workers_do_the_rest(
    client_for_role, parent, other_parent, project_page, settings
):
    settings.TASKS = DATABASE_TASKS  # queued for a worker, as in production
    client = client_for_role("researcher")

    response = client.post(invite_url(project_page), follow=True)

    assert response.status_code == HTTPStatus.OK
    assert invitations() == []  # nobody notified inside the request
    assert response.redirect_chain == [(invite_url(project_page), HTTPStatus.FOUND)]
    html = response.content.decode()
    assert 'data-status="queued"' in html
    assert "data-invitation-under-way" in html  # no second button while it is sent
    [broadcast] = Broadcast.objects.all()
    assert DBTaskResult.objects.filter(task_path__endswith="broadcast_batch_run").count() == 1

    # A second click while it is under way starts nothing new.
    client.post(invite_url(project_page))
    assert Broadcast.objects.get() == broadcast


def test_the_invite_page_shows_how_far_invitations_and_new_topics_are(
    client_for_role, researcher, parent, other_parent, project_page, topic_page
):
    invite(project_page, researcher)

    html = client_for_role("researcher").get(invite_url(project_page)).content.decode()

    assert html.count('data-status="done"') == 2  # the invitation and the topic's announcement
    assert html.count('data-notified="2"') == 2
    assert 'data-mailed="2"' in html  # invitations are e-mailed at once by default
    assert topic_page.title in html


@pytest.mark.parametrize("role", ROLES)
def test_only_researchers_and_admins_see_the_progress(
    client_for_role, researcher, parent, project_page, role
):
    invite(project_page, researcher)

    response = client_for_role(role).get(invite_url(project_page))

    if role in ("researcher", "admin"):
        assert response.status_code == HTTPStatus.OK
        assert "data-broadcast" in response.content.decode()
    else:
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
        assert "data-broadcast" not in response.content.decode()


def test_the_invite_page_takes_the_same_queries_for_1_and_10_broadcasts(
    client_for_role, researcher, parent, project_page, django_assert_num_queries
):
    client = client_for_role("researcher")
    invite(project_page, researcher)
    client.get(invite_url(project_page))  # warm the request state and the page tree
    with CaptureQueriesContext(connection) as one:
        client.get(invite_url(project_page))
    for _ in range(9):
        UserFactory()
        invite(project_page, researcher)

    with django_assert_num_queries(len(one)):
        response = client.get(invite_url(project_page))

    assert response.content.decode().count("data-broadcast=") == 10
