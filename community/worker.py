"""The task worker that survives: a database outage pauses it instead of ending it, and a task
left RUNNING by a worker that died is run again.

Both rest on one rule that every task in this project keeps: a task is idempotent. Running it
again after it was interrupted, or after it finished but before its result was written, does
its work at most once (a notification is mailed only if it was not mailed yet, a digest holds
only what no earlier digest held, an index entry is simply written again). So a task is
re-queued rather than ever marked lost.
"""

import datetime
import logging
import random
import re
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
)
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

logger = logging.getLogger(__name__)

# The errors of a database that is gone (refused, timed out, connection lost), as opposed to
# the errors of a query.
DATABASE_GONE = (OperationalError, InterfaceError)
BACKOFF_CAP = 30.0
REQUEUE_EVERY = 60.0


def stuck_tasks_requeue(*, older_than: datetime.timedelta) -> int:
    """Put tasks that have been RUNNING for longer than `older_than` back in the queue (READY,
    no start time) and return how many.

    A task stays RUNNING forever when its worker was killed (SIGKILL, out of memory, a lost
    machine) before it could record the result. One UPDATE, so any number of workers may run
    it at once: a row is re-queued once. The timeout must exceed the longest task, or a task
    still running is started a second time (harmless, tasks being idempotent, but wasted).
    `worker_ids` keeps every worker that claimed the task, as a record of its attempts.
    """
    cutoff = timezone.now() - older_than
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY, started_at=None)


def database_answers(alias: str = "default") -> bool:
    """Whether a query runs on a fresh connection to the database now."""
    connection = connections[alias]
    connection_close(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        connection_close(connection)
        return False
    return True


def connection_close(connection: Any) -> None:
    """Drop a connection that may be broken; closing a dead one may itself fail."""
    try:
        connection.close()
    except DatabaseError:
        connection.connection = None


def statement_timeout_set(options: dict[str, Any], seconds: int) -> None:
    """Set PostgreSQL's statement_timeout in a connection's OPTIONS (config/settings/base.py
    puts the web one there); the next connection uses it."""
    setting = f"-c statement_timeout={seconds * 1000}"
    current = options.get("options", "")
    if "statement_timeout=" in current:
        options["options"] = re.sub(r"-c\s*statement_timeout=\S+", setting, current)
    else:
        options["options"] = f"{current} {setting}".strip()


class Worker(db_worker.Worker):
    """django-tasks-db's worker loop, made to outlive database outages and dead workers.

    - An OperationalError or InterfaceError while claiming or recording a task closes the
      connections, logs one warning, waits 1 s, 2 s, 4 s … (at most 30 s) and goes on; one
      warning again when the database is back.
    - A task whose run failed because the database vanished is not marked failed: it is put
      back in the queue as soon as the database answers again.
    - Every minute, tasks RUNNING for longer than TASKS_RUNNING_TIMEOUT are re-queued
      (stuck_tasks_requeue).
    """

    def __init__(
        self,
        *,
        running_timeout: datetime.timedelta,
        sleep: Callable[[float], None] = time.sleep,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.running_timeout = running_timeout
        self.sleep = sleep
        self.outage_started: float | None = None
        self.failures = 0
        self.interrupted: set[str] = set()
        self.interrupted_requeued = 0
        self.requeue_at = 0.0

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, self.queue_names)
        if self.startup_delay and self.interval:
            self.sleep(random.random())  # noqa: S311 - spreads workers started together
        while self.running:
            try:
                self.interrupted_requeue()
                self.requeue_if_due()
                finished = self.step()
            except DATABASE_GONE as error:
                self.database_lost(error)
                continue
            if self.outage_started is not None:
                self.database_back()
            if finished:
                return

    def step(self) -> bool:
        """Claim and run one task, or wait `interval` when there is none. The loop of
        django-tasks-db's Worker.run, one turn of it; True when the worker should stop."""
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)

        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                retrieved = True
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                task_result, retrieved = None, False  # SQLite busy: it unlocks soon

        if task_result is not None:
            self.run_task(task_result)

        if self.batch and retrieved and task_result is None:
            logger.info("No more tasks to run for worker_id=%s - exiting.", self.worker_id)
            return True
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            logger.info("Ran %d tasks on worker_id=%s - exiting.", self._run_tasks, self.worker_id)
            return True
        close_old_connections()
        if self.running and task_result is None:
            self.sleep(self.interval)
        return False

    def run_task(self, db_task_result: DBTaskResult) -> None:
        db_task_result.set_failed = partial(
            self.record_failure, db_task_result, db_task_result.set_failed
        )
        super().run_task(db_task_result)

    def record_failure(
        self,
        db_task_result: DBTaskResult,
        set_failed: Callable[[BaseException], None],
        error: BaseException,
    ) -> None:
        """Mark the task failed, unless the database is gone: then the task did not fail, it
        was interrupted, and runs again once the database is back."""
        if isinstance(error, DATABASE_GONE) and not database_answers(db_task_result._state.db):
            self.interrupted.add(str(db_task_result.pk))
            raise error
        try:
            set_failed(error)
        except DATABASE_GONE:
            self.interrupted.add(str(db_task_result.pk))
            raise

    def database_lost(self, error: Exception) -> None:
        for connection in connections.all(initialized_only=True):
            connection_close(connection)
        self.failures += 1
        if self.outage_started is None:
            self.outage_started = time.monotonic()
            logger.warning("Database unreachable; the worker waits for it: %s", error)
        else:
            logger.debug("Database still unreachable: %s", error)
        if self.running:
            self.sleep(min(BACKOFF_CAP, 2.0 ** (self.failures - 1)))

    def interrupted_requeue(self) -> None:
        """Put the tasks the outage interrupted back in the queue (raises while the database
        is still gone)."""
        if self.interrupted:
            self.interrupted_requeued += DBTaskResult.objects.filter(
                pk__in=self.interrupted, status=TaskResultStatus.RUNNING
            ).update(status=TaskResultStatus.READY, started_at=None)
            self.interrupted.clear()

    def database_back(self) -> None:
        logger.warning(
            "Database reachable again after %.0f s; %d interrupted task(s) queued again.",
            time.monotonic() - self.outage_started,
            self.interrupted_requeued,
        )
        self.outage_started = None
        self.failures = 0
        self.interrupted_requeued = 0

    def requeue_if_due(self) -> None:
        now = time.monotonic()
        if now < self.requeue_at:
            return
        self.requeue_at = now + REQUEUE_EVERY
        requeued = stuck_tasks_requeue(older_than=self.running_timeout)
        if requeued:
            logger.warning(
                "Queued again %d task(s) RUNNING for more than %s (their worker died).",
                requeued,
                self.running_timeout,
            )


def worker_running_timeout() -> datetime.timedelta:
    """TASKS_RUNNING_TIMEOUT (seconds) as a timedelta."""
    return datetime.timedelta(seconds=settings.TASKS_RUNNING_TIMEOUT)
