"""Insights and actions as services: transitions, evidence, versions, audit and hooks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from insights.models import (
    ActionEntry,
    ActionStatus,
    Insight,
    InsightEvidence,
    InsightStatus,
    InsightStatusChange,
)
from insights.services import insights as services
from insights.services.insights import (
    InsightConflict,
    action_create,
    action_entry_add,
    action_status_change,
    action_update,
    insight_create,
    insight_evidence_add,
    insight_evidence_remove,
    insight_status_change,
    insight_update,
)
from tests.insights.factories import ActionFactory, InsightFactory, excerpt_of
from tests.projects.factories import ProjectPageFactory, TopicPageFactory, post_write

pytestmark = pytest.mark.django_db


@pytest.fixture
def excerpt(topic_page, parent, moderator):
    return excerpt_of(post_write(topic_page, parent, "We wachtten drie weken."), moderator)


@pytest.fixture
def draft(project_page, moderator):
    return insight_create(
        user=moderator,
        title="Lange wachttijd",
        finding="Ouders wachten te lang op een afspraak.",
        projects=[project_page],
    )


def insight_in_status(project, status: str, excerpt=None) -> Insight:
    insight = InsightFactory(projects=[project], status=status)
    if excerpt is not None:
        InsightEvidence.objects.create(insight=insight, excerpt=excerpt)
    return insight


# --- create and update ---


def test_insight_create_saves_a_draft_in_its_projects_and_audits(draft, project_page, moderator):
    assert draft.status == InsightStatus.DRAFT
    assert list(draft.projects.all()) == [project_page]
    assert draft.version == 1
    assert ModelLogEntry.objects.filter(
        action="insights.insight_created", object_id=str(draft.pk), user=moderator
    ).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", ""), ("title", "x" * 10_000), ("finding", ""), ("finding", "x" * 10_000)],
)
def test_insight_create_refuses_empty_or_too_long_text_and_saves_nothing(
    project_page, moderator, field, value
):
    fields = {"title": "Titel", "finding": "Bevinding", field: value}

    with pytest.raises(ValidationError) as error:
        insight_create(user=moderator, projects=[project_page], **fields)

    assert field in error.value.message_dict
    assert not Insight.objects.exists()


def test_insight_create_needs_a_project(moderator):
    with pytest.raises(ValidationError) as error:
        insight_create(user=moderator, title="Titel", finding="Bevinding", projects=[])

    assert "projects" in error.value.message_dict
    assert not Insight.objects.exists()


def test_insight_update_saves_and_moves_the_version(draft, moderator, researcher):
    insight_update(user=researcher, insight=draft, version=1, title="Nieuwe titel")

    draft.refresh_from_db()
    assert (draft.title, draft.version, draft.updated_by) == ("Nieuwe titel", 2, researcher)


def test_insight_update_based_on_an_older_version_is_refused_and_keeps_the_first(
    draft, moderator, researcher
):
    first = Insight.objects.get(pk=draft.pk)
    second = Insight.objects.get(pk=draft.pk)
    insight_update(user=researcher, insight=first, version=1, finding="Eerste tekst.")

    with pytest.raises(InsightConflict) as conflict:
        insight_update(user=moderator, insight=second, version=1, finding="Tweede tekst.")

    draft.refresh_from_db()
    assert draft.finding == "Eerste tekst."
    assert draft.version == 2
    assert conflict.value.current.finding == "Eerste tekst."
    assert researcher.first_name in conflict.value.message
    at = timezone.localtime(draft.updated_at).strftime("%H:%M")
    assert at in conflict.value.message


def test_insight_update_refuses_a_too_long_title_and_saves_nothing(draft, moderator):
    with pytest.raises(ValidationError):
        insight_update(user=moderator, insight=draft, version=1, title="x" * 10_000)

    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("Lange wachttijd", 1)


# --- evidence ---


def test_evidence_is_added_once_and_audited(draft, excerpt, moderator):
    insight_evidence_add(user=moderator, insight=draft, excerpt=excerpt)

    with pytest.raises(ValidationError):
        insight_evidence_add(user=moderator, insight=draft, excerpt=excerpt)

    assert list(draft.evidence.all()) == [excerpt]
    assert ModelLogEntry.objects.filter(action="insights.evidence_added").count() == 1


def test_evidence_from_another_project_is_refused(draft, project_index, parent, moderator):
    elsewhere = TopicPageFactory(parent=ProjectPageFactory(parent=project_index))
    other = excerpt_of(post_write(elsewhere, parent, "Elders gezegd."), moderator)

    with pytest.raises(ValidationError):
        insight_evidence_add(user=moderator, insight=draft, excerpt=other)

    assert not draft.evidence.exists()


def test_last_evidence_stays_once_the_insight_left_draft(project_page, excerpt, moderator):
    insight = insight_in_status(project_page, InsightStatus.PROPOSED, excerpt)

    with pytest.raises(ValidationError):
        insight_evidence_remove(user=moderator, insight=insight, excerpt=excerpt)

    assert insight.evidence.count() == 1


def test_evidence_of_a_draft_can_be_removed(draft, excerpt, moderator):
    insight_evidence_add(user=moderator, insight=draft, excerpt=excerpt)

    insight_evidence_remove(user=moderator, insight=draft, excerpt=excerpt)

    assert not draft.evidence.exists()
    assert ModelLogEntry.objects.filter(action="insights.evidence_removed").exists()


# --- status transitions ---


def test_a_draft_without_evidence_cannot_be_proposed(draft, moderator):
    with pytest.raises(ValidationError) as error:
        insight_status_change(
            user=moderator, insight=draft, to_status=InsightStatus.PROPOSED, comment=""
        )

    assert "bewijs" in str(error.value)
    draft.refresh_from_db()
    assert draft.status == InsightStatus.DRAFT
    assert not InsightStatusChange.objects.exists()


def test_the_whole_way_from_draft_to_done_is_recorded_and_audited(
    draft, excerpt, moderator, researcher
):
    insight_evidence_add(user=moderator, insight=draft, excerpt=excerpt)
    for user, status in (
        (moderator, InsightStatus.PROPOSED),
        (researcher, InsightStatus.ACCEPTED),
        (researcher, InsightStatus.DONE),
    ):
        insight_status_change(user=user, insight=draft, to_status=status, comment="Ok.")

    draft.refresh_from_db()
    assert draft.status == InsightStatus.DONE
    changes = list(draft.status_changes.values_list("from_status", "to_status", "changed_by"))
    assert changes == [
        (InsightStatus.DRAFT, InsightStatus.PROPOSED, moderator.pk),
        (InsightStatus.PROPOSED, InsightStatus.ACCEPTED, researcher.pk),
        (InsightStatus.ACCEPTED, InsightStatus.DONE, researcher.pk),
    ]
    assert ModelLogEntry.objects.filter(action="insights.status_changed").count() == 3


@pytest.mark.parametrize(
    ("from_status", "to_status", "allowed"),
    [
        (InsightStatus.DRAFT, InsightStatus.PROPOSED, True),
        (InsightStatus.DRAFT, InsightStatus.ACCEPTED, False),
        (InsightStatus.DRAFT, InsightStatus.DONE, False),
        (InsightStatus.PROPOSED, InsightStatus.ACCEPTED, True),
        (InsightStatus.PROPOSED, InsightStatus.REJECTED, True),
        (InsightStatus.PROPOSED, InsightStatus.DRAFT, True),
        (InsightStatus.PROPOSED, InsightStatus.DONE, False),
        (InsightStatus.ACCEPTED, InsightStatus.DONE, True),
        (InsightStatus.ACCEPTED, InsightStatus.DRAFT, False),
        (InsightStatus.ACCEPTED, InsightStatus.REJECTED, False),
        (InsightStatus.REJECTED, InsightStatus.DRAFT, True),
        (InsightStatus.REJECTED, InsightStatus.ACCEPTED, False),
        (InsightStatus.DONE, InsightStatus.ACCEPTED, False),
        (InsightStatus.DONE, InsightStatus.DRAFT, False),
    ],
)
def test_only_allowed_transitions_pass(
    project_page, excerpt, moderator, from_status, to_status, allowed
):
    insight = insight_in_status(project_page, from_status, excerpt)

    if allowed:
        insight_status_change(user=moderator, insight=insight, to_status=to_status, comment="Ja.")
    else:
        with pytest.raises(ValidationError) as error:
            insight_status_change(
                user=moderator, insight=insight, to_status=to_status, comment="Ja."
            )
        assert "kan niet van" in str(error.value)

    insight.refresh_from_db()
    assert insight.status == (to_status if allowed else from_status)
    assert InsightStatusChange.objects.count() == int(allowed)


@pytest.mark.parametrize("comment", ["", "   "])
def test_rejecting_needs_a_reason(project_page, excerpt, moderator, comment):
    insight = insight_in_status(project_page, InsightStatus.PROPOSED, excerpt)

    with pytest.raises(ValidationError) as error:
        insight_status_change(
            user=moderator, insight=insight, to_status=InsightStatus.REJECTED, comment=comment
        )

    assert "comment" in error.value.message_dict
    insight.refresh_from_db()
    assert insight.status == InsightStatus.PROPOSED


# --- actions ---


@pytest.mark.parametrize(
    "status", [InsightStatus.DRAFT, InsightStatus.PROPOSED, InsightStatus.REJECTED]
)
def test_actions_only_for_accepted_insights(project_page, moderator, status):
    insight = insight_in_status(project_page, status)

    with pytest.raises(ValidationError):
        action_create(user=moderator, insight=insight, title="Zaterdag open", owner="Onthaal")

    assert not insight.actions.exists()


def test_an_action_starts_planned_with_a_timeline_entry(project_page, moderator):
    insight = insight_in_status(project_page, InsightStatus.ACCEPTED)

    action = action_create(
        user=moderator,
        insight=insight,
        title="Zaterdag open",
        owner="Onthaal",
        due_date=datetime.date(2030, 1, 31),
    )

    assert action.status == ActionStatus.PLANNED
    assert [entry.status for entry in action.entries.all()] == [ActionStatus.PLANNED]
    assert ModelLogEntry.objects.filter(action="insights.action_created").exists()


def test_a_due_date_in_the_past_is_allowed_and_marked_overdue(project_page, moderator):
    insight = insight_in_status(project_page, InsightStatus.ACCEPTED)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    action = action_create(
        user=moderator, insight=insight, title="Laat", owner="Onthaal", due_date=yesterday
    )

    assert action.is_overdue


@pytest.mark.parametrize("progress", [101, 1000])
def test_progress_above_100_is_refused(project_page, moderator, progress):
    insight = insight_in_status(project_page, InsightStatus.ACCEPTED)
    action = ActionFactory(insight=insight)

    with pytest.raises(ValidationError) as error:
        action_update(user=moderator, action=action, progress=progress)

    assert "progress" in error.value.message_dict
    action.refresh_from_db()
    assert action.progress == 0


def test_action_status_changes_add_timeline_entries_and_call_the_hooks_after_commit(
    project_page, moderator, django_capture_on_commit_callbacks, monkeypatch
):
    insight = insight_in_status(project_page, InsightStatus.ACCEPTED)
    action = ActionFactory(insight=insight)
    told = []
    monkeypatch.setattr(services, "ACTION_STATUS_CHANGED", [told.append])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        action_status_change(
            user=moderator, action=action, to_status=ActionStatus.IN_PROGRESS, comment="Gestart."
        )
    assert told == []
    for callback in callbacks:
        callback()
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        action_status_change(user=moderator, action=action, to_status=ActionStatus.DONE)

    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.DONE, 100)
    assert [(entry.status, entry.text) for entry in action.entries.all()] == [
        (ActionStatus.IN_PROGRESS, "Gestart."),
        (ActionStatus.DONE, "Status: Done."),
    ]
    assert told == [action, action]
    assert ModelLogEntry.objects.filter(action="insights.action_status_changed").count() == 2


def test_hooks_are_not_called_for_a_refused_status_change(
    project_page, moderator, django_capture_on_commit_callbacks, monkeypatch
):
    insight = insight_in_status(project_page, InsightStatus.ACCEPTED)
    action = ActionFactory(insight=insight, status=ActionStatus.DONE)
    told = []
    monkeypatch.setattr(services, "ACTION_STATUS_CHANGED", [told.append])

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        action_status_change(user=moderator, action=action, to_status=ActionStatus.PLANNED)

    assert told == []


@pytest.mark.parametrize("reason", ["", "  "])
def test_dropping_an_action_needs_a_reason(project_page, moderator, reason):
    insight = insight_in_status(project_page, InsightStatus.ACCEPTED)
    action = ActionFactory(insight=insight)

    with pytest.raises(ValidationError) as error:
        action_status_change(
            user=moderator, action=action, to_status=ActionStatus.DROPPED, reason=reason
        )

    assert "reason" in error.value.message_dict
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED
    assert not ActionEntry.objects.exists()


def test_a_dropped_action_keeps_its_reason(project_page, moderator):
    insight = insight_in_status(project_page, InsightStatus.ACCEPTED)
    action = ActionFactory(insight=insight)

    action_status_change(
        user=moderator, action=action, to_status=ActionStatus.DROPPED, reason="Geen budget."
    )

    action.refresh_from_db()
    assert (action.status, action.drop_reason) == (ActionStatus.DROPPED, "Geen budget.")
    assert not action.is_overdue


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (ActionStatus.PLANNED, ActionStatus.DONE),
        (ActionStatus.DONE, ActionStatus.IN_PROGRESS),
        (ActionStatus.DROPPED, ActionStatus.PLANNED),
        (ActionStatus.IN_PROGRESS, ActionStatus.PLANNED),
    ],
)
def test_refused_action_transitions(project_page, moderator, from_status, to_status):
    insight = insight_in_status(project_page, InsightStatus.ACCEPTED)
    action = ActionFactory(insight=insight, status=from_status)

    with pytest.raises(ValidationError):
        action_status_change(user=moderator, action=action, to_status=to_status)

    action.refresh_from_db()
    assert action.status == from_status


@pytest.mark.parametrize("text", ["", "x" * 10_000])
def test_a_timeline_entry_needs_a_sensible_text(project_page, moderator, text):
    insight = insight_in_status(project_page, InsightStatus.ACCEPTED)
    action = ActionFactory(insight=insight)

    with pytest.raises(ValidationError):
        action_entry_add(user=moderator, action=action, text=text)

    assert not action.entries.exists()


def test_a_timeline_entry_is_dated(project_page, moderator):
    insight = insight_in_status(project_page, InsightStatus.ACCEPTED)
    action = ActionFactory(insight=insight)

    entry = action_entry_add(
        user=moderator, action=action, text="Overleg gehad.", date=datetime.date(2026, 3, 1)
    )

    assert (entry.date, entry.written_by) == (datetime.date(2026, 3, 1), moderator)
