"""Follow-up items: feedback that a team lead acts on, with an owner and a due date."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from community.models import NotificationKind, Role, User
from community.services.notifications import notifications_create
from feedback.models import (
    FOLLOW_UP_WORKING_DAYS,
    FollowUp,
    FollowUpEvent,
    FollowUpReason,
    FollowUpStatus,
    Region,
    Response,
)

# What FollowUpEvent.what starts with; the timeline translates them (feedback.views.follow_ups).
EVENT_OPENED = "opened"
EVENT_ASSIGNED = "assigned"
EVENT_STARTED = "started"
EVENT_CLOSED = "closed"
EVENT_ESCALATED = "escalated"
ESCALATED_TO_REGION = "region"
ESCALATED_TO_ADMINISTRATORS = "administrators"
OUTCOME_MAX_LENGTH = 2000


def working_days_after(day: datetime.date, days: int) -> datetime.date:
    """The date `days` working days (Monday to Friday) after `day`. Public holidays are not
    counted out: the due date is a prompt for the team lead, not a legal deadline."""
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def team_leads(team_id: int) -> list[User]:
    """The team's leads who hold the team-lead role (a lead whose role was taken away is
    no longer told anything)."""
    return list(
        User.objects.filter(led_teams=team_id, is_active=True, groups__name=Role.TEAM_LEAD)
        .distinct()
        .order_by("pk")
    )


# Inside a caller's transaction no savepoint of its own: when this fails, the caller's
# work is rolled back anyway.
@transaction.atomic(savepoint=False)
def follow_up_open(
    *,
    response: Response,
    reason: FollowUpReason,
    actor: User | None = None,
    counted_from: datetime.date | None = None,
) -> FollowUp:
    """Open the follow-up item of a response and tell the team's leads; a response has at
    most one item, so opening it again (a marked low score, a retried task) changes nothing.
    The item is due FOLLOW_UP_WORKING_DAYS working days after `counted_from` (today)."""
    fields = {
        "team_id": response.team_id,
        "reason": reason,
        "due_date": working_days_after(
            counted_from or timezone.localdate(), FOLLOW_UP_WORKING_DAYS
        ),
    }
    follow_up, created = FollowUp.objects.get_or_create(response=response, defaults=fields)
    if not created:
        return follow_up
    FollowUpEvent.objects.create(
        follow_up=follow_up,
        actor=actor,
        what=f"{EVENT_OPENED}: {reason}",
    )
    notifications_create(
        recipients=team_leads(response.team_id),
        kind=NotificationKind.FEEDBACK_FOLLOW_UP,
        title=_follow_up_titles(response),
        url=reverse("feedback_follow_up_redirect", args=[follow_up.pk]),
        actor=actor,
    )
    return follow_up


def _follow_up_titles(response: Response) -> dict[str, str]:
    """ "Home visit · 1/5" in both languages (the notification is stored, then shown in either)."""
    titles = {}
    for language in ("nl", "en"):
        with translation.override(language):
            titles[language] = f"{response.get_channel_display()} · {response.score}/5"
    return titles


# --- handling an item: the team lead's actions, each one an event on the timeline ---


def _event(*, follow_up: FollowUp, actor: User | None, what: str) -> FollowUpEvent:
    return FollowUpEvent.objects.create(follow_up=follow_up, actor=actor, what=what)


def _locked(follow_up: FollowUp) -> FollowUp:
    """The item as it is now, locked until the transaction ends: two leads acting at once
    each see the other's change."""
    return FollowUp.objects.select_for_update().get(pk=follow_up.pk)


def follow_up_owner_choices(follow_up: FollowUp) -> list[User]:
    """Who may own an item: the leads of its team (with the team-lead role)."""
    return team_leads(follow_up.team_id)


@transaction.atomic
def follow_up_assign(*, follow_up: FollowUp, owner: User, actor: User) -> FollowUp:
    """Give the item an owner: the actor themselves ("take ownership") or one of the team's
    leads. Choosing the owner it already has changes nothing and writes no event."""
    follow_up = _locked(follow_up)
    if follow_up.status == FollowUpStatus.CLOSED:
        raise ValidationError(_("This item is closed."), code="closed")
    if owner.pk != actor.pk and owner not in follow_up_owner_choices(follow_up):
        raise ValidationError(
            {"owner": ValidationError(_("Choose one of the team's leads."), code="not_a_lead")}
        )
    if follow_up.owner_id == owner.pk:
        return follow_up
    follow_up.owner = owner
    follow_up.save(update_fields=["owner"])
    _event(follow_up=follow_up, actor=actor, what=f"{EVENT_ASSIGNED}: {owner.pk}")
    return follow_up


