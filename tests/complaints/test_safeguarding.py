"""A concern about a child's safety: flagged to every safeguarding officer at once, by
notification and by e-mail whatever their preferences, once; they may then open the complaint."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from community.models import EmailFrequency, Notification, NotificationKind, Role
from community.services.notifications import notification_preferences_update
from complaints.models import EventAction
from complaints.rules import visible_complaints
from complaints.services.safeguarding import (
    complaint_flag_safeguarding,
    safeguarding_mails_send,
)
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTE = "De ouder vertelt dat haar peuter 's nachts alleen thuis blijft."


@pytest.fixture
def second_safeguarding_officer(db):
    officer = UserFactory(
        email="kindveiligheid2@example.org", roles=[Role.SAFEGUARDING_OFFICER], pseudonym=""
    )
    notification_preferences_update(
        user=officer,
        frequencies={NotificationKind.COMPLAINT_SAFEGUARDING: EmailFrequency.NEVER},
    )
    return officer


def test_every_safeguarding_officer_is_told_at_once_by_notification_and_e_mail(
    complaint,
    complaints_officer,
    safeguarding_officer,
    second_safeguarding_officer,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint_flag_safeguarding(complaint=complaint, note=NOTE, by=complaints_officer)

    complaint.refresh_from_db()
    assert complaint.safeguarding_flagged_at is not None
    assert (complaint.safeguarding_flagged_by, complaint.safeguarding_note) == (
        complaints_officer,
        NOTE,
    )
    told = Notification.objects.filter(kind=NotificationKind.COMPLAINT_SAFEGUARDING)
    assert set(told.values_list("recipient", flat=True)) == {
        safeguarding_officer.pk,
        second_safeguarding_officer.pk,
    }
    # One e-mail each: also to the officer who wants no e-mail about it, none twice.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "kindveiligheid2@example.org",
        "kindveiligheid@example.org",
    ]
    message = mail.outbox[0]
    assert complaint.reference in message.subject
    assert f"/admin/complaints/{complaint.pk}/" in message.body
    assert NOTE not in message.body and "Sofie" not in message.body
    event = complaint.events.get(action=EventAction.SAFEGUARDING)
    assert event.actor == complaints_officer and NOTE not in event.detail


def test_flagging_twice_tells_nobody_twice(
    complaint, complaints_officer, safeguarding_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint_flag_safeguarding(complaint=complaint, note=NOTE, by=complaints_officer)
        complaint_flag_safeguarding(complaint=complaint, note="Nog iets.", by=complaints_officer)

    assert len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=safeguarding_officer).count() == 1
    assert complaint.events.filter(action=EventAction.SAFEGUARDING).count() == 1
    complaint.refresh_from_db()
    assert complaint.safeguarding_note == NOTE
    assert safeguarding_mails_send(complaint_id=complaint.pk) == 0  # the task run again


def test_the_safeguarding_officer_sees_a_complaint_once_it_is_flagged(
    client_for_role, complaint, complaints_officer, safeguarding_officer
):
    url = reverse("complaints_admin_complaint", args=[complaint.pk])
    client = client_for_role("safeguarding_officer")
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND

    complaint_flag_safeguarding(complaint=complaint, note=NOTE, by=complaints_officer)

    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert complaint in visible_complaints(safeguarding_officer)
    html = response.content.decode()
    assert "data-safeguarding" in html and "sofie@example.org" in html
    assert "data-step=" not in html  # they read it; handling stays with the officers


def test_a_flag_needs_a_note(complaint, complaints_officer):
    with pytest.raises(ValidationError) as error:
        complaint_flag_safeguarding(complaint=complaint, note="  ", by=complaints_officer)

    assert list(error.value.message_dict) == ["note"]
    complaint.refresh_from_db()
    assert complaint.safeguarding_flagged_at is None
    assert not Notification.objects.exists()


@pytest.mark.parametrize("who", ["researcher", "moderator", "safeguarding_officer"])
def test_only_who_handles_flags(request, complaint, who):
    with pytest.raises(PermissionDenied):
        complaint_flag_safeguarding(complaint=complaint, note=NOTE, by=request.getfixturevalue(who))

    complaint.refresh_from_db()
    assert complaint.safeguarding_flagged_at is None
