"""Insights and actions: every write, with its checks and its audit entry.

An insight moves draft → proposed → accepted or rejected → done (and back to draft from
proposed or rejected); an action moves planned → in progress → done or dropped. Each status
change is stored with who, when and why, and logged in the Wagtail audit log.
"""

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import CharField, F, TextField
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.log_actions import log

from community.models import User
from insights.models import (
    Action,
    ActionEntry,
    ActionStatus,
    Excerpt,
    Insight,
    InsightEvidence,
    InsightStatus,
    InsightStatusChange,
    Priority,
)
from projects.models import ProjectPage

INSIGHT_TRANSITIONS: dict[str, frozenset[str]] = {
    InsightStatus.DRAFT: frozenset({InsightStatus.PROPOSED}),
    InsightStatus.PROPOSED: frozenset(
        {InsightStatus.ACCEPTED, InsightStatus.REJECTED, InsightStatus.DRAFT}
    ),
    InsightStatus.ACCEPTED: frozenset({InsightStatus.DONE}),
    InsightStatus.REJECTED: frozenset({InsightStatus.DRAFT}),
    InsightStatus.DONE: frozenset(),
}
ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ActionStatus.PLANNED: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DROPPED}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.DONE, ActionStatus.DROPPED}),
    ActionStatus.DONE: frozenset(),
    ActionStatus.DROPPED: frozenset(),
}
# Actions belong to insights the agency said yes to.
INSIGHT_STATUSES_WITH_ACTIONS = frozenset({InsightStatus.ACCEPTED, InsightStatus.DONE})
ACTION_STATUSES_CLOSED = frozenset({ActionStatus.DONE, ActionStatus.DROPPED})
INSIGHT_EDITABLE_FIELDS = frozenset(
    {"title", "finding", "recommended_action", "owner_team", "priority", "projects"}
)
ACTION_EDITABLE_FIELDS = frozenset({"title", "description", "owner", "due_date", "progress"})

# Called with the action after the transaction that changed its status commits (public
# updates append their notifier here, so this module never imports theirs).
ACTION_STATUS_CHANGED: list[Callable[[Action], None]] = []


class InsightConflict(Exception):
    """Someone saved the insight after the form was loaded: `current` is their version."""

    def __init__(self, current: Insight) -> None:
        self.current = current
        super().__init__(self.message)

    @property
    def editor_name(self) -> str:
        editor = self.current.updated_by
        if editor is None:
            return gettext("someone")
        return editor.first_name or editor.email

    @property
    def message(self) -> str:
        return gettext("Changed by %(name)s at %(time)s meanwhile.") % {
            "name": self.editor_name,
            "time": timezone.localtime(self.current.updated_at).strftime("%H:%M"),
        }


def _validated(instance: Any, *, exclude: list[str] | None = None) -> None:
    """full_clean(), after trimming the text fields, plus the length limit of text fields
    (which Django checks only in forms): nothing longer than the model allows is saved."""
    errors: dict[str, list] = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, CharField | TextField):
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            value = value.strip()
            setattr(instance, field.attname, value)
            if isinstance(field, TextField) and field.max_length:
                try:
                    MaxLengthValidator(field.max_length)(value)
                except ValidationError as error:
                    errors[field.name] = error.error_list
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, messages)
    if errors:
        raise ValidationError(errors)


def _projects_check(projects: Iterable[ProjectPage]) -> list[ProjectPage]:
    projects = list(projects)
    if not projects:
        raise ValidationError({"projects": gettext("Choose at least one project.")})
    return projects


@transaction.atomic
def insight_create(
    *,
    user: User,
    title: str,
    finding: str,
    projects: Iterable[ProjectPage],
    recommended_action: str = "",
    owner_team: str = "",
    priority: str = Priority.MEDIUM,
) -> Insight:
    """Create a draft insight in one or more projects; logged as insights.insight_created."""
    projects = _projects_check(projects)
    insight = Insight(
        title=title,
        finding=finding,
        recommended_action=recommended_action,
        owner_team=owner_team,
        priority=priority,
        created_by=user,
        updated_by=user,
    )
    _validated(insight)
    insight.save()
    insight.projects.set(projects)
    log(instance=insight, action="insights.insight_created", user=user)
    return insight