@transaction.atomic
def follow_up_start(*, follow_up: FollowUp, actor: User) -> FollowUp:
    """Mark an open item as in progress; an item already in progress or closed stays as it is.
    Whoever starts an item without owner becomes its owner."""
    follow_up = _locked(follow_up)
    if follow_up.status != FollowUpStatus.OPEN:
        return follow_up
    follow_up.status = FollowUpStatus.IN_PROGRESS
    fields = ["status"]
    if follow_up.owner_id is None:
        follow_up.owner = actor
        fields.append("owner")
    follow_up.save(update_fields=fields)
    _event(follow_up=follow_up, actor=actor, what=EVENT_STARTED)
    return follow_up


@transaction.atomic
def follow_up_close(*, follow_up: FollowUp, actor: User, outcome: str) -> FollowUp:
    """Close the item with what was done, which is required: the monthly report and the
    region's leads read it. Closing a closed item again changes nothing."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError(
            {"outcome": ValidationError(_("Write what was done."), code="outcome_required")}
        )
    if len(outcome) > OUTCOME_MAX_LENGTH:
        raise ValidationError(
            {
                "outcome": ValidationError(
                    _("Write at most %(limit)d characters."),
                    code="outcome_too_long",
                    params={"limit": OUTCOME_MAX_LENGTH},
                )
            }
        )
    follow_up = _locked(follow_up)
    if follow_up.status == FollowUpStatus.CLOSED:
        return follow_up
    follow_up.status = FollowUpStatus.CLOSED
    follow_up.outcome = outcome
    follow_up.closed_at = timezone.now()
    follow_up.closed_by = actor
    follow_up.save(update_fields=["status", "outcome", "closed_at", "closed_by"])
    _event(follow_up=follow_up, actor=actor, what=EVENT_CLOSED)
    return follow_up


def region_leads(region: Region) -> list[User]:
    """The region's leads who hold the team-lead role (as team_leads for a team)."""
    return list(
        region.leads.filter(is_active=True, groups__name=Role.TEAM_LEAD).distinct().order_by("pk")
    )


def administrators() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__name=Role.ADMIN).distinct().order_by("pk")
    )


def follow_up_escalate_overdue(*, today: datetime.date | None = None) -> int:
    """Tell the region's leads (administrators when the region has none) about every item
    not closed, past its due date and not escalated yet; returns how many were escalated.

    Each item is claimed by one conditional update of `escalated_at` in its own transaction,
    so two runs at once, or a run repeated after a crash, escalate and notify it once."""
    today = today or timezone.localdate()
    candidates = list(
        FollowUp.objects.overdue(today)
        .filter(escalated_at__isnull=True)
        .select_related("team__region", "response")
        .order_by("due_date", "pk")
    )
    escalated = 0
    for follow_up in candidates:
        if _follow_up_escalate(follow_up):
            escalated += 1
    return escalated


@transaction.atomic
def _follow_up_escalate(follow_up: FollowUp) -> bool:
    claimed = (
        FollowUp.objects.not_closed()
        .filter(pk=follow_up.pk, escalated_at__isnull=True)
        .update(escalated_at=timezone.now())
    )
    if not claimed:
        return False
    recipients = region_leads(follow_up.team.region)
    to = ESCALATED_TO_REGION
    if not recipients:
        recipients, to = administrators(), ESCALATED_TO_ADMINISTRATORS
    _event(follow_up=follow_up, actor=None, what=f"{EVENT_ESCALATED}: {to}")
    with translation.override(settings.LANGUAGE_CODE):
        url = reverse("feedback_follow_up_redirect", args=[follow_up.pk])
    notifications_create(
        recipients=recipients,
        kind=NotificationKind.FEEDBACK_FOLLOW_UP,
        title=_follow_up_titles(follow_up.response),
        url=url,
    )
    return True
