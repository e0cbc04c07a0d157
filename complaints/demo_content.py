"""The complaints demo: about 40 complaints received over the past 14 months, in every stage —
received, acknowledged, refused on each legal ground, in handling, answered with an outcome
and ombudsman norms, closed, solved to the parent's satisfaction, and two messages that were
not a complaint. Some were answered after the 45 days and a few open ones are overdue, so
the dashboard and last year's annual report show real figures after `make run`.

Found and called by `manage.py seed_demo` after the feedback demo (projects looks for a
`seed` function in each app's demo_content module, in INSTALLED_APPS order). Idempotent:
once the first demo complaint exists, nothing is added.

Every step goes through the services, as the complaints staff would take it (receipt,
assignment, acknowledgement, refusal, conciliation log, answer, closing, links to insights
actions), acted by the demo complaints officer and lead. The services stamp each step with the
present moment; the demo then moves that step's rows (the stage's moment, its audit lines,
its letter, its log entry) to the day the story says. The demo letters count as sent back
then: they are marked e-mailed, so no mail goes to the demo addresses.
"""

import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from community.models import Notification, Role, User
from community.services import user_create
from complaints.models import (
    Complaint,
    ComplaintChannel,
    ComplaintEvent,
    ComplaintLetter,
    ConciliationEntry,
    ConciliationKind,
    LetterKind,
    OmbudsNorm,
    Outcome,
    RefusalGround,
    Service,
)
from complaints.services.conciliation import conciliation_entry_add
from complaints.services.details import (
    complaint_codes,
    complaint_details_update,
    complaint_share_outcome,
)
from complaints.services.handling import (
    complaint_acknowledge,
    complaint_answer,
    complaint_assign,
    complaint_close,
    complaint_mark_not_a_complaint,
    complaint_mark_solved,
    complaint_refuse,
    complaint_start_handling,
)
from complaints.services.letters import (
    LetterDraft,
    letter_fill,
    letter_language,
    letter_template_default,
    letter_templates,
)
from complaints.services.register import complaint_receive
from complaints.services.safeguarding import complaint_flag_safeguarding
from insights.models import Action, ActionStatus
from insights.services.insights import action_create, action_status_change

DEMO_PASSWORD = "demo-ouders-2026"
OFFICER_EMAIL = "klachten@example.org"
LEAD_EMAIL = "klachtenverantwoordelijke@example.org"
SAFEGUARDING_EMAIL = "kindveiligheid@example.org"
# The demo staff accounts (also in seed_demo's DEMO_ACCOUNTS, which makes them first).
STAFF_ACCOUNTS = [
    (OFFICER_EMAIL, "Klachtenbehandelaar", Role.COMPLAINTS_OFFICER),
    (LEAD_EMAIL, "Klachtenverantwoordelijke", Role.COMPLAINTS_LEAD),
    (SAFEGUARDING_EMAIL, "Aanspreekpunt Kindveiligheid", Role.SAFEGUARDING_OFFICER),
]
# The staff member one demo complaint is about (made by the feedback demo), and the demo
# parents whose accounts filed two complaints.
SUBJECT_EMAIL = "medewerker@example.org"
PARENT_EMAILS = ("ouder1@example.org", "ouder2@example.org")

