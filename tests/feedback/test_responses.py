"""The writes every channel shares: contacts, invitations with hashed tokens, one response
per contact, and the follow-up item a low score opens."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import signals
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from community.models import Notification, NotificationKind
from feedback.models import Channel, FollowUp, FollowUpReason, Invitation, Response
from feedback.services.followups import working_days_after
from feedback.services.surveys import (
    AlreadyAnswered,
    contact_create,
    invitation_create,
    invitation_for_token,
    response_record,
    response_submit,
    survey_version_current,
)
from feedback.tasks.followups import follow_up_open_task
from feedback.tokens import token_hash
from tests.feedback.factories import follow_up_notices, invited_contact, response_for

pytestmark = pytest.mark.django_db


def test_an_invitation_keeps_only_the_hash_of_its_token(staff):
    contact, token = invited_contact(staff)

    invitation = Invitation.objects.get(contact=contact)
    assert len(token) >= 22  # 144 random bits, URL-safe
    assert invitation.token_hash == token_hash(token)
    assert token not in invitation.token_hash
    assert invitation_for_token(token) == invitation
    assert invitation_for_token(token + "x") is None
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=14)


def test_a_contact_answers_once_whatever_the_path(staff):
    contact, _token = invited_contact(staff)
    response_record(contact=contact, score=4)

    with pytest.raises(AlreadyAnswered):
        response_record(contact=contact, score=5)

    assert Response.objects.filter(contact=contact).count() == 1
    assert Response.objects.get().score == 4


def test_the_answer_is_stored_field_by_field_as_the_model_reads_it(staff):
    """response_record writes with its own INSERT statement (built from the model's fields):
    every field must come back from the database as it was written."""
    contact, token = invited_contact(staff)
    submitted_at = timezone.now().replace(microsecond=123456) - datetime.timedelta(hours=3)

    written = response_submit(
        invitation=invitation_for_token(token),
        score=5,
        question_answered="partly",
        comment="  Heel fijn gesprek, merci!  ",
        may_contact=True,
        contact_detail="0470 12 34 56",
        language="en",
        survey_version=survey_version_current(Channel.CONSULTATION),
        submitted_at=submitted_at,
    )

    assert not written._state.adding
    stored = Response.objects.get(pk=written.pk)
    for field in Response._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(written, field.attname), field.name
    assert stored.comment == "Heel fijn gesprek, merci!"
    assert stored.submitted_at == submitted_at
    assert (stored.contact, stored.team, stored.region) == (contact, staff.team, staff.team.region)
    assert stored.read_at is None


def test_no_save_signal_is_connected_for_responses():
    """The answer's INSERT (response_record) sends no pre_save or post_save: a receiver
    connected for Response would be skipped silently, so none may be."""
    for signal in (signals.pre_save, signals.post_save):
        connected = [key for key, *_rest in signal.receivers if key[1] == id(Response)]
        assert connected == []


def test_an_expired_link_records_nothing(staff):
    contact, token = invited_contact(staff)
    invitation = invitation_for_token(token)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    invitation.refresh_from_db()

    with pytest.raises(ValidationError):
        response_submit(invitation=invitation, score=5)

    assert not Response.objects.exists()


def test_a_response_copies_team_and_region_and_keeps_them(staff, team, other_team):
    response = response_for(staff, score=5, comment="  Heel fijn.  ")
    staff.team = other_team
    staff.save()

    response.refresh_from_db()
    assert (response.team, response.region) == (team, team.region)
    assert response.comment == "Heel fijn."
    assert response.survey_version == survey_version_current(Channel.CONSULTATION)


def test_a_score_out_of_range_is_refused(staff):
    contact, _token = invited_contact(staff)

    with pytest.raises(ValidationError) as error:
        response_record(contact=contact, score=6)

    assert "score" in error.value.message_dict
    assert not Response.objects.exists()


def test_the_contact_detail_is_kept_only_with_permission(staff):
    response = response_for(staff, may_contact=False, contact_detail="0470 12 34 56")

    assert response.contact_detail == ""


@pytest.mark.parametrize(("score", "opens"), [(1, True), (2, True), (3, False), (5, False)])
def test_a_low_score_opens_a_follow_up_for_the_team_lead(staff, team_lead, score, opens):
    response = response_for(staff, score=score)

    follow_up = FollowUp.objects.filter(response=response).first()
    assert (follow_up is not None) == opens
    notified = Notification.objects.filter(
        recipient=team_lead, kind=NotificationKind.FEEDBACK_FOLLOW_UP
    )
    assert notified.exists() == opens
    if opens:
        assert follow_up.reason == FollowUpReason.LOW_SCORE
        assert follow_up.team == staff.team
        assert follow_up.due_date == working_days_after(timezone.localdate(), 5)


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _follow_up_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=follow_up_open_task.module_path))


@pytest.mark.parametrize("score", [1, 2, 3, 5])
def test_a_low_score_queues_its_follow_up_with_the_answer(settings, staff, team_lead, score):
    """The parent's Send does not wait for the item and the lead's notification: a task,
    written in the answer's own transaction, opens it."""
    settings.TASKS = DATABASE_TASKS
    response = response_for(staff, score=score)

    tasks = _follow_up_tasks()
    assert [task.args_kwargs["args"] for task in tasks] == ([[response.pk]] if score <= 2 else [])
    assert not FollowUp.objects.exists()


def test_the_queued_follow_up_task_opens_one_item_however_often_it_runs(settings, staff, team_lead):
    settings.TASKS = DATABASE_TASKS
    response = response_for(staff, score=1)
    [task] = _follow_up_tasks()

    first = follow_up_open_task.call(*task.args_kwargs["args"])
    again = follow_up_open_task.call(*task.args_kwargs["args"])  # a retry, a second worker

    follow_up = FollowUp.objects.get(response=response)
    assert first == again == follow_up.pk
    assert follow_up.reason == FollowUpReason.LOW_SCORE
    assert follow_up.events.count() == 1
    assert follow_up_notices(team_lead) == 1


def test_a_queued_item_is_due_from_the_answers_day_however_late_the_task_runs(
    settings, staff, team_lead
):
    settings.TASKS = DATABASE_TASKS
    answered = timezone.now() - datetime.timedelta(days=3)  # the worker was down since
    response = response_for(staff, score=2, submitted_at=answered)

    follow_up_open_task.call(response.pk)

    follow_up = FollowUp.objects.get(response=response)
    assert follow_up.due_date == working_days_after(timezone.localdate(answered), 5)
    assert follow_up.due_date != working_days_after(timezone.localdate(), 5)


def test_an_answer_rolled_back_leaves_no_follow_up_task(settings, staff):
    settings.TASKS = DATABASE_TASKS
    contact, _token = invited_contact(staff)

    with pytest.raises(RuntimeError), transaction.atomic():
        response_record(contact=contact, score=1)
        raise RuntimeError("the caller fails after the answer")

    assert not Response.objects.exists()
    assert _follow_up_tasks() == []


def test_the_follow_up_task_of_an_erased_answer_does_nothing(settings, staff):
    settings.TASKS = DATABASE_TASKS
    response = response_for(staff, score=1)
    Response.objects.filter(pk=response.pk).delete()

    assert follow_up_open_task.call(response.pk) is None
    assert not FollowUp.objects.exists()


def test_five_working_days_skip_the_weekend():
    friday = datetime.date(2026, 11, 27)

    assert working_days_after(friday, 5) == datetime.date(2026, 12, 4)
    assert working_days_after(datetime.date(2026, 11, 30), 5) == datetime.date(2026, 12, 7)


def test_a_reference_registered_twice_is_one_contact(staff):
    first = contact_create(channel=Channel.HELPLINE, staff=staff, external_reference="CALL-1")
    again = contact_create(channel=Channel.HELPLINE, staff=staff, external_reference="CALL-1")
    other_channel = contact_create(
        channel=Channel.EMAIL, staff=staff, external_reference="CALL-1", email="a@example.org"
    )

    assert first == again
    assert other_channel != first


def test_only_the_email_channel_keeps_an_address(staff):
    contact = contact_create(channel=Channel.CONSULTATION, staff=staff, email="a@example.org")

    assert contact.email == ""


def test_a_new_token_replaces_the_old_one(staff):
    contact, old = invited_contact(staff)

    _invitation, new = invitation_create(contact=contact)

    assert invitation_for_token(old) is None
    assert invitation_for_token(new).contact == contact
