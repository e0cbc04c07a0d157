"""Contacts, invitations and responses: the writes every channel shares.

The survey page, the post-call API, the staff page and the demo data all go through these
functions, so a response is recorded one way whatever the channel.
"""

import datetime
import time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import User
from feedback.models import (
    LOW_SCORE,
    QUESTION_CHANNELS,
    Channel,
    Contact,
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


# How long each web process keeps a channel's current version for the survey
# (survey_version_for_answers): new questions reach every process within this time.
SURVEY_VERSION_KEPT_SECONDS = 60
_kept_versions: dict[str, tuple[float, SurveyVersion]] = {}


def survey_version_for_answers(channel: str) -> SurveyVersion:
    """The channel's current version for the parent's survey page and answer, kept in this
    process's memory for SURVEY_VERSION_KEPT_SECONDS (measured need: bench/survey.py; a read
    from the shared cache cost a submission more CPU than the database read it saved;
    docs/caching.md). A version never changes once saved; survey_version_create forgets the
    kept one in its own process at once, the other processes within the minute."""
    kept = _kept_versions.get(channel)
    now = time.monotonic()
    if kept is not None and kept[0] > now:
        return kept[1]
    version = survey_version_current(channel)
    _kept_versions[channel] = (now + SURVEY_VERSION_KEPT_SECONDS, version)
    return version


def survey_version_forget(channel: str) -> None:
    """After a new version is saved (on commit): this process asks the database again."""
    transaction.on_commit(lambda: _kept_versions.pop(channel, None))


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
    team = contact.staff.team
    invitation, created = Invitation.objects.select_for_update().get_or_create(
        contact=contact,
        defaults={
            "token_hash": token_hash(token),
            "created_at": now,
            "mail_due_at": mail_due_at,
            "channel": contact.channel,
            "staff_id": contact.staff_id,
            "team_id": team.pk,
            "region_id": team.region_id,
        },
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
    contact: Contact | None = None,
    score: int,
    question_answered: str = "",
    comment: str = "",
    may_contact: bool = False,
    contact_detail: str = "",
    language: str = "nl",
    survey_version: SurveyVersion | None = None,
    submitted_at: datetime.datetime | None = None,
    invitation: Invitation | None = None,
) -> Response:
    """Store a parent's answer about a contact, or about an invitation's contact: once (the
    one-to-one contact, a database constraint, refuses a second one: AlreadyAnswered). A score
    of LOW_SCORE or less also enqueues, in the same transaction (both or neither), the task
    that opens its follow-up item and tells the team's leads: the parent's Send does not wait
    for that work (bench/survey.py, docs/benchmarks.md).

    Through an invitation the response is counted where the invitation was (its copy of the
    contact's channel, staff member, team and region), and the contact is not read."""
    from feedback.tasks.followups import follow_up_open_task

    if invitation is not None:
        contact_id, channel = invitation.contact_id, invitation.channel
        staff_id, team_id, region_id = invitation.staff_id, invitation.team_id, invitation.region_id
    else:
        team = contact.staff.team
        contact_id, channel = contact.pk, contact.channel
        staff_id, team_id, region_id = contact.staff_id, team.pk, team.region_id
    response = Response(
        contact_id=contact_id,
        survey_version=survey_version or survey_version_current(channel),
        channel=channel,
        staff_id=staff_id,
        team_id=team_id,
        region_id=region_id,
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
        if score > LOW_SCORE and not transaction.get_connection().in_atomic_block:
            # One statement in autocommit is its own transaction: no BEGIN and COMMIT round
            # trips for the parents' most frequent request (bench/survey.py).
            _response_insert(response)
        else:
            # With its follow-up task, or as a savepoint that leaves a caller's transaction
            # usable after a second answer.
            with transaction.atomic():
                _response_insert(response)
                if score <= LOW_SCORE:
                    follow_up_open_task.enqueue(response.pk)
    except IntegrityError as error:
        if Response.objects.filter(contact_id=contact_id).exists():
            raise AlreadyAnswered from error
        raise
    return response


# The answer's INSERT, written once per database vendor from the model's fields: the ORM's
# compiler building it on every save() cost about a sixth of a submission's CPU
# (bench/survey.py, docs/benchmarks.md).
_response_insert_statements: dict[str, tuple[str, list[Field]]] = {}


def _response_insert(response: Response) -> None:
    """Insert a new response as save() would, with one precomputed statement. Values go
    through each field's own get_db_prep_save, as save() sends them. No pre_save or post_save
    signal is sent: none is connected for Response (a test keeps it so)."""
    connection = transaction.get_connection()
    statement = _response_insert_statements.get(connection.vendor)
    if statement is None:
        fields = [field for field in Response._meta.concrete_fields if not field.primary_key]
        quote = connection.ops.quote_name
        sql = "INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {pk}".format(
            table=quote(Response._meta.db_table),
            columns=", ".join(quote(field.column) for field in fields),
            values=", ".join(["%s"] * len(fields)),
            pk=quote(Response._meta.pk.column),
        )
        statement = _response_insert_statements[connection.vendor] = (sql, fields)
    sql, fields = statement
    values = [
        field.get_db_prep_save(getattr(response, field.attname), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        response.pk = cursor.fetchone()[0]
    response._state.adding = False
    response._state.db = connection.alias


def response_submit(*, invitation: Invitation, **answers) -> Response:
    """A parent's answer through their invitation's link: refused once it expired."""
    if invitation.is_expired:
        raise ValidationError(_("This link has expired."), code="expired")
    return response_record(invitation=invitation, **answers)
