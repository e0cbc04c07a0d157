"""The daily deadline warnings: the handler (the complaints leads while nobody handles it) five
days before a deadline, the complaints leads once a deadline passed.

Deadlines are calendar days from the date of receipt (models.choices): acknowledge or refuse
by `acknowledge_due` while the complaint is received, answer by `answer_due` while it is not
answered. Each warning is a DeadlineWarning row, unique per complaint, deadline and level,
written in the same transaction as its notification: however often the task runs, and when
two runs meet, each warning is given once.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from community.models import NotificationKind, User
from community.services.notifications import notifications_create
from complaints.models import (
    OPEN_STAGES,
    WARN_DAYS_BEFORE,
    Complaint,
    Deadline,
    DeadlineWarning,
    DeadlineWarningLevel,
    EventAction,
    Kind,
    Stage,
)
from complaints.services.handling import complaint_url, complaints_leads
from complaints.services.register import event_log


def deadlines_pending(complaint: Complaint) -> list[tuple[str, datetime.date]]:
    """The deadlines that still bind an open complaint: (Deadline, date)."""
    if complaint.kind != Kind.COMPLAINT or complaint.stage not in OPEN_STAGES:
        return []
    pending = []
    if complaint.stage == Stage.RECEIVED:
        pending.append((Deadline.ACKNOWLEDGE, complaint.acknowledge_due))
    if complaint.answered_at is None:
        pending.append((Deadline.ANSWER, complaint.answer_due))
    return pending


def warning_level(due: datetime.date, today: datetime.date) -> str | None:
    if due < today:
        return DeadlineWarningLevel.MISSED
    if due <= today + datetime.timedelta(days=WARN_DAYS_BEFORE):
        return DeadlineWarningLevel.SOON
    return None


def complaints_deadlines_warn(*, today: datetime.date | None = None) -> int:
    """Give every warning due today and not given before; returns how many were given.
    A complaint first seen after its deadline passed gets the "missed" warning only."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=WARN_DAYS_BEFORE)
    candidates = list(
        Complaint.objects.filter(kind=Kind.COMPLAINT, stage__in=OPEN_STAGES)
        .filter(
            Q(stage=Stage.RECEIVED, acknowledge_due__lte=horizon)
            | Q(answered_at__isnull=True, answer_due__lte=horizon)
        )
        .select_related("handler")
        .only(
            "pk",
            "reference",
            "kind",
            "stage",
            "acknowledge_due",
            "answer_due",
            "answered_at",
            "handler",
        )
        .order_by("pk")
    )
    given = set(
        DeadlineWarning.objects.filter(complaint__in=[c.pk for c in candidates]).values_list(
            "complaint_id", "deadline", "level"
        )
    )
    leads: list[User] | None = None
    count = 0
    for complaint in candidates:
        for deadline, due in deadlines_pending(complaint):
            level = warning_level(due, today)
            if level is None or (complaint.pk, deadline, level) in given:
                continue
            if leads is None:
                leads = complaints_leads()
            if _warn(complaint=complaint, deadline=deadline, level=level, today=today, leads=leads):
                count += 1
    return count


def _recipients(complaint: Complaint, level: str, leads: list[User]) -> list[User]:
    handler = complaint.handler if complaint.handler and complaint.handler.is_active else None
    if level == DeadlineWarningLevel.SOON and handler is not None:
        return [handler]
    return leads or ([handler] if handler else [])


def _titles(complaint: Complaint, deadline: str, level: str, due: datetime.date) -> dict:
    titles = {}
    for language in ("nl", "en"):
        with translation.override(language):
            if level == DeadlineWarningLevel.MISSED:
                text = gettext("%(deadline)s was due on %(date)s")
            else:
                text = gettext("%(deadline)s due on %(date)s")
            titles[language] = f"{complaint.reference} · " + text % {
                "deadline": Deadline(deadline).label,
                "date": date_format(due, "l j F Y"),
            }
    return titles


def _warn(
    *, complaint: Complaint, deadline: str, level: str, today: datetime.date, leads: list[User]
) -> bool:
    try:
        with transaction.atomic():
            current = Complaint.objects.select_for_update().get(pk=complaint.pk)
            due = dict(deadlines_pending(current)).get(deadline)
            if due is None or warning_level(due, today) != level:
                return False  # moved on since it was read
            DeadlineWarning.objects.create(complaint=current, deadline=deadline, level=level)
            event_log(
                complaint=current,
                action=EventAction.DEADLINE_WARNING,
                detail=f"{Deadline(deadline).label} · {DeadlineWarningLevel(level).label} · "
                f"{due.isoformat()}",
            )
            notifications_create(
                recipients=_recipients(complaint, level, leads),
                kind=NotificationKind.COMPLAINT_DEADLINE,
                title=_titles(current, deadline, level, due),
                url=complaint_url(current),
            )
    except IntegrityError:
        return False  # given by a run at the same time
    return True
