"""Handling a complaint: the lead assigns it (never to the person it is about), the officer
moves it through the stages NEXT_STAGES allows, each step audited; a wrong move saves nothing,
and two officers at once move it once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.models import Notification, NotificationKind, Role
from complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintLetter,
    EventAction,
    Kind,
    LetterKind,
    OmbudsNorm,
    Outcome,
    RefusalGround,
    Stage,
)
from complaints.services.details import complaint_details_update, complaint_share_outcome
from complaints.services.handling import (
    complaint_acknowledge,
    complaint_answer,
    complaint_assign,
    complaint_close,
    complaint_mark_not_a_complaint,
    complaint_mark_solved,
    complaint_refuse,
    complaint_reopen,
    complaint_start_handling,
)
from complaints.services.letters import LetterDraft
from tests.community.factories import UserFactory
from tests.complaints.factories import ComplaintFactory
from tests.feedback.factories import StaffMemberFactory, TeamFactory, contact_for
from tests.insights.factories import ActionFactory, CodeFactory
from tests.races import ON_POSTGRESQL, at_once

pytestmark = pytest.mark.django_db

LETTER = LetterDraft(subject="Uw klacht", body="Beste Sofie,\n\nWij hebben uw klacht ontvangen.")


def _events(complaint: Complaint) -> list[tuple[str, str, str]]:
    return list(
        ComplaintEvent.objects.filter(complaint=complaint)
        .order_by("at", "pk")
        .values_list("action", "stage_before", "stage_after")
    )


def _in_handling(complaint: Complaint, officer) -> Complaint:
    complaint_acknowledge(complaint=complaint, by=officer, letter=LETTER)
    return complaint_start_handling(complaint=complaint, by=officer)


def _answered(complaint: Complaint, officer) -> Complaint:
    _in_handling(complaint, officer)
    return complaint_answer(
        complaint=complaint,
        by=officer,
        outcome=Outcome.PARTLY_FOUNDED,
        norms=[OmbudsNorm.CORRECT_TREATMENT],
        letter=LETTER,
    )


# --- assigning ---


def test_the_lead_assigns_a_handler_who_is_told(complaint, complaints_lead, complaints_officer):
    complaint_assign(complaint=complaint, handler=complaints_officer, by=complaints_lead)

    complaint.refresh_from_db()
    assert complaint.handler == complaints_officer
    event = complaint.events.get(action=EventAction.ASSIGNED)
    assert (event.actor, event.detail) == (complaints_lead, complaints_officer.email)
    notification = Notification.objects.get(recipient=complaints_officer)
    assert notification.kind == NotificationKind.COMPLAINT_ASSIGNED
    assert notification.url == f"/klachten/dossier/{complaint.pk}/"
    assert complaint.reference in notification.title and "Sofie" not in notification.title


def test_assigning_the_same_handler_again_changes_nothing(
    complaint, complaints_lead, complaints_officer
):
    complaint_assign(complaint=complaint, handler=complaints_officer, by=complaints_lead)
    complaint_assign(complaint=complaint, handler=complaints_officer, by=complaints_lead)

    assert complaint.events.filter(action=EventAction.ASSIGNED).count() == 1
    assert Notification.objects.filter(recipient=complaints_officer).count() == 1


def test_only_the_complaints_lead_assigns(complaint, complaints_officer, other_complaints_officer):
    with pytest.raises(PermissionDenied):
        complaint_assign(
            complaint=complaint, handler=other_complaints_officer, by=complaints_officer
        )

    complaint.refresh_from_db()
    assert complaint.handler is None


def test_the_handler_cannot_be_the_person_the_complaint_is_about(complaints_lead):
    officer_complained_about = UserFactory(roles=[Role.COMPLAINTS_OFFICER], pseudonym="")
    complaint = ComplaintFactory(about_user=officer_complained_about)

    with pytest.raises(ValidationError) as error:
        complaint_assign(complaint=complaint, handler=officer_complained_about, by=complaints_lead)

    assert error.value.message_dict == {
        "handler": ["De behandelaar kan niet de persoon zijn over wie de klacht gaat."]
    }
    complaint.refresh_from_db()
    assert complaint.handler is None
    assert not complaint.events.filter(action=EventAction.ASSIGNED).exists()
    assert not Notification.objects.exists()


def test_the_subject_cannot_be_made_the_handler_through_the_details(
    complaint, complaints_lead, complaints_officer
):
    complaint_assign(complaint=complaint, handler=complaints_officer, by=complaints_lead)

    with pytest.raises(ValidationError) as error:
        complaint_details_update(
            complaint=complaint, by=complaints_lead, about_user=complaints_officer
        )

    assert list(error.value.message_dict) == ["about_user"]
    complaint.refresh_from_db()
    assert complaint.about_user is None


def test_only_complaints_staff_can_be_the_handler(complaint, complaints_lead, parent, researcher):
    for not_an_officer in (parent, researcher):
        with pytest.raises(ValidationError) as error:
            complaint_assign(complaint=complaint, handler=not_an_officer, by=complaints_lead)
        assert [e.code for e in error.value.error_dict["handler"]] == ["not_an_officer"]


# --- the stages ---


def test_a_complaint_goes_through_its_stages_and_every_step_is_audited(
    complaint, complaints_officer
):
    _answered(complaint, complaints_officer)
    complaint_close(complaint=complaint, by=complaints_officer)

    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED
    for stamp in ("acknowledged_at", "handling_started_at", "answered_at", "closed_at"):
        assert getattr(complaint, stamp) is not None, stamp
    assert complaint.outcome == Outcome.PARTLY_FOUNDED
    assert complaint.norms == [OmbudsNorm.CORRECT_TREATMENT]
    stages = [
        (before, after)
        for action, before, after in _events(complaint)
        if action == EventAction.STAGE
    ]
    assert stages == [
        ("received", "acknowledged"),
        ("acknowledged", "in_handling"),
        ("in_handling", "answered"),
        ("answered", "closed"),
    ]
    assert set(
        complaint.events.exclude(action=EventAction.RECEIVED).values_list("actor", flat=True)
    ) == {complaints_officer.pk}
    assert list(complaint.letters.values_list("kind", flat=True)) == [
        LetterKind.ACKNOWLEDGEMENT,
        LetterKind.ANSWER,
    ]


@pytest.mark.parametrize(
    "move",
    [
        lambda c, u: complaint_start_handling(complaint=c, by=u),
        lambda c, u: complaint_answer(
            complaint=c, by=u, outcome=Outcome.FOUNDED, norms=[], letter=LETTER
        ),
        lambda c, u: complaint_reopen(complaint=c, by=u, reason="De ouder belde terug."),
    ],
    ids=["start", "answer", "reopen"],
)
def test_a_wrong_move_is_refused_and_nothing_is_saved(complaint, complaints_officer, move):
    events_before = _events(complaint)

    with pytest.raises(ValidationError) as error:
        move(complaint, complaints_officer)

    assert error.value.code == "wrong_stage"
    complaint.refresh_from_db()
    assert complaint.stage == Stage.RECEIVED and complaint.outcome == ""
    assert _events(complaint) == events_before
    assert not ComplaintLetter.objects.exists()


def test_a_refusal_is_possible_only_before_the_handling(complaint, complaints_officer):
    _in_handling(complaint, complaints_officer)

    with pytest.raises(ValidationError) as error:
        complaint_refuse(
            complaint=complaint,
            by=complaints_officer,
            refusal_ground=RefusalGround.HANDLED_BEFORE,
            refusal_reason="Zelfde klacht als vorig jaar.",
            letter=LETTER,
        )

    assert error.value.code == "wrong_stage"
    complaint.refresh_from_db()
    assert complaint.stage == Stage.IN_HANDLING and complaint.refusal_ground == ""


@pytest.mark.parametrize("ground", RefusalGround.values)
def test_a_refusal_records_its_ground_and_reason(complaint, complaints_officer, ground):
    complaint_refuse(
        complaint=complaint,
        by=complaints_officer,
        refusal_ground=ground,
        refusal_reason="  De feiten dateren van 2019.  ",
        letter=LETTER,
    )

    complaint.refresh_from_db()
    assert (complaint.stage, complaint.refusal_ground) == (Stage.REFUSED, ground)
    assert complaint.refusal_reason == "De feiten dateren van 2019."
    assert complaint.refused_at is not None
    assert complaint.letters.get().kind == LetterKind.REFUSAL


def test_a_refusal_needs_a_ground_and_a_reason(complaint, complaints_officer):
    with pytest.raises(ValidationError) as error:
        complaint_refuse(
            complaint=complaint,
            by=complaints_officer,
            refusal_ground="because",
            refusal_reason=" \n ",
            letter=LETTER,
        )

    assert set(error.value.message_dict) == {"refusal_ground", "refusal_reason"}
    complaint.refresh_from_db()
    assert complaint.stage == Stage.RECEIVED
    assert not ComplaintLetter.objects.exists()


def test_an_answer_needs_an_outcome_and_known_norms(complaint, complaints_officer):
    _in_handling(complaint, complaints_officer)

    with pytest.raises(ValidationError) as error:
        complaint_answer(
            complaint=complaint, by=complaints_officer, outcome="", norms=[], letter=LETTER
        )
    assert list(error.value.message_dict) == ["outcome"]
    with pytest.raises(ValidationError) as error:
        complaint_answer(
            complaint=complaint,
            by=complaints_officer,
            outcome=Outcome.FOUNDED,
            norms=["kindness"],
            letter=LETTER,
        )
    assert list(error.value.message_dict) == ["norms"]
    complaint.refresh_from_db()
    assert complaint.stage == Stage.IN_HANDLING and complaint.letters.count() == 1


def test_an_answer_with_an_empty_letter_saves_nothing(complaint, complaints_officer):
    _in_handling(complaint, complaints_officer)

    with pytest.raises(ValidationError) as error:
        complaint_answer(
            complaint=complaint,
            by=complaints_officer,
            outcome=Outcome.FOUNDED,
            norms=[],
            letter=LetterDraft(subject="Antwoord", body="   "),
        )

    assert list(error.value.message_dict) == ["body"]
    complaint.refresh_from_db()
    assert complaint.stage == Stage.IN_HANDLING and complaint.outcome == ""
    assert not complaint.events.filter(action=EventAction.OUTCOME).exists()


def test_reopening_needs_a_reason_and_keeps_the_first_answer_date(complaint, complaints_officer):
    _answered(complaint, complaints_officer)
    complaint.refresh_from_db()
    first_answer = complaint.answered_at

    with pytest.raises(ValidationError):
        complaint_reopen(complaint=complaint, by=complaints_officer, reason="")
    complaint_reopen(
        complaint=complaint, by=complaints_officer, reason="De ouder is niet tevreden."
    )
    complaint_answer(
        complaint=complaint,
        by=complaints_officer,
        outcome=Outcome.FOUNDED,
        norms=[],
        letter=LETTER,
    )

    complaint.refresh_from_db()
    assert complaint.stage == Stage.ANSWERED and complaint.outcome == Outcome.FOUNDED
    assert complaint.answered_at == first_answer
    reopened = complaint.events.get(stage_before=Stage.ANSWERED, stage_after=Stage.IN_HANDLING)
    assert reopened.detail == "De ouder is niet tevreden."


@pytest.mark.parametrize("stage", [Stage.RECEIVED, Stage.ACKNOWLEDGED, Stage.REFUSED])
def test_solved_to_the_parents_satisfaction_at_any_stage_once(complaint, complaints_officer, stage):
    Complaint.objects.filter(pk=complaint.pk).update(
        stage=stage, refusal_ground=RefusalGround.NO_INTEREST if stage == Stage.REFUSED else ""
    )

    complaint_mark_solved(complaint=complaint, by=complaints_officer, note="Excuses aanvaard.")
    complaint_mark_solved(complaint=complaint, by=complaints_officer, note="Nog eens.")

    complaint.refresh_from_db()
    assert complaint.solved_at is not None and complaint.stage == stage
    event = complaint.events.get(action=EventAction.SOLVED)
    assert event.detail == "Excuses aanvaard."


def test_a_closed_complaint_cannot_be_marked_solved(complaint, complaints_officer):
    complaint_mark_not_a_complaint(complaint=complaint, by=complaints_officer, reason="Een vraag.")

    with pytest.raises(ValidationError):
        complaint_mark_solved(complaint=complaint, by=complaints_officer, note="Opgelost.")


def test_not_a_complaint_is_registered_counted_and_closed(complaint, complaints_officer):
    complaint_mark_not_a_complaint(
        complaint=complaint, by=complaints_officer, reason="Een vraag over de openingsuren."
    )

    complaint.refresh_from_db()
    assert (complaint.kind, complaint.stage) == (Kind.NOT_A_COMPLAINT, Stage.CLOSED)
    assert complaint.closed_at is not None
    assert complaint.next_deadline() is None
    assert "Een vraag over de openingsuren." in complaint.events.last().detail


def test_not_a_complaint_needs_a_reason(complaint, complaints_officer):
    with pytest.raises(ValidationError) as error:
        complaint_mark_not_a_complaint(complaint=complaint, by=complaints_officer, reason="")

    assert list(error.value.message_dict) == ["reason"]
    complaint.refresh_from_db()
    assert (complaint.kind, complaint.stage) == (Kind.COMPLAINT, Stage.RECEIVED)


def test_closing_before_an_answer_needs_a_note(complaint, complaints_officer):
    with pytest.raises(ValidationError) as error:
        complaint_close(complaint=complaint, by=complaints_officer)
    assert list(error.value.message_dict) == ["note"]

    complaint_close(complaint=complaint, by=complaints_officer, note="De ouder trok de klacht in.")

    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED
    assert complaint.events.last().detail == "De ouder trok de klacht in."


# --- details, links, codes ---


def test_details_links_and_codes_are_saved_and_each_change_audited(
    complaint, complaints_officer, subject_staff
):
    team = TeamFactory(name="Consultatiebureau Gent")
    staff = StaffMemberFactory(team=team)
    contact = contact_for(staff, external_reference="CALL-123")
    action = ActionFactory(title="Wachttijden beter uitleggen")
    code = CodeFactory(name="Wachttijd")

    complaint_details_update(
        complaint=complaint,
        by=complaints_officer,
        summary="Lange wachttijd op het consultatiebureau",
        service="consultation",
        team=team,
        about_user=subject_staff,
        contact_reference="CALL-123",
        actions=[action],
        codes=[code],
    )

    complaint.refresh_from_db()
    assert complaint.summary == "Lange wachttijd op het consultatiebureau"
    assert (complaint.team, complaint.about_user, complaint.contact) == (
        team,
        subject_staff,
        contact,
    )
    assert list(complaint.actions.all()) == [action]
    assert list(complaint.codes.all()) == [code]
    details = list(
        complaint.events.filter(action__in=[EventAction.DETAILS, EventAction.LINKED]).values_list(
            "actor", flat=True
        )
    )
    assert len(details) == 7 and set(details) == {complaints_officer.pk}
    # The summary's words are personal data: not copied into the audit trail.
    assert not complaint.events.filter(detail__contains="wachttijd op").exists()

    complaint_details_update(complaint=complaint, by=complaints_officer, summary=complaint.summary)
    assert (
        complaint.events.filter(action__in=[EventAction.DETAILS, EventAction.LINKED]).count() == 7
    )


def test_a_contact_is_found_by_its_number_and_an_unknown_one_is_refused(
    complaint, complaints_officer
):
    contact = contact_for(StaffMemberFactory())

    complaint_details_update(
        complaint=complaint, by=complaints_officer, contact_reference=str(contact.pk)
    )
    complaint.refresh_from_db()
    assert complaint.contact == contact

    with pytest.raises(ValidationError) as error:
        complaint_details_update(
            complaint=complaint, by=complaints_officer, contact_reference="NOPE-1"
        )
    assert [e.code for e in error.value.error_dict["contact"]] == ["unknown"]
    complaint.refresh_from_db()
    assert complaint.contact == contact


def test_a_project_code_cannot_code_a_complaint(complaint, complaints_officer, project_page):
    project_code = CodeFactory(name="Slapen", project=project_page)

    with pytest.raises(ValidationError) as error:
        complaint_details_update(complaint=complaint, by=complaints_officer, codes=[project_code])

    assert [e.code for e in error.value.error_dict["codes"]] == ["code_not_global"]
    assert not complaint.codes.exists()


# --- sharing the outcome ---


def test_the_outcome_is_shared_only_once_there_is_one(complaint_about_subject, complaints_officer):
    complaint = complaint_about_subject
    with pytest.raises(ValidationError):
        complaint_share_outcome(complaint=complaint, by=complaints_officer)

    _answered(complaint, complaints_officer)
    complaint_share_outcome(complaint=complaint, by=complaints_officer)
    complaint_share_outcome(complaint=complaint, by=complaints_officer)

    complaint.refresh_from_db()
    assert complaint.outcome_shared_at is not None
    assert complaint.events.filter(action=EventAction.OUTCOME_SHARED).count() == 1


# --- who may ---


@pytest.mark.parametrize(
    "who", ["researcher", "moderator", "admin_user", "safeguarding_officer", "subject_staff"]
)
def test_only_complaints_officers_handle(request, complaint_about_subject, who):
    user = request.getfixturevalue(who)
    complaint = complaint_about_subject

    with pytest.raises(PermissionDenied):
        complaint_acknowledge(complaint=complaint, by=user, letter=LETTER)
    with pytest.raises(PermissionDenied):
        complaint_mark_solved(complaint=complaint, by=user, note="Opgelost")
    with pytest.raises(PermissionDenied):
        complaint_details_update(complaint=complaint, by=user, summary="x")

    complaint.refresh_from_db()
    assert complaint.stage == Stage.RECEIVED and complaint.summary == ""


def test_an_officer_cannot_handle_a_complaint_about_themselves(complaints_officer):
    complaint = ComplaintFactory(about_user=complaints_officer)

    with pytest.raises(PermissionDenied):
        complaint_acknowledge(complaint=complaint, by=complaints_officer, letter=LETTER)


def test_a_staff_role_without_the_second_factor_handles_nothing(complaint):
    officer = UserFactory(roles=[Role.COMPLAINTS_OFFICER], pseudonym="")
    officer.second_factor_passed = False

    with pytest.raises(PermissionDenied):
        complaint_start_handling(complaint=complaint, by=officer)


# --- two officers at once ---


@pytest.mark.races
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@ON_POSTGRESQL
def test_two_officers_acknowledging_at_once_send_one_letter(
    complaints_officer, other_complaints_officer
):
    complaint = ComplaintFactory()
    officers = [complaints_officer, other_complaints_officer] * 2

    def acknowledge(officer) -> str:
        try:
            complaint_acknowledge(
                complaint=Complaint.objects.get(pk=complaint.pk), by=officer, letter=LETTER
            )
        except ValidationError as error:
            return error.code
        return "done"

    outcomes = at_once(len(officers), acknowledge, prepare=officers.__getitem__)

    assert sorted(outcomes) == ["done", "wrong_stage", "wrong_stage", "wrong_stage"]
    assert ComplaintLetter.objects.filter(complaint=complaint).count() == 1
    assert complaint.events.filter(stage_after=Stage.ACKNOWLEDGED).count() == 1
    assert timezone.now() - Complaint.objects.get(pk=complaint.pk).acknowledged_at < (
        datetime.timedelta(minutes=5)
    )
