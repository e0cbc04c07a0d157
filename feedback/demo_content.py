"""Feedback's demo content: regions, teams, staff members and 13 months of contacts and
responses in the four channels, so the team view and last month's report show real charts
after `make run`.

Found and called by `manage.py seed_demo` (projects looks for a `seed` function in each app's
demo_content module). Idempotent: once the demo regions exist, nothing is added. Contacts
and responses go through the services, as the channels would; only their dates are moved
into the past afterwards.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from community.models import Role, User
from community.services import user_create
from feedback.models import (
    LOW_SCORE,
    Channel,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Invitation,
    QuestionAnswered,
    Region,
    StaffMember,
    Team,
)
from feedback.services.followups import follow_up_open
from feedback.services.reports import monthly_report_run
from feedback.services.surveys import contact_create, invitation_create, response_record

DEMO_PASSWORD = "demo-ouders-2026"
TEAM_LEAD_EMAIL = "teamverantwoordelijke@example.org"
MONTHS = 13
SEED = 15

# region → teams; each team: (name, [(e-mail, display name, staff number, channels)])
ORGANISATION = {
    "Antwerpen": [
        (
            "Consultatiebureau Berchem",
            [
                ("medewerker@example.org", "Verpleegkundige An", "KG10001", ["consultation"]),
                ("medewerker2@example.org", "Arts Bram", "KG10002", ["consultation"]),
                ("medewerker3@example.org", "Verpleegkundige Chloé", "KG10003", ["home_visit"]),
            ],
        ),
        (
            "Huisbezoeken Antwerpen-Noord",
            [
                ("medewerker4@example.org", "Verpleegkundige Driss", "KG10004", ["home_visit"]),
                ("medewerker5@example.org", "Verpleegkundige Els", "KG10005", ["home_visit"]),
            ],
        ),
    ],
    "Oost-Vlaanderen": [
        (
            "Consultatiebureau Gent-Zuid",
            [
                ("medewerker6@example.org", "Verpleegkundige Fien", "KG20001", ["consultation"]),
                ("medewerker7@example.org", "Arts Gert", "KG20002", ["consultation"]),
            ],
        ),
    ],
    "Centraal": [
        (
            "K&G-Lijn",
            [
                ("medewerker8@example.org", "Lijnmedewerker Hanne", "KG30001", ["helpline"]),
                ("medewerker9@example.org", "Lijnmedewerker Ilias", "KG30002", ["helpline"]),
                ("medewerker10@example.org", "E-mailmedewerker Jana", "KG30003", ["email"]),
            ],
        ),
    ],
}

COMMENTS = {
    "low": [
        "We moesten lang wachten en niemand zei waarom.",
        "Ik voelde me niet gehoord over de borstvoeding.",
        "Het antwoord op mijn mail was heel algemeen.",
        "De lijn was drie keer bezet voor ik iemand kreeg.",
    ],
    "middle": [
        "Goed, maar de afspraak liep uit.",
        "Nuttige tips, al had ik graag meer tijd gehad.",
        "Het antwoord klopte, maar kwam laat.",
    ],
    "high": [
        "De verpleegkundige nam echt de tijd voor onze vragen.",
        "Heel fijn huisbezoek, we voelden ons gerustgesteld.",
        "Snel en vriendelijk geholpen aan de telefoon.",
        "Duidelijk antwoord, precies wat ik nodig had.",
        "",
        "",
    ],
}
SCORE_WEIGHTS = [4, 6, 14, 36, 40]  # scores 1–5


@transaction.atomic
def seed(stdout=None) -> None:
    if Region.objects.exists():
        return
    rng = random.Random(SEED)
    team_lead = User.objects.filter(email=TEAM_LEAD_EMAIL).first()
    staff_members = _organisation_seed(team_lead)
    responses = _responses_seed(rng, staff_members)
    _old_follow_ups_close()
    monthly_report_run()  # last month's report, as the daily run makes it
    if stdout is not None:
        stdout.write(
            f"Demo feedback ready ({len(staff_members)} staff members, {responses} responses)."
        )


def _organisation_seed(team_lead: User | None) -> list[tuple[StaffMember, list[str]]]:
    staff_members = []
    for region_name, teams in ORGANISATION.items():
        region = Region.objects.create(name=region_name)
        if team_lead is not None and region_name == "Antwerpen":
            region.leads.add(team_lead)
        for team_name, members in teams:
            team = Team.objects.create(name=team_name, region=region)
            if team_lead is not None and team_name == "Consultatiebureau Berchem":
                team.leads.add(team_lead)
            for email, display_name, number, channels in members:
                user = User.objects.filter(email=email).first() or user_create(
                    email=email,
                    password=DEMO_PASSWORD,
                    roles=[Role.STAFF_MEMBER],
                    first_name=display_name.split()[-1],
                    email_verified=True,
                )
                staff = StaffMember.objects.create(
                    user=user, team=team, staff_number=number, display_name=display_name
                )
                staff_members.append((staff, channels))
    return staff_members


def _responses_seed(rng: random.Random, staff_members: list) -> int:
    """About five contacts per staff member per month; two in three answered."""
    now = timezone.now()
    created = 0
    for months_ago in range(MONTHS - 1, -1, -1):
        for staff, channels in staff_members:
            for _ in range(rng.randint(3, 7)):
                days_ago = months_ago * 30 + rng.randint(0, 29)
                when = now - datetime.timedelta(days=days_ago, hours=rng.randint(0, 8))
                if when > now:
                    continue
                created += _contact_seed(rng, staff, rng.choice(channels), when)
    return created


def _contact_seed(rng: random.Random, staff: StaffMember, channel: str, when) -> int:
    contact = contact_create(
        channel=channel,
        staff=staff,
        occurred_at=when,
        external_reference=f"DEMO-{channel}-{rng.getrandbits(40):x}",
    )
    if channel != Channel.HELPLINE:
        invitation, _token = invitation_create(contact=contact)
        Invitation.objects.filter(pk=invitation.pk).update(
            created_at=when,
            expires_at=when + datetime.timedelta(days=14),
            mail_due_at=when + datetime.timedelta(days=3) if channel == Channel.EMAIL else None,
            mail_sent_at=when + datetime.timedelta(days=3) if channel == Channel.EMAIL else None,
        )
        if rng.random() > 0.66:
            return 0
    score = rng.choices(range(1, 6), weights=SCORE_WEIGHTS)[0]
    band = "low" if score <= 2 else "middle" if score == 3 else "high"
    answered = ""
    if channel in (Channel.HELPLINE, Channel.EMAIL):
        answered = (
            QuestionAnswered.NO
            if score <= 2
            else rng.choice([QuestionAnswered.YES, QuestionAnswered.YES, QuestionAnswered.PARTLY])
        )
    may_contact = score <= 2 and rng.random() < 0.5
    response = response_record(
        contact=contact,
        score=score,
        question_answered=answered,
        comment=rng.choice(COMMENTS[band]) if channel != Channel.HELPLINE else "",
        may_contact=may_contact,
        contact_detail="0470 12 34 56" if may_contact else "",
        submitted_at=when + datetime.timedelta(hours=rng.randint(0, 20)),
    )
    if score <= LOW_SCORE:
        # Opened now, not when the worker gets to the queued task (it then finds the item):
        # the old ones are closed below.
        follow_up_open(response=response, reason=FollowUpReason.LOW_SCORE)
    return 1


def _old_follow_ups_close() -> None:
    """Follow-up items of responses older than a month were handled long ago; the recent
    ones stay open for the team lead to pick up."""
    month_ago = timezone.now() - datetime.timedelta(days=30)
    for follow_up in FollowUp.objects.filter(response__submitted_at__lt=month_ago):
        answered = follow_up.response.submitted_at
        FollowUp.objects.filter(pk=follow_up.pk).update(
            status=FollowUpStatus.CLOSED,
            created_at=answered,
            due_date=(answered + datetime.timedelta(days=7)).date(),
            closed_at=answered + datetime.timedelta(days=3),
            outcome="Ouder gebeld, uitleg gegeven en excuses aangeboden.",
        )
