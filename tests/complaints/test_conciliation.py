"""The conciliation log: calls, meetings, messages and agreements with the parent, dated (never
in the future), audited, and logged once however often the form is sent."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from complaints.models import ConciliationEntry, ConciliationKind, EventAction
from complaints.services.conciliation import conciliation_entry_add

pytestmark = pytest.mark.django_db


def _add(complaint, by, **fields):
    values = {
        "kind": ConciliationKind.CALL,
        "happened_on": timezone.localdate(),
        "summary": "Mevrouw Peeters gebeld; excuses aangeboden.",
        **fields,
    }
    return conciliation_entry_add(complaint=complaint, by=by, **values)


def test_a_call_is_logged_and_audited_without_its_words(complaint, complaints_officer):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    entry = _add(complaint, complaints_officer, happened_on=yesterday)

    assert (entry.kind, entry.happened_on, entry.created_by) == (
        ConciliationKind.CALL,
        yesterday,
        complaints_officer,
    )
    event = complaint.events.get(action=EventAction.CONCILIATION)
    assert event.actor == complaints_officer
    assert yesterday.isoformat() in event.detail and "excuses" not in event.detail


def test_sending_the_same_entry_twice_logs_it_once(complaint, complaints_officer):
    first = _add(complaint, complaints_officer)
    second = _add(complaint, complaints_officer)

    assert first.pk == second.pk
    assert ConciliationEntry.objects.count() == 1
    assert complaint.events.filter(action=EventAction.CONCILIATION).count() == 1
    _add(complaint, complaints_officer, kind=ConciliationKind.AGREEMENT)
    assert ConciliationEntry.objects.count() == 2


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"happened_on": timezone.localdate() + datetime.timedelta(days=1)}, "happened_on"),
        ({"happened_on": None}, "happened_on"),
        ({"summary": "  \n "}, "summary"),
        ({"summary": "x" * 4001}, "summary"),
        ({"kind": "fax"}, "kind"),
    ],
    ids=["future", "no-date", "empty", "too-long", "unknown-kind"],
)
def test_bad_entries_are_refused_at_their_field(complaint, complaints_officer, fields, field):
    with pytest.raises(ValidationError) as error:
        _add(complaint, complaints_officer, **fields)

    assert field in error.value.message_dict
    assert not ConciliationEntry.objects.exists()
    assert not complaint.events.filter(action=EventAction.CONCILIATION).exists()


@pytest.mark.parametrize("who", ["researcher", "safeguarding_officer", "subject_staff"])
def test_only_who_handles_writes_the_log(request, complaint, who):
    with pytest.raises(PermissionDenied):
        _add(complaint, request.getfixturevalue(who))

    assert not ConciliationEntry.objects.exists()