# What parents wrote: (what happened, what they would like, the handler's short summary).
STORIES = [
    (
        "We hadden om 9 uur een afspraak op het consultatiebureau. Pas om 10.15 uur waren we "
        "aan de beurt en niemand zei waarom we zo lang moesten wachten.",
        "Dat ouders horen hoe lang ze nog moeten wachten.",
        "Lang wachten zonder uitleg",
    ),
    (
        "Ik belde drie keer naar de K&G-Lijn en kreeg telkens een ander antwoord over de "
        "vaccinatie van mijn dochter.",
        "Eén duidelijk antwoord, schriftelijk.",
        "Tegenstrijdige antwoorden aan de telefoon",
    ),
    (
        "De verpleegkundige was bij het huisbezoek kortaf en luisterde niet naar mijn vragen "
        "over borstvoeding.",
        "Een nieuw huisbezoek met meer tijd.",
        "Kortaf tijdens het huisbezoek",
    ),
    (
        "Mijn groeipakket voor de tweede maand kwam niet, en de brief die ik kreeg begreep ik "
        "niet.",
        "Uitleg in eenvoudige woorden en het bedrag dat ik nog krijg.",
        "Onduidelijke brief over het groeipakket",
    ),
    (
        "Ik stuurde een e-mail met een vraag over slapen en kreeg na drie weken nog geen antwoord.",
        "Een antwoord op mijn vraag.",
        "Geen antwoord op een e-mail",
    ),
    (
        "In de kinderopvang werd mijn zoon niet op tijd verschoond. Ik meldde het aan de "
        "opvang en daarna aan Kind en Gezin, maar hoorde niets meer.",
        "Dat iemand het opvolgt en me laat weten wat er gebeurt.",
        "Melding over de opvang niet opgevolgd",
    ),
    (
        "De app toont een verkeerde afspraak. Ik stond voor een gesloten deur.",
        "Dat de app juist is en een nieuwe afspraak.",
        "Verkeerde afspraak in de app",
    ),
    (
        "Het consultatiebureau is niet bereikbaar met de kinderwagen: er is geen lift en "
        "niemand hielp ons de trap op.",
        "Een consultatie op de benedenverdieping.",
        "Consultatiebureau niet toegankelijk",
    ),
    (
        "Tijdens de consultatie werd in de wachtzaal luid over de gezondheid van mijn baby "
        "gepraat, zodat iedereen het hoorde.",
        "Dat zulke gesprekken in een aparte ruimte gebeuren.",
        "Privacy in de wachtzaal",
    ),
    (
        "Mijn afspraak werd de avond ervoor afgezegd met een sms, zonder nieuwe datum.",
        "Een nieuwe afspraak deze week.",
        "Afspraak afgezegd zonder nieuwe datum",
    ),
]
NOT_A_COMPLAINT = (
    "Vanaf welke leeftijd mag mijn baby water drinken? Ik vind het nergens.",
    "Een antwoord.",
    "Vraag over water drinken",
)
PEOPLE = [
    ("Sofie Janssens", "sofie.janssens@example.org", ""),
    ("Youssef El Amrani", "youssef.elamrani@example.org", ""),
    ("Lotte Peeters", "lotte.peeters@example.org", ""),
    ("Marc Wouters", "", "Kerkstraat 12, 2000 Antwerpen"),
    ("Ayse Demir", "ayse.demir@example.org", ""),
    ("Jonas Claes", "jonas.claes@example.org", ""),
    ("Fatima Bakkali", "", "Stationsplein 3, 9000 Gent"),
    ("Els Maes", "els.maes@example.org", ""),
]
NORMS = [
    [OmbudsNorm.CORRECT_TREATMENT],
    [OmbudsNorm.TIMELINESS, OmbudsNorm.ACTIVE_SERVICE],
    [OmbudsNorm.CORRESPONDENCE],
    [OmbudsNorm.DUE_CARE, OmbudsNorm.REASONING],
    [OmbudsNorm.ACCESSIBILITY],
    [OmbudsNorm.PRIVACY, OmbudsNorm.CORRECT_TREATMENT],
]
ACTIONS = [
    (
        "Ouders in de wachtzaal laten weten hoe lang ze nog wachten",
        "Consultatiebureaus",
        ActionStatus.IN_PROGRESS,
    ),
    (
        "De brieven over het groeipakket herschrijven in eenvoudige taal",
        "Communicatie",
        ActionStatus.DONE,
    ),
]