@transaction.atomic
def insight_update(*, user: User, insight: Insight, version: int, **fields: Any) -> Insight:
    """Save changed fields of an insight that was loaded at `version`.

    Refused with InsightConflict (nothing saved) when someone else saved it meanwhile: the
    version only moves forward through this function, in one conditional UPDATE.
    """
    unknown = set(fields) - INSIGHT_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"insight_update cannot change {sorted(unknown)}")
    changed = sorted(fields)
    projects = fields.pop("projects", None)
    if projects is not None:
        projects = _projects_check(projects)
    for name, value in fields.items():
        setattr(insight, name, value)
    insight.updated_by = user
    _validated(insight, exclude=["version", "created_by"])
    now = timezone.now()
    saved = Insight.objects.filter(pk=insight.pk, version=version).update(
        **{name: getattr(insight, name) for name in fields},
        updated_by=user,
        updated_at=now,
        version=F("version") + 1,
    )
    if not saved:
        current = Insight.objects.select_related("updated_by").get(pk=insight.pk)
        raise InsightConflict(current)
    insight.version = version + 1
    insight.updated_at = now
    if projects is not None:
        insight.projects.set(projects)
    log(
        instance=insight,
        action="insights.insight_changed",
        user=user,
        data={"version": insight.version, "fields": changed},
    )
    return insight


@transaction.atomic
def insight_evidence_add(*, user: User, insight: Insight, excerpt: Excerpt) -> InsightEvidence:
    """Link an excerpt of one of the insight's projects as evidence (once)."""
    if not insight.projects.filter(pk=excerpt.project_id).exists():
        raise ValidationError(gettext("This excerpt is from a project the insight is not about."))
    if excerpt.coding_round_id is not None:
        raise ValidationError(gettext("Excerpts of a blind coding round cannot be evidence."))
    link, created = InsightEvidence.objects.get_or_create(
        insight=insight, excerpt=excerpt, defaults={"added_by": user}
    )
    if not created:
        raise ValidationError(gettext("This excerpt is evidence for the insight already."))
    log(
        instance=insight,
        action="insights.evidence_added",
        user=user,
        data={"excerpt": excerpt.pk},
    )
    return link


@transaction.atomic
def insight_evidence_remove(*, user: User, insight: Insight, excerpt: Excerpt) -> None:
    """Unlink an excerpt. An insight that left draft keeps at least one piece of evidence."""
    insight = Insight.objects.select_for_update().get(pk=insight.pk)
    links = InsightEvidence.objects.filter(insight=insight)
    if not links.filter(excerpt=excerpt).exists():
        raise ValidationError(gettext("This excerpt is not evidence for the insight."))
    if insight.status != InsightStatus.DRAFT and links.count() == 1:
        raise ValidationError(
            gettext("This is the last evidence. Only a draft insight can be without evidence.")
        )
    links.filter(excerpt=excerpt).delete()
    log(
        instance=insight,
        action="insights.evidence_removed",
        user=user,
        data={"excerpt": excerpt.pk},
    )


@transaction.atomic
def insight_status_change(
    *, user: User, insight: Insight, to_status: str, comment: str = ""
) -> InsightStatusChange:
    """Move an insight to another status along an allowed transition.

    Leaving draft needs at least one excerpt as evidence; rejecting needs a reason (the
    comment). Stored as an InsightStatusChange and logged as insights.status_changed.
    """
    locked = Insight.objects.select_for_update().get(pk=insight.pk)
    from_status = locked.status
    comment = comment.strip()
    if to_status not in INSIGHT_TRANSITIONS.get(from_status, frozenset()):
        raise ValidationError(
            gettext("An insight cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": InsightStatus(from_status).label,
                "to": _status_label(InsightStatus, to_status),
            }
        )
    if from_status == InsightStatus.DRAFT and not locked.evidence_links.exists():
        raise ValidationError(
            gettext("Add at least one excerpt as evidence before the insight leaves draft.")
        )
    if to_status == InsightStatus.REJECTED and not comment:
        raise ValidationError({"comment": gettext("Give the reason for rejecting the insight.")})
    change = InsightStatusChange(
        insight=locked,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        changed_by=user,
    )
    _validated(change)
    change.save()
    Insight.objects.filter(pk=locked.pk).update(status=to_status)
    insight.status = to_status
    log(
        instance=insight,
        action="insights.status_changed",
        user=user,
        data={"from": from_status, "to": to_status, "comment": comment},
    )
    return change


