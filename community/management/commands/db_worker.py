"""django-tasks-db's worker, with its routine lines (a task started, a task succeeded) at debug.

At the default verbosity the console then shows what matters: failed tasks and warnings.
`manage.py db_worker -v 2` shows every task again.
"""

import logging

from django_tasks_db.compat import TASKS_LOGGER
from django_tasks_db.management.commands import db_worker


class Command(db_worker.Command):
    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        if verbosity == 1:
            for name in (TASKS_LOGGER, db_worker.logger.name):
                logging.getLogger(name).setLevel(logging.WARNING)
