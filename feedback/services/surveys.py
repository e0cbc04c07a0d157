"""Contacts, invitations and responses: the writes every channel shares.

The survey page, the post-call API, the staff page and the demo data all go through these
functions, so a response is recorded one way whatever the channel.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import User
from feedback.models import (
    LOW_SCORE,
    QUESTION_CHANNELS,
    Channel,
    Contact,
    FollowUpReason,
    Invitation,
    Response,
    StaffMember,
    SurveyVersion,
)
from feedback.tokens import token_hash, token_new

# Version 1 of each channel's survey, in both languages (administrators add later versions).
DEFAULT_QUESTIONS = {
    "satisfaction_question": {
        Channel.CONSULTATION: (
            "Hoe tevreden ben je over de consultatie?",
            "How satisfied are you with the consultation?",
        ),
        Channel.HOME_VISIT: (
            "Hoe tevreden ben je over het huisbezoek?",
            "How satisfied are you with the home visit?",
        ),
        Channel.HELPLINE: (
            "Hoe tevreden ben je over je gesprek met de K&G-Lijn?",
            "How satisfied are you with your call to the K&G-Lijn?",
        ),
        Channel.EMAIL: (
            "Hoe tevreden ben je over ons antwoord op je e-mail?",
            "How satisfied are you with our answer to your e-mail?",
        ),
    },
    "answered_question": ("Kreeg je een antwoord op je vraag?", "Was your question answered?"),
    "improvement_question": ("Wat kunnen we beter doen?", "What could we do better?"),
    "contact_question": ("Mogen we je hierover contacteren?", "May we contact you about this?"),
}


class AlreadyAnswered(Exception):
    """The contact has its response already (a double submit, a second tab, a replay)."""


def survey_version_current(channel: str) -> SurveyVersion:
    """The channel's newest survey version; version 1 with the default questions is made the
    first time a channel is asked for (twice at once: the unique version keeps one)."""
    version = SurveyVersion.objects.filter(channel=channel).order_by("-version").first()
    if version is not None:
        return version
    nl_sat, en_sat = DEFAULT_QUESTIONS["satisfaction_question"][channel]
    asks = channel in QUESTION_CHANNELS
    answered = DEFAULT_QUESTIONS["answered_question"] if asks else ("", "")
    improvement = DEFAULT_QUESTIONS["improvement_question"]
    contact = DEFAULT_QUESTIONS["contact_question"]
    version, _created = SurveyVersion.objects.get_or_create(
        channel=channel,
        version=1,
        defaults={
            "satisfaction_question": nl_sat,
            "satisfaction_question_en": en_sat,
            "answered_question": answered[0],
            "answered_question_en": answered[1],
            "improvement_question": improvement[0],
            "improvement_question_en": improvement[1],
            "contact_question": contact[0],
            "contact_question_en": contact[1],
        },
    )
    return version


@transaction.atomic
def contact_create(
    *,
    channel: str,
    staff: StaffMember,
    occurred_at: datetime.datetime | None = None,
    external_reference: str = "",
    email: str = "",
    created_by: User | None = None,
) -> Contact:
    """Register one service moment. A reference the channel already knows (a retried API
    call) gives back that contact instead of a second one."""
    if external_reference:
        existing = Contact.objects.filter(
            channel=channel, external_reference=external_reference
        ).first()
        if existing is not None:
            return existing
    contact = Contact(
        channel=channel,
        staff=staff,
        occurred_at=occurred_at or timezone.now(),
        external_reference=external_reference,
        email=email if channel == Channel.EMAIL else "",
        created_by=created_by,
    )
    # The reference's uniqueness is the database's to decide (the IntegrityError below): a
    # check here would see a twin committed just after the look-up above and fail instead.
    contact.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        # The same reference registered at the same moment by another request.
        return Contact.objects.get(channel=channel, external_reference=external_reference)
    return contact


@transaction.atomic
def invitation_create(
    *, contact: Contact, mail_due_at: datetime.datetime | None = None
) -> tuple[Invitation, str]:
    """The invitation for a contact and its token, which exists only in the return value (the
    database keeps its hash). A contact has one invitation: asking again gives it a new token
    (the old link stops working) as long as it is not answered."""
    token = token_new()
    now = timezone.now()
    invitation, created = Invitation.objects.select_for_update().get_or_create(
        contact=contact,
        defaults={"token_hash": token_hash(token), "created_at": now, "mail_due_at": mail_due_at},
    )
    if not created:
        invitation.token_hash = token_hash(token)
        invitation.save(update_fields=["token_hash"])
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation this token opens, whether or not it is still valid; None if unknown."""
    if not token or len(token) > 64:
        return None
    return (
        Invitation.objects.select_related("contact", "contact__staff")
        .filter(token_hash=token_hash(token))
        .first()
    )


def response_record(
    *,
    contact: Contact,
    score: int,
    question_answered: str = "",
    comment: str = "",
    may_contact: bool = False,
    contact_detail: str = "",
    language: str = "nl",
    survey_version: SurveyVersion | None = None,
    submitted_at: datetime.datetime | None = None,
) -> Response:
    """Store a parent's answer about a contact: once (the one-to-one contact, a database
    constraint, refuses a second one: AlreadyAnswered). A score of LOW_SCORE or less opens a
    follow-up item for the team lead in the same transaction."""
    from feedback.services.followups import follow_up_open

    staff = contact.staff
    team = staff.team
    response = Response(
        contact=contact,
        survey_version=survey_version or survey_version_current(contact.channel),
        channel=contact.channel,
        staff=staff,
        team=team,
        region_id=team.region_id,
        score=score,
        question_answered=question_answered,
        comment=comment.strip(),
        may_contact=may_contact,
        contact_detail=contact_detail.strip() if may_contact else "",
        language=language,
        submitted_at=submitted_at or timezone.now(),
    )
    # The related rows were just loaded, and the score's range is its field's validators (the
    # check constraint backs them): checking them again would cost a query each.
    response.full_clean(
        exclude=["contact", "survey_version", "staff", "team", "region"],
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            response.save()
            if score <= LOW_SCORE:
                follow_up_open(response=response, reason=FollowUpReason.LOW_SCORE)
    except IntegrityError as error:
        if Response.objects.filter(contact=contact).exists():
            raise AlreadyAnswered from error
        raise
    return response


def response_submit(*, invitation: Invitation, **answers) -> Response:
    """A parent's answer through their invitation's link: refused once it expired."""
    if invitation.is_expired:
        raise ValidationError(_("This link has expired."), code="expired")
    return response_record(contact=invitation.contact, **answers)
