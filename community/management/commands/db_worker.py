"""django-tasks-db's worker, made to survive (community/worker.py): a database outage pauses it
instead of ending it, tasks left RUNNING by a dead worker are queued again, and its statements
may run for DATABASE_STATEMENT_TIMEOUT_WORKER instead of the web's limit.

Its routine lines (a task started, a task succeeded) are at debug: at the default verbosity
the console shows what matters, failed tasks and warnings. `manage.py db_worker -v 2` shows
every task again.
"""

import logging
import os
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.compat import TASKS_LOGGER
from django_tasks_db.management.commands import db_worker

from community.worker import Worker, statement_timeout_set, worker_running_timeout


class Command(db_worker.Command):
    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        if verbosity == 1:
            for name in (TASKS_LOGGER, db_worker.logger.name):
                logging.getLogger(name).setLevel(logging.WARNING)

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        excluded = exclude_queues.split(",") if exclude_queues else []
        queue_names = queue_name.split(",")
        if excluded and "*" not in queue_names:
            raise db_worker.CommandError("--exclude-queues can only be used with --queue-name=*")

        for connection in connections.all():
            if connection.vendor == "postgresql":
                statement_timeout_set(
                    connection.settings_dict.setdefault("OPTIONS", {}),
                    settings.DATABASE_STATEMENT_TIMEOUT_WORKER,
                )
                connection.close()

        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
            running_timeout=worker_running_timeout(),
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
