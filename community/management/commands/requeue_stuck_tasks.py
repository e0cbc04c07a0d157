"""Queue again the tasks left RUNNING by a worker that died (the worker also does it every
minute; this is for an operator, or a scheduler when no worker runs)."""

import datetime

from django.core.management.base import BaseCommand, CommandParser

from community.worker import stuck_tasks_requeue, worker_running_timeout


class Command(BaseCommand):
    help = (
        "Put tasks RUNNING for longer than TASKS_RUNNING_TIMEOUT (or --older-than seconds) "
        "back in the queue, so a worker runs them again. Tasks are idempotent: a re-run does "
        "nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="SECONDS",
            help="Running for longer than this (default: TASKS_RUNNING_TIMEOUT).",
        )

    def handle(self, *args, older_than: int | None, **options) -> None:
        timeout = (
            worker_running_timeout()
            if older_than is None
            else datetime.timedelta(seconds=older_than)
        )
        requeued = stuck_tasks_requeue(older_than=timeout)
        self.stdout.write(
            f"Queued again {requeued} task(s) running for more than "
            f"{int(timeout.total_seconds())} s."
        )