W, E, P, L, D = (
    ComplaintChannel.WEB_FORM,
    ComplaintChannel.EMAIL,
    ComplaintChannel.PHONE,
    ComplaintChannel.LETTER,
    ComplaintChannel.DESK,
)
# (days ago received, channel, service, how far it got, outcome, days to the answer)
# how far: received / acknowledged / handling / refused:<ground> / answered / closed / solved
# / not_a_complaint.
COMPLAINTS = [
    (2, W, Service.CONSULTATION, "received", "", 0),
    (4, P, Service.HELPLINE, "received", "", 0),
    (13, W, Service.HOME_VISIT, "received", "", 0),  # acknowledgement overdue
    (6, E, Service.ALLOWANCE, "acknowledged", "", 0),
    (20, W, Service.CHILDCARE, "acknowledged", "", 0),
    (52, L, Service.CONSULTATION, "acknowledged", "", 0),  # answer overdue
    (15, W, Service.CONSULTATION, "handling", "", 0),
    (30, P, Service.HOME_VISIT, "handling", "", 0),
    (41, W, Service.WEBSITE, "handling", "", 0),  # answer due within 5 days
    (60, D, Service.CONSULTATION, "handling", "", 0),  # answer overdue
    (8, W, Service.OTHER, "not_a_complaint", "", 0),
    (35, W, Service.CONSULTATION, "answered", Outcome.PARTLY_FOUNDED, 25),
    (70, E, Service.HELPLINE, "answered", Outcome.UNFOUNDED, 40),
    (90, W, Service.HOME_VISIT, "answered", Outcome.FOUNDED, 52),  # late
    (25, W, Service.ALLOWANCE, f"refused:{RefusalGround.OLDER_THAN_A_YEAR}", "", 0),
    (100, E, Service.CONSULTATION, f"refused:{RefusalGround.HANDLED_BEFORE}", "", 0),
    (160, L, Service.OTHER, f"refused:{RefusalGround.APPEAL_NOT_USED}", "", 0),
    (300, W, Service.CHILDCARE, f"refused:{RefusalGround.MANIFESTLY_UNFOUNDED}", "", 0),
    (380, P, Service.ALLOWANCE, f"refused:{RefusalGround.COURT_CASE}", "", 0),
    (110, W, Service.CONSULTATION, "closed", Outcome.FOUNDED, 30),
    (125, P, Service.HELPLINE, "closed", Outcome.PARTLY_FOUNDED, 44),
    (140, W, Service.HOME_VISIT, "closed", Outcome.UNFOUNDED, 20),
    (150, E, Service.WEBSITE, "closed", Outcome.NO_JUDGEMENT, 38),
    (175, W, Service.CONSULTATION, "closed", Outcome.FOUNDED, 58),  # late
    (190, D, Service.CONSULTATION, "closed", Outcome.PARTLY_FOUNDED, 35),
    (210, W, Service.CHILDCARE, "closed", Outcome.UNFOUNDED, 41),
    (230, L, Service.HOME_VISIT, "closed", Outcome.FOUNDED, 47),  # late
    (250, W, Service.CONSULTATION, "closed", Outcome.PARTLY_FOUNDED, 28),
    (270, P, Service.HELPLINE, "closed", Outcome.UNFOUNDED, 15),
    (290, W, Service.CONSULTATION, "closed", Outcome.FOUNDED, 33),
    (310, E, Service.ALLOWANCE, "closed", Outcome.PARTLY_FOUNDED, 61),  # late
    (330, W, Service.HOME_VISIT, "closed", Outcome.FOUNDED, 22),
    (350, W, Service.CONSULTATION, "closed", Outcome.UNFOUNDED, 39),
    (365, P, Service.CONSULTATION, "closed", Outcome.PARTLY_FOUNDED, 45),
    (395, W, Service.HELPLINE, "closed", Outcome.FOUNDED, 18),
    (415, L, Service.HOME_VISIT, "closed", Outcome.NO_JUDGEMENT, 50),  # late
    (80, P, Service.CONSULTATION, "solved", Outcome.FOUNDED, 12),
    (200, W, Service.HOME_VISIT, "solved", Outcome.PARTLY_FOUNDED, 16),
    (340, D, Service.HELPLINE, "solved", Outcome.FOUNDED, 9),
    (400, W, Service.OTHER, "not_a_complaint", "", 0),
]
OPEN_PATHS = ("received", "acknowledged", "handling")
REFUSAL_KEPT_OPEN_DAYS = 30
# Complaint (index in COMPLAINTS) → the demo actions (index in ACTIONS) that followed it.
ACTION_LINKS = {19: [0], 23: [0], 29: [0], 6: [0], 30: [1], 3: [1]}
SUBJECT_COMPLAINT = 21  # about the demo nurse, its outcome shared with her
SAFEGUARDING_COMPLAINT = 7
PARENT_ACCOUNT_COMPLAINTS = {0: 0, 12: 1}  # complaint → demo parent filing it logged in
REFUSAL_REASONS = {
    RefusalGround.OLDER_THAN_A_YEAR: "Wat u beschrijft, gebeurde in 2023: meer dan een jaar "
    "voor u klaagde.",
    RefusalGround.HANDLED_BEFORE: "Wij behandelden dezelfde klacht al in maart; u kreeg toen "
    "ons antwoord.",
    RefusalGround.APPEAL_NOT_USED: "Tegen deze beslissing kunt u eerst bezwaar aantekenen; "
    "dat deed u nog niet.",
    RefusalGround.MANIFESTLY_UNFOUNDED: "De opvang was die dag gesloten, zoals vooraf gemeld.",
    RefusalGround.COURT_CASE: "Over dezelfde feiten loopt een zaak bij de rechtbank.",
    RefusalGround.NO_INTEREST: "U bent niet betrokken bij wat u beschrijft.",
}