def _status_label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@transaction.atomic
def action_create(
    *,
    user: User,
    insight: Insight | None,
    title: str,
    owner: str,
    due_date: datetime.date | None = None,
    description: str = "",
    progress: int = 0,
) -> Action:
    """Add a planned action to an accepted (or done) insight, with a first timeline entry.

    A due date in the past is allowed (actions are sometimes registered late); the board
    then marks the action overdue. `insight=None` is an adjustment decided elsewhere (the
    monthly feedback report), which links it itself.
    """
    if insight is not None and insight.status not in INSIGHT_STATUSES_WITH_ACTIONS:
        raise ValidationError(gettext("Only an accepted insight gets actions."))
    action = Action(
        insight=insight,
        title=title,
        owner=owner,
        due_date=due_date,
        description=description,
        progress=progress,
    )
    _validated(action)
    action.save()
    ActionEntry.objects.create(
        action=action,
        date=timezone.localdate(),
        text=gettext("Action planned."),
        status=ActionStatus.PLANNED,
        written_by=user,
    )
    log(
        instance=action,
        action="insights.action_created",
        user=user,
        data={"insight": insight.pk if insight else None},
    )
    return action


@transaction.atomic
def action_update(*, user: User, action: Action, **fields: Any) -> Action:
    """Change what an action is, its owner, due date or progress (not its status)."""
    unknown = set(fields) - ACTION_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"action_update cannot change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(action, name, value)
    _validated(action)
    action.save()
    log(
        instance=action,
        action="insights.action_changed",
        user=user,
        data={"fields": sorted(fields)},
    )
    return action


@transaction.atomic
def action_status_change(
    *, user: User, action: Action, to_status: str, comment: str = "", reason: str = ""
) -> ActionEntry:
    """Move an action along planned → in progress → done or dropped.

    Dropping needs a reason; done sets progress to 100 %. Adds a dated timeline entry, is
    logged as insights.action_status_changed, and after commit calls every hook in
    ACTION_STATUS_CHANGED with the action.
    """
    locked = Action.objects.select_for_update().get(pk=action.pk)
    from_status = locked.status
    comment, reason = comment.strip(), reason.strip()
    if to_status not in ACTION_TRANSITIONS.get(from_status, frozenset()):
        raise ValidationError(
            gettext("An action cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": ActionStatus(from_status).label,
                "to": _status_label(ActionStatus, to_status),
            }
        )
    if to_status == ActionStatus.DROPPED and not reason:
        raise ValidationError({"reason": gettext("Give the reason for dropping the action.")})
    action.status = to_status
    if to_status == ActionStatus.DROPPED:
        action.drop_reason = reason
    if to_status == ActionStatus.DONE:
        action.progress = 100
    _validated(action)
    action.save(update_fields=["status", "drop_reason", "progress", "updated_at"])
    text = (
        comment
        or reason
        or gettext("Status: %(status)s.") % {"status": ActionStatus(to_status).label}
    )
    entry = ActionEntry(
        action=action, date=timezone.localdate(), text=text, status=to_status, written_by=user
    )
    _validated(entry)
    entry.save()
    log(
        instance=action,
        action="insights.action_status_changed",
        user=user,
        data={"from": from_status, "to": to_status, "comment": comment, "reason": reason},
    )
    transaction.on_commit(lambda: _action_status_changed_notify(action))
    return entry


def _action_status_changed_notify(action: Action) -> None:
    for hook in list(ACTION_STATUS_CHANGED):
        hook(action)


@transaction.atomic
def action_entry_add(
    *, user: User, action: Action, text: str, date: datetime.date | None = None
) -> ActionEntry:
    """Add a dated note to an action's timeline (today unless a date is given)."""
    entry = ActionEntry(
        action=action,
        date=date or timezone.localdate(),
        text=text.strip(),
        written_by=user,
    )
    _validated(entry)
    entry.save()
    log(instance=action, action="insights.action_entry_added", user=user, data={"entry": entry.pk})
    return entry
