"""Retention: a complaint closed more than COMPLAINTS_RETENTION_YEARS years ago loses its
personal data (fields, account link, status link, letters, conciliation log, attachments)
and keeps everything the statistics read; running twice changes nothing."""

import datetime
import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils.functional import empty

from complaints.models import (
    PERSONAL_FIELDS,
    Attachment,
    ComplaintEvent,
    ComplaintLetter,
    ConciliationEntry,
    ConciliationKind,
    EventAction,
    LetterKind,
    OmbudsNorm,
    Outcome,
    RefusalGround,
    Stage,
    attachment_storage,
)
from complaints.services.annual_report import PUBLISHED, annual_report_build
from complaints.services.register import complaint_for_status_token
from complaints.services.retention import (
    UNUSABLE_TOKEN_PREFIX,
    complaint_anonymise,
    retention_cutoff,
    retention_run,
)
from complaints.tasks.retention import complaints_anonymise_task
from insights.models import Action, Code
from tests.community.factories import UserFactory
from tests.complaints.report_cases import YEAR, brussels, complaint_made, year_of_complaints

pytestmark = pytest.mark.django_db

NOW = brussels(2031, 6, 1)


@pytest.fixture
def files_root(settings, tmp_path):
    settings.COMPLAINTS_FILES_ROOT = tmp_path / "complaints"
    attachment_storage._wrapped = empty
    yield settings.COMPLAINTS_FILES_ROOT
    attachment_storage._wrapped = empty


def closed_complaint(closed_at: datetime.datetime, token: list | None = None, **fields):
    """A refused-then-closed complaint with everything personal a complaint can hold."""
    parent = UserFactory(email="sofie@example.org")
    complaint = complaint_made(
        closed_at - datetime.timedelta(days=30),
        stage=Stage.CLOSED,
        answered_after=20,
        closed=False,
        token=token,
        user=parent,
        name="Sofie Peeters",
        email="sofie@example.org",
        phone="0470 12 34 56",
        postal_address="Kerkstraat 1, 2000 Antwerpen",
        desired_solution="Excuses en een nieuwe afspraak.",
        summary="Kortaf behandeld op het consultatiebureau",
        safeguarding_note="Geen zorgen.",
        outcome=Outcome.PARTLY_FOUNDED,
        norms=[OmbudsNorm.CORRECT_TREATMENT],
        closed_at=closed_at,
        **fields,
    )
    ComplaintLetter.objects.create(
        complaint=complaint,
        kind=LetterKind.ANSWER,
        sent_to="sofie@example.org",
        subject="Uw klacht, Sofie Peeters",
        body="Beste Sofie, ...",
    )
    ConciliationEntry.objects.create(
        complaint=complaint,
        kind=ConciliationKind.CALL,
        happened_on=closed_at.date(),
        summary="Sofie gebeld: ze wil een nieuwe afspraak.",
    )
    ComplaintEvent.objects.create(
        complaint=complaint, action=EventAction.DETAILS, detail="Naam gewijzigd: Sofie Peeters"
    )
    return complaint


