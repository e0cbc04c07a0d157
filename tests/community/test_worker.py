"""The task worker survives a database outage, and tasks left RUNNING by a dead worker run again."""

import datetime
import logging
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet, get_date_max

from community.worker import Worker, statement_timeout_set, stuck_tasks_requeue

pytestmark = pytest.mark.django_db

calls: list[str] = []


@task()
def note(word: str) -> str:
    calls.append(word)
    return word


@task()
def note_unless_database_gone(word: str) -> str:
    """Fails like a task whose database vanished mid-run, the first time only."""
    calls.append(word)
    if len(calls) == 1:
        raise OperationalError("server closed the connection unexpectedly")
    return word


@pytest.fixture(autouse=True)
def _no_calls():
    calls.clear()


def task_row(
    function, *, status: str = TaskResultStatus.READY, started_at=None, word: str = "hallo"
) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=function.module_path,
        args_kwargs={"args": [word], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
        status=status,
        started_at=started_at,
        exception_class_path="",
        traceback="",
    )


def batch_worker(sleeps: list[float]) -> Worker:
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
        running_timeout=datetime.timedelta(minutes=10),
        sleep=sleeps.append,
    )


@pytest.fixture
def connections_kept():
    """The test's transaction must outlive the worker's reconnects: closing is a no-op here."""
    with (
        mock.patch("community.worker.close_old_connections"),
        mock.patch("community.worker.connection_close"),
    ):
        yield


def test_worker_survives_a_database_outage_and_runs_the_task_afterwards(connections_kept, caplog):
    row = task_row(note)
    get_locked = DBTaskResultQuerySet.get_locked
    attempts = []

    def claim_fails_twice(queryset):
        attempts.append(1)
        if len(attempts) <= 2:
            raise OperationalError("connection to server failed: Connection refused")
        return get_locked(queryset)

    sleeps: list[float] = []
    with (
        mock.patch.object(DBTaskResultQuerySet, "get_locked", autospec=True) as patched,
        caplog.at_level(logging.WARNING, logger="community.worker"),
    ):
        patched.side_effect = claim_fails_twice
        batch_worker(sleeps).run()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert calls == ["hallo"]
    assert sleeps == [1.0, 2.0]  # backing off
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert messages[0].startswith("Database unreachable")
    assert messages[1].startswith("Database reachable again")


def test_backoff_is_capped_at_thirty_seconds(connections_kept):
    sleeps: list[float] = []
    worker = batch_worker(sleeps)

    for _ in range(8):
        worker.database_lost(OperationalError("gone"))

    assert sleeps == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]


def test_task_interrupted_by_the_outage_is_not_marked_failed_but_run_again(connections_kept):
    row = task_row(note_unless_database_gone)
    sleeps: list[float] = []

    with mock.patch("community.worker.database_answers", return_value=False) as answers:
        batch_worker(sleeps).run()

    row.refresh_from_db()
    assert answers.call_count == 1  # asked once, when the task failed
    assert sleeps == [1.0]
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.exception_class_path == ""
    assert calls == ["hallo", "hallo"]
    assert row.worker_ids == ["test-worker", "test-worker"]


def test_task_failing_with_a_database_error_while_the_database_answers_is_marked_failed(
    connections_kept,
):
    row = task_row(note_unless_database_gone)

    with mock.patch("community.worker.database_answers", return_value=True):
        batch_worker([]).run()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "django.db.utils.OperationalError"


def test_requeue_puts_back_only_tasks_running_for_longer_than_the_timeout():
    now = timezone.now()
    stuck = task_row(
        note, status=TaskResultStatus.RUNNING, started_at=now - datetime.timedelta(minutes=11)
    )
    running = task_row(
        note, status=TaskResultStatus.RUNNING, started_at=now - datetime.timedelta(minutes=1)
    )
    finished = task_row(
        note, status=TaskResultStatus.SUCCESSFUL, started_at=now - datetime.timedelta(hours=1)
    )
    waiting = task_row(note)

    requeued = stuck_tasks_requeue(older_than=datetime.timedelta(minutes=10))

    assert requeued == 1
    statuses = {
        row.pk: (row.status, row.started_at)
        for row in DBTaskResult.objects.filter(
            pk__in=[stuck.pk, running.pk, finished.pk, waiting.pk]
        )
    }
    assert statuses[stuck.pk] == (TaskResultStatus.READY, None)
    assert statuses[running.pk][0] == TaskResultStatus.RUNNING
    assert statuses[finished.pk][0] == TaskResultStatus.SUCCESSFUL
    assert statuses[waiting.pk][0] == TaskResultStatus.READY
    assert stuck_tasks_requeue(older_than=datetime.timedelta(minutes=10)) == 0


def test_requeued_task_runs_again(connections_kept):
    row = task_row(
        note,
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - datetime.timedelta(hours=1),
    )

    batch_worker([]).run()  # its first turn re-queues, the next ones run

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert calls == ["hallo"]


def test_requeue_command_reports_how_many_tasks_it_queued_again():
    task_row(
        note,
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - datetime.timedelta(seconds=90),
    )
    task_row(note, status=TaskResultStatus.RUNNING, started_at=timezone.now())
    out = StringIO()

    call_command("requeue_stuck_tasks", "--older-than", "60", stdout=out)

    assert out.getvalue().strip() == "Queued again 1 task(s) running for more than 60 s."


def test_requeue_command_defaults_to_the_setting(settings):
    settings.TASKS_RUNNING_TIMEOUT = 120
    out = StringIO()

    call_command("requeue_stuck_tasks", stdout=out)

    assert "more than 120 s" in out.getvalue()


def test_worker_statement_timeout_replaces_the_web_one():
    options = {"options": "-c search_path=public -c statement_timeout=30000"}

    statement_timeout_set(options, 300)

    assert options["options"] == "-c search_path=public -c statement_timeout=300000"


def test_worker_statement_timeout_is_added_when_none_is_set():
    options: dict = {}

    statement_timeout_set(options, 300)

    assert options["options"] == "-c statement_timeout=300000"
