"""Receiving a complaint: reference, status token, deadlines and the first audit line."""

import datetime
import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from complaints.models import Complaint, ComplaintChannel, EventAction, Stage
from complaints.services import register
from complaints.services.register import complaint_for_status_token
from feedback.tokens import token_hash
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def test_a_received_complaint_has_a_random_reference_a_hashed_token_and_its_deadlines():
    tokens = []
    received = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    complaint = ComplaintFactory(received_at=received, token=tokens)

    assert re.fullmatch(r"K-2026-[0-9A-Z]{4}-[0-9A-Z]{4}", complaint.reference)
    assert complaint.status_token_hash == token_hash(tokens[0])
    assert tokens[0] not in complaint.status_token_hash
    assert complaint.acknowledge_due == datetime.date(2026, 3, 12)
    assert complaint.answer_due == datetime.date(2026, 4, 16)
    assert complaint.stage == Stage.RECEIVED
    event = complaint.events.get()
    assert (event.action, event.actor, event.stage_after) == (
        EventAction.RECEIVED,
        None,
        "received",
    )


def test_two_complaints_never_share_a_reference():
    references = {ComplaintFactory().reference for _ in range(20)}
    assert len(references) == 20


def test_the_status_token_opens_its_complaint_only():
    tokens = []
    complaint = ComplaintFactory(token=tokens)
    ComplaintFactory()

    assert complaint_for_status_token(tokens[0]).pk == complaint.pk
    assert complaint_for_status_token("wrong") is None
    assert complaint_for_status_token("") is None


def test_an_empty_story_is_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError) as error:
        ComplaintFactory(what_happened="   ")
    assert "what_happened" in error.value.message_dict
    assert not Complaint.objects.exists()


def test_the_database_refuses_a_handler_who_is_the_subject(complaints_officer):
    complaint = ComplaintFactory()
    complaint.handler = complaint.about_user = complaints_officer
    with pytest.raises(IntegrityError):
        Complaint.objects.filter(pk=complaint.pk).update(
            handler=complaints_officer, about_user=complaints_officer
        )


def test_a_reference_that_is_taken_already_is_drawn_again(monkeypatch):
    taken = ComplaintFactory(received_at=datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC))
    drawn = iter([taken.reference, "K-2026-AAAA-BBBB"])
    monkeypatch.setattr(register, "reference_new", lambda received_at: next(drawn))

    complaint, _token = register.complaint_receive(
        channel=ComplaintChannel.WEB_FORM, what_happened="De wachttijd was lang."
    )

    assert complaint.reference == "K-2026-AAAA-BBBB"
    assert Complaint.objects.count() == 2


def test_a_conflict_other_than_the_reference_is_raised_at_once(monkeypatch):
    earlier = ComplaintFactory()
    Complaint.objects.filter(pk=earlier.pk).update(submission_key=uuid.UUID(int=7))
    drawn = []
    monkeypatch.setattr(
        register,
        "reference_new",
        lambda received_at: drawn.append(1) or f"K-2026-AAAA-{len(drawn):04d}",
    )

    with pytest.raises(IntegrityError):
        register.complaint_receive(
            channel=ComplaintChannel.WEB_FORM,
            what_happened="De wachttijd was lang.",
            submission_key=uuid.UUID(int=7),
        )

    assert len(drawn) == 1
    assert Complaint.objects.count() == 1