def attachment_for(complaint) -> Attachment:
    content = b"%PDF-1.4\n%%EOF\n"
    return Attachment.objects.create(
        complaint=complaint,
        file=ContentFile(content, name="brief.pdf"),
        original_name="brief van Sofie.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def test_a_complaint_closed_more_than_5_years_ago_loses_its_personal_data(files_root):
    token = []
    complaint = closed_complaint(brussels(2026, 5, 1), token=token)
    complaint.actions.add(Action.objects.create(title="Betere uitleg", owner="Team"))
    complaint.codes.add(Code.objects.create(name="Bejegening"))
    attachment = attachment_for(complaint)
    stored = files_root / attachment.file.name
    assert stored.exists()
    kept = {
        field: getattr(complaint, field)
        for field in (
            "reference",
            "kind",
            "channel",
            "stage",
            "received_at",
            "acknowledge_due",
            "answer_due",
            "acknowledged_at",
            "answered_at",
            "closed_at",
            "outcome",
            "norms",
            "service",
            "handler_id",
        )
    }

    assert retention_run(now=NOW) == 1

    complaint.refresh_from_db()
    assert all(getattr(complaint, field) == "" for field in PERSONAL_FIELDS)
    assert complaint.refusal_reason == ""
    assert complaint.user is None
    assert complaint.status_token_hash.startswith(UNUSABLE_TOKEN_PREFIX)
    assert complaint_for_status_token(token[0]) is None
    assert complaint.anonymised_at == NOW
    assert {field: getattr(complaint, field) for field in kept} == kept
    assert complaint.actions.count() == 1 and complaint.codes.count() == 1
    letter = complaint.letters.get()
    assert "Sofie" not in f"{letter.sent_to} {letter.subject} {letter.body}"
    assert letter.body and letter.body == letter.sent_to
    assert complaint.conciliation.get().summary == ""
    assert not Attachment.objects.filter(complaint=complaint).exists()
    assert not stored.exists()
    assert not complaint.events.exclude(detail="").exists()
    assert complaint.events.filter(action=EventAction.ANONYMISED).count() == 1


def test_a_complaint_closed_less_long_ago_or_still_open_keeps_its_data():
    recent = closed_complaint(brussels(2026, 6, 2))
    still_open = complaint_made(brussels(2020, 1, 1), stage=Stage.IN_HANDLING, name="Jan")

    assert retention_run(now=NOW) == 0

    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert recent.name == "Sofie Peeters" and recent.anonymised_at is None
    assert still_open.name == "Jan" and still_open.anonymised_at is None


@pytest.mark.parametrize(
    ("stage", "moment"), [(Stage.REFUSED, "refused_at"), (Stage.ANSWERED, "answered_at")]
)
def test_a_complaint_left_refused_or_answered_counts_from_that_step(stage, moment):
    """Closing is a step of its own: a complaint a handler never closed must not keep its
    personal data for ever."""
    refused = RefusalGround.NO_INTEREST if stage == Stage.REFUSED else ""
    answered_after = 20 if stage == Stage.ANSWERED else None
    old = complaint_made(
        brussels(2026, 4, 1), stage=stage, refused=refused, answered_after=answered_after
    )
    recent = complaint_made(
        brussels(2026, 6, 1), stage=stage, refused=refused, answered_after=answered_after
    )
    assert getattr(old, moment) < brussels(2026, 6, 1) < getattr(recent, moment)

    assert retention_run(now=NOW) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.anonymised_at == NOW and old.name == ""
    assert recent.anonymised_at is None and recent.name != ""


def test_an_answer_reopened_and_answered_again_counts_from_the_last_answer():
    """`answered_at` keeps the first answer; the audit trail has the later ones."""
    complaint = complaint_made(brussels(2026, 1, 5), stage=Stage.ANSWERED, answered_after=20)
    ComplaintEvent.objects.create(
        complaint=complaint,
        action=EventAction.STAGE,
        stage_before=Stage.IN_HANDLING,
        stage_after=Stage.ANSWERED,
        at=brussels(2031, 3, 1),
    )

    assert retention_run(now=NOW) == 0
    complaint.refresh_from_db()
    assert complaint.anonymised_at is None


def test_the_retention_period_comes_from_the_setting(settings):
    settings.COMPLAINTS_RETENTION_YEARS = 1
    complaint = closed_complaint(brussels(2030, 5, 1))

    assert retention_cutoff(NOW) == brussels(2030, 6, 1)
    assert retention_run(now=NOW) == 1
    complaint.refresh_from_db()
    assert complaint.anonymised_at is not None


def test_the_29th_of_february_falls_back_to_the_28th():
    leap_day = brussels(2028, 2, 29)

    assert retention_cutoff(leap_day) == brussels(2023, 2, 28)


def test_running_twice_changes_nothing(files_root):
    complaint = closed_complaint(brussels(2025, 1, 1))
    attachment_for(complaint)
    retention_run(now=NOW)
    complaint.refresh_from_db()
    first = (complaint.status_token_hash, complaint.anonymised_at, complaint.events.count())

    assert retention_run(now=NOW + datetime.timedelta(days=1)) == 0
    assert complaint_anonymise(complaint=complaint) is False

    complaint.refresh_from_db()
    assert (complaint.status_token_hash, complaint.anonymised_at, complaint.events.count()) == (
        first
    )
    assert complaint.events.filter(action=EventAction.ANONYMISED).count() == 1


def test_complaints_are_anonymised_in_batches():
    for day in range(1, 6):
        complaint_made(brussels(2020, 3, day), stage=Stage.CLOSED, closed=True, name="Ouder")

    assert retention_run(now=NOW, batch_size=2) == 5
    assert not ComplaintEvent.objects.filter(complaint__name="Ouder").exists()
    assert ComplaintEvent.objects.filter(action=EventAction.ANONYMISED).count() == 5


def test_the_annual_report_reads_the_same_numbers_after_anonymisation():
    year_of_complaints()
    complaint_made(
        brussels(YEAR, 8, 8),
        stage=Stage.CLOSED,
        refused=RefusalGround.COURT_CASE,
        closed=True,
    )
    before = [
        annual_report_build(year=YEAR, version=version) for version in ("internal", PUBLISHED)
    ]

    # The four closed ones, the refused one and the two answered ones left there.
    assert retention_run(now=brussels(YEAR + 10, 1, 1)) == 7

    after = [annual_report_build(year=YEAR, version=version) for version in ("internal", PUBLISHED)]
    for old, new in zip(before, after, strict=True):
        assert new.sections == old.sections
        assert new.improvements == old.improvements


def test_the_command_and_the_task_anonymise_what_is_due():
    complaint_made(brussels(2000, 3, 1), stage=Stage.CLOSED, closed=True, name="Ouder")
    output = io.StringIO()

    call_command("complaints_anonymise", stdout=output)

    assert "1 anonymised" in output.getvalue()
    complaint_made(brussels(2000, 3, 2), stage=Stage.CLOSED, closed=True, name="Ouder")
    assert complaints_anonymise_task.enqueue().return_value == 1
    assert complaints_anonymise_task.enqueue().return_value == 0
