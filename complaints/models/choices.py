"""The fixed lists of complaint handling: channels, stages, the legal refusal grounds, outcomes
and the Flemish ombudsman's norms (Bestuursdecreet articles II.74–II.87)."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

# Calendar days from the date of receipt (Bestuursdecreet art. II.79 and II.81).
ACKNOWLEDGE_WITHIN_DAYS = 10
ANSWER_WITHIN_DAYS = 45
# A handler is warned this many days before a deadline.
WARN_DAYS_BEFORE = 5


class ComplaintChannel(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    DESK = "desk", _("In person at a desk")


class Service(models.TextChoices):
    """What the complaint is about, as a parent names it on the public form."""

    CONSULTATION = "consultation", _("Consultation bureau")
    HOME_VISIT = "home_visit", _("Home visit")
    HELPLINE = "helpline", _("K&G-Lijn (phone)")
    EMAIL = "email", _("E-mail answer")
    CHILDCARE = "childcare", _("Childcare")
    ALLOWANCE = "allowance", _("Growth package (allowances)")
    WEBSITE = "website", _("Website or app")
    OTHER = "other", _("Something else")


class Stage(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    REFUSED = "refused", _("Refused")
    IN_HANDLING = "in_handling", _("In handling")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


# Where each stage may go next. "Solved to the parent's satisfaction" is not a stage: it is
# recorded at any stage (Complaint.solved_at) and may be followed by closing.
NEXT_STAGES = {
    Stage.RECEIVED: (Stage.ACKNOWLEDGED, Stage.REFUSED, Stage.CLOSED),
    Stage.ACKNOWLEDGED: (Stage.REFUSED, Stage.IN_HANDLING, Stage.CLOSED),
    Stage.IN_HANDLING: (Stage.ANSWERED, Stage.CLOSED),
    Stage.REFUSED: (Stage.CLOSED,),
    Stage.ANSWERED: (Stage.CLOSED, Stage.IN_HANDLING),
    Stage.CLOSED: (),
}
OPEN_STAGES = (Stage.RECEIVED, Stage.ACKNOWLEDGED, Stage.IN_HANDLING)


class Kind(models.TextChoices):
    """A message that is not a complaint (a question, a first request for a service, a
    suggestion) is registered, counted in the annual report as such, and closed."""

    COMPLAINT = "complaint", _("Complaint")
    NOT_A_COMPLAINT = "not_a_complaint", _("Not a complaint")


class RefusalGround(models.TextChoices):
    """The grounds on which a complaint may be left unhandled (Bestuursdecreet art. II.79)."""

    HANDLED_BEFORE = "handled_before", _("The same complaint was handled before")
    OLDER_THAN_A_YEAR = "older_than_a_year", _("The facts are more than a year old")
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded", _("The complaint is manifestly unfounded")
    NO_INTEREST = "no_interest", _("The complainant shows no interest")
    APPEAL_NOT_USED = "appeal_not_used", _("The legal means of appeal were not used")
    COURT_CASE = "court_case", _("A court case about the facts is pending")


class Outcome(models.TextChoices):
    FOUNDED = "founded", _("Founded")
    PARTLY_FOUNDED = "partly_founded", _("Partly founded")
    UNFOUNDED = "unfounded", _("Unfounded")
    NO_JUDGEMENT = "no_judgement", _("No judgement")


class OmbudsNorm(models.TextChoices):
    """The norms of proper conduct of the Vlaamse Ombudsdienst (ombudsnormen)."""

    LAWFULNESS = "lawfulness", _("Acting in accordance with the law")
    EQUALITY = "equality", _("Equality and impartiality")
    REASONABLENESS = "reasonableness", _("Reasonableness and proportionality")
    LEGAL_CERTAINTY = "legal_certainty", _("Legal certainty and legitimate trust")
    REASONING = "reasoning", _("Adequate reasoning")
    CORRESPONDENCE = "correspondence", _("Proper correspondence")
    DUE_CARE = "due_care", _("Due care")
    TIMELINESS = "timeliness", _("Reasonable time")
    CORRECT_TREATMENT = "correct_treatment", _("Correct treatment")
    ACTIVE_SERVICE = "active_service", _("Active service")
    COORDINATION = "coordination", _("Efficient coordination")
    PRIVACY = "privacy", _("Respect for privacy")
    ACCESSIBILITY = "accessibility", _("Accessibility")
    COMPLAINT_HANDLING = "complaint_handling", _("Adequate complaint handling")


class LetterKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of receipt")
    REFUSAL = "refusal", _("Refusal")
    ANSWER = "answer", _("Answer")


class ConciliationKind(models.TextChoices):
    CALL = "call", _("Phone call")
    MEETING = "meeting", _("Meeting")
    MESSAGE = "message", _("E-mail or letter")
    AGREEMENT = "agreement", _("Agreement")


class Deadline(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledgement or refusal")
    ANSWER = "answer", _("Answer")


def acknowledge_due(received_on: datetime.date) -> datetime.date:
    return received_on + datetime.timedelta(days=ACKNOWLEDGE_WITHIN_DAYS)


def answer_due(received_on: datetime.date) -> datetime.date:
    return received_on + datetime.timedelta(days=ANSWER_WITHIN_DAYS)
