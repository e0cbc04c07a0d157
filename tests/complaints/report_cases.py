"""A hand-counted year of complaints for the reporting tests (dashboard, annual report,
retention), and a helper that makes a complaint in any stage with consistent dates."""

import datetime

from complaints.models import (
    Complaint,
    ComplaintChannel,
    Kind,
    OmbudsNorm,
    Outcome,
    RefusalGround,
    Service,
    Stage,
)
from feedback.services.aggregates import REPORT_TIME_ZONE
from insights.models import Action, ActionStatus
from tests.complaints.factories import ComplaintFactory

YEAR = 2025


def brussels(year: int, month: int, day: int, hour: int = 12, minute: int = 0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=REPORT_TIME_ZONE)


def complaint_made(
    received_at: datetime.datetime,
    *,
    stage: str = Stage.RECEIVED,
    answered_after: int | None = None,
    refused: str = "",
    closed: bool = False,
    solved: bool = False,
    actions: list[Action] | None = None,
    **fields,
) -> Complaint:
    """A complaint received at `received_at`, moved to `stage` with the moments a handler's
    steps would have set: acknowledged two days later, answered `answered_after` days after
    receipt, refused on `refused` ground, closed a day after its last step."""
    moments: dict = {}
    if stage != Stage.RECEIVED and not refused:
        moments["acknowledged_at"] = received_at + datetime.timedelta(days=2)
    if stage in (Stage.IN_HANDLING, Stage.ANSWERED, Stage.CLOSED) and not refused:
        moments["handling_started_at"] = received_at + datetime.timedelta(days=3)
    if answered_after is not None:
        moments["answered_at"] = received_at + datetime.timedelta(days=answered_after)
    if refused:
        moments["refused_at"] = received_at + datetime.timedelta(days=5)
        moments["refusal_ground"] = refused
        moments["refusal_reason"] = "De feiten zijn ouder dan een jaar."
    if closed:
        steps = [value for value in moments.values() if isinstance(value, datetime.datetime)]
        moments["closed_at"] = max(steps, default=received_at) + datetime.timedelta(days=1)
    if solved:
        moments["solved_at"] = received_at + datetime.timedelta(days=4)
    complaint = ComplaintFactory(received_at=received_at, stage=stage, **moments, **fields)
    if actions:
        complaint.actions.set(actions)
    return complaint


def year_of_complaints(year: int = YEAR) -> dict:
    """Eight messages received in `year` (Brussels) and two just outside it:

    1 web form, consultation: founded, answered in 10 days, solved, closed; norms correct
      treatment and timeliness
    2 phone, home visit: unfounded, answered in 50 days (late); norm timeliness
    3 e-mail, consultation: refused (no interest)
    4 letter, helpline: refused (older than a year)
    5 web form: not a complaint, closed
    6 desk, childcare: received only, at 00:30 on 1 January (23:30 UTC the day before)
    7 web form, consultation: partly founded, answered on day 45; norm correct treatment;
      action A
    8 web form, consultation: in handling, no outcome yet; actions A and B
    """
    action_a = Action.objects.create(
        title="Wachttijd aan de telefoon korter", owner="K&G-Lijn", status=ActionStatus.DONE
    )
    action_b = Action.objects.create(title="Uitleg over het groeipakket", owner="Communicatie")
    made = [
        complaint_made(
            brussels(year, 2, 3),
            stage=Stage.CLOSED,
            answered_after=10,
            closed=True,
            solved=True,
            channel=ComplaintChannel.WEB_FORM,
            service=Service.CONSULTATION,
            outcome=Outcome.FOUNDED,
            norms=[OmbudsNorm.CORRECT_TREATMENT, OmbudsNorm.TIMELINESS],
        ),
        complaint_made(
            brussels(year, 3, 14),
            stage=Stage.ANSWERED,
            answered_after=50,
            channel=ComplaintChannel.PHONE,
            service=Service.HOME_VISIT,
            outcome=Outcome.UNFOUNDED,
            norms=[OmbudsNorm.TIMELINESS],
        ),
        complaint_made(
            brussels(year, 5, 2),
            stage=Stage.REFUSED,
            refused=RefusalGround.NO_INTEREST,
            channel=ComplaintChannel.EMAIL,
            service=Service.CONSULTATION,
        ),
        complaint_made(
            brussels(year, 6, 30),
            stage=Stage.CLOSED,
            refused=RefusalGround.OLDER_THAN_A_YEAR,
            closed=True,
            channel=ComplaintChannel.LETTER,
            service=Service.HELPLINE,
        ),
        complaint_made(
            brussels(year, 7, 1),
            stage=Stage.CLOSED,
            closed=True,
            kind=Kind.NOT_A_COMPLAINT,
            channel=ComplaintChannel.WEB_FORM,
        ),
        complaint_made(
            brussels(year, 1, 1, 0, 30),
            channel=ComplaintChannel.DESK,
            service=Service.CHILDCARE,
        ),
        complaint_made(
            brussels(year, 9, 10),
            stage=Stage.ANSWERED,
            answered_after=45,
            channel=ComplaintChannel.WEB_FORM,
            service=Service.CONSULTATION,
            outcome=Outcome.PARTLY_FOUNDED,
            norms=[OmbudsNorm.CORRECT_TREATMENT],
            actions=[action_a],
        ),
        complaint_made(
            brussels(year, 12, 31, 23, 30),
            stage=Stage.IN_HANDLING,
            channel=ComplaintChannel.WEB_FORM,
            service=Service.CONSULTATION,
            actions=[action_a, action_b],
        ),
    ]
    outside = [
        complaint_made(brussels(year - 1, 12, 31, 23, 30), channel=ComplaintChannel.PHONE),
        complaint_made(brussels(year + 1, 1, 1, 0, 10), channel=ComplaintChannel.PHONE),
    ]
    return {"made": made, "outside": outside, "actions": (action_a, action_b)}