def _staff(email: str, name: str, role: Role) -> User:
    """A demo staff account acting as in a session that passed the second factor (the demo
    stands in for them at the keyboard); made with the other demo accounts' password when
    missing."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        first_name, _, last_name = name.partition(" ")
        user = user_create(
            email=email,
            password=DEMO_PASSWORD,
            roles=[role],
            first_name=first_name,
            last_name=last_name,
            email_verified=True,
        )
    user.second_factor_passed = True
    return user


class _Story:
    """Takes the steps of one complaint through the services and moves each step's rows to
    the moment the story says it happened."""

    def __init__(
        self, complaint: Complaint, received_at: datetime.datetime, *, still_open: bool
    ) -> None:
        self.complaint = complaint
        self.received_at = received_at
        self.now = timezone.now()
        # The notifications of a complaint that is no longer open were read back then.
        self.still_open = still_open

    def on_day(self, days: float) -> datetime.datetime:
        moment = self.received_at + datetime.timedelta(days=days)
        return min(moment, self.now - datetime.timedelta(minutes=5))

    def step(self, days: float, call: Callable[[Complaint], object], stamp: str = "") -> Complaint:
        when = self.on_day(days)
        since = timezone.now()
        call(self.complaint)
        pk = self.complaint.pk
        if stamp:
            Complaint.objects.filter(pk=pk).update(**{stamp: when})
        ComplaintEvent.objects.filter(complaint_id=pk, at__gte=since).update(at=when)
        letters = ComplaintLetter.objects.filter(complaint_id=pk, sent_at__gte=since)
        letters.filter(by_post=False).update(emailed_at=when)
        letters.update(sent_at=when)
        ConciliationEntry.objects.filter(complaint_id=pk, created_at__gte=since).update(
            created_at=when
        )
        notifications = Notification.objects.filter(created_at__gte=since)
        if self.still_open:
            notifications.update(created_at=when)
        else:
            notifications.update(created_at=when, read_at=when, emailed_at=when)
        self.complaint = Complaint.objects.get(pk=pk)
        return self.complaint


def _letter(complaint: Complaint, kind: str, **values) -> LetterDraft:
    template = letter_template_default(
        letter_templates(kind), kind=kind, language=letter_language(complaint)
    )
    if template is None:
        return LetterDraft(
            subject=f"Uw klacht {complaint.reference}",
            body=f"Beste {complaint.name or 'mevrouw, meneer'},\n\nWij ontvingen uw klacht.",
        )
    return letter_fill(template=template, complaint=complaint, **values)


@transaction.atomic
def seed(stdout=None) -> int:
    """Make the demo complaints once; returns how many were made (0 when they exist)."""
    # Like the feedback demo: only a register without complaints gets the demo ones.
    if Complaint.objects.exists():
        return 0
    officer, lead, _safeguarding = (_staff(*spec) for spec in STAFF_ACCOUNTS)
    actions = _actions_seed(lead)
    codes = list(complaint_codes()[:4])
    subject = User.objects.filter(email__iexact=SUBJECT_EMAIL).first()
    parents = [User.objects.filter(email__iexact=email).first() for email in PARENT_EMAILS]
    now = timezone.localtime()
    for index, spec in enumerate(COMPLAINTS):
        received_at = now.replace(
            hour=8 + index % 9, minute=(index * 7) % 60, second=0, microsecond=0
        ) - datetime.timedelta(days=spec[0])
        handler = lead if index % 4 == 3 else officer
        parent = (
            parents[PARENT_ACCOUNT_COMPLAINTS[index]]
            if index in PARENT_ACCOUNT_COMPLAINTS
            else None
        )
        story = _receive(index, spec, received_at, officer, parent)
        _handle(
            story,
            spec,
            index=index,
            lead=lead,
            handler=handler,
            actions=[actions[number] for number in ACTION_LINKS.get(index, [])],
            codes=[codes[index % len(codes)]] if codes and spec[4] else [],
            subject=subject if index == SUBJECT_COMPLAINT else None,
        )
    if stdout is not None:
        stdout.write(f"Demo complaints ready ({len(COMPLAINTS)} complaints).")
    return len(COMPLAINTS)


def _actions_seed(lead: User) -> list[Action]:
    made = []
    for title, owner, status in ACTIONS:
        action = Action.objects.filter(title=title).first()
        if action is None:
            action = action_create(user=lead, insight=None, title=title, owner=owner)
            if status != ActionStatus.PLANNED:
                action_status_change(user=lead, action=action, to_status=ActionStatus.IN_PROGRESS)
            if status == ActionStatus.DONE:
                action_status_change(user=lead, action=action, to_status=ActionStatus.DONE)
        made.append(action)
    return made


def _receive(
    index: int,
    spec: tuple,
    received_at: datetime.datetime,
    officer: User,
    parent: User | None,
) -> _Story:
    _days_ago, channel, service, path, _outcome, _answer_days = spec
    if path == "not_a_complaint":
        what, wish, _summary = NOT_A_COMPLAINT
    else:
        what, wish, _summary = STORIES[index % len(STORIES)]
    name, email, address = PEOPLE[index % len(PEOPLE)]
    if channel == ComplaintChannel.LETTER and not address:
        address = "Grote Markt 1, 3000 Leuven"
    if parent is not None:
        name, email = parent.get_full_name() or name, parent.email
    complaint, _token = complaint_receive(
        channel=channel,
        what_happened=what,
        registered_by=None if channel == ComplaintChannel.WEB_FORM else officer,
        received_at=received_at,
        service=service,
        desired_solution=wish,
        name=name,
        email=email,
        postal_address=address,
        user=parent,
    )
    return _Story(complaint, received_at, still_open=path in OPEN_PATHS)


def _handle(
    story: _Story,
    spec: tuple,
    *,
    index: int,
    lead: User,
    handler: User,
    actions: list[Action],
    codes: list,
    subject: User | None,
) -> None:
    _days_ago, _channel, _service, path, outcome, answer_days = spec
    summary = NOT_A_COMPLAINT[2] if path == "not_a_complaint" else STORIES[index % len(STORIES)][2]
    story.step(
        0.1,
        lambda complaint: complaint_assign(complaint=complaint, handler=handler, by=lead),
    )
    story.step(
        0.2,
        lambda complaint: complaint_details_update(
            complaint=complaint, by=handler, summary=summary, about_user=subject
        ),
    )
    if path == "received":
        return
    if path == "not_a_complaint":
        story.step(
            2,
            lambda complaint: complaint_mark_not_a_complaint(
                complaint=complaint,
                by=handler,
                reason="Een vraag om informatie: doorgestuurd naar de K&G-Lijn.",
            ),
            stamp="closed_at",
        )
        return
    if path.startswith("refused:"):
        ground = path.split(":", 1)[1]
        reason = REFUSAL_REASONS[ground]
        story.step(
            5,
            lambda complaint: complaint_refuse(
                complaint=complaint,
                by=handler,
                refusal_ground=ground,
                refusal_reason=reason,
                letter=_letter(
                    complaint, LetterKind.REFUSAL, refusal_ground=ground, refusal_reason=reason
                ),
            ),
            stamp="refused_at",
        )
        # A recent refusal is still open to the parent's reaction; older ones were closed.
        if story.received_at < story.now - datetime.timedelta(days=REFUSAL_KEPT_OPEN_DAYS):
            story.step(10, lambda c: complaint_close(complaint=c, by=handler), stamp="closed_at")
        return
    story.step(
        2 + index % 3,
        lambda complaint: complaint_acknowledge(
            complaint=complaint,
            by=handler,
            letter=_letter(complaint, LetterKind.ACKNOWLEDGEMENT),
        ),
        stamp="acknowledged_at",
    )
    if actions or codes:
        story.step(
            3 + index % 3,
            lambda complaint: complaint_details_update(
                complaint=complaint, by=handler, actions=actions, codes=codes
            ),
        )
    if path == "acknowledged":
        return
    story.step(
        4 + index % 3,
        lambda complaint: complaint_start_handling(complaint=complaint, by=handler),
        stamp="handling_started_at",
    )
    _conciliate(story, handler, ConciliationKind.CALL, 6 + index % 3, CALLS[index % len(CALLS)])
    if index == SAFEGUARDING_COMPLAINT:
        story.step(
            6.5,
            lambda complaint: complaint_flag_safeguarding(
                complaint=complaint,
                by=handler,
                note="De ouder vertelt dat de baby sinds dagen slecht drinkt en sloom is.",
            ),
        )
    if path == "handling":
        return
    if path == "solved":
        _conciliate(story, handler, ConciliationKind.AGREEMENT, 8, AGREEMENT)
        story.step(
            9,
            lambda complaint: complaint_mark_solved(
                complaint=complaint,
                by=handler,
                note="Nieuwe afspraak gemaakt; de ouder is tevreden.",
            ),
            stamp="solved_at",
        )
    norms = NORMS[index % len(NORMS)]
    story.step(
        answer_days,
        lambda complaint: complaint_answer(
            complaint=complaint,
            by=handler,
            outcome=outcome,
            norms=norms,
            letter=_letter(complaint, LetterKind.ANSWER, outcome=outcome),
        ),
        stamp="answered_at",
    )
    if path == "answered":
        return
    story.step(
        answer_days + 5, lambda c: complaint_close(complaint=c, by=handler), stamp="closed_at"
    )
    if subject is not None:
        story.step(answer_days + 6, lambda c: complaint_share_outcome(complaint=c, by=handler))


CALLS = [
    "De ouder gebeld. Ze legde uit wat er gebeurde en vroeg vooral om uitleg.",
    "Telefonisch gesproken met de ouder en met de teamverantwoordelijke van het bureau.",
    "De ouder teruggebeld; we spraken af dat we binnen twee weken antwoorden.",
]
AGREEMENT = "Afgesproken: een nieuwe afspraak volgende week, met meer tijd voor vragen."


def _conciliate(story: _Story, handler: User, kind: str, days: float, summary: str) -> None:
    happened_on = timezone.localdate(story.on_day(days))
    story.step(
        days,
        lambda complaint: conciliation_entry_add(
            complaint=complaint, kind=kind, happened_on=happened_on, summary=summary, by=handler
        ),
    )
