"""Anonymise the complaints closed more than COMPLAINTS_RETENTION_YEARS years ago; run it
daily from cron (a run with nothing due does nothing)."""

from django.core.management.base import BaseCommand, CommandParser

from complaints.services.retention import BATCH_SIZE, retention_cutoff, retention_run


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of complaints closed more than COMPLAINTS_RETENTION_YEARS "
        "years ago; the statistics and annual reports stay the same. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Complaints per transaction (default {BATCH_SIZE}).",
        )

    def handle(self, *args, batch_size: int, **options) -> None:
        done = retention_run(batch_size=max(1, batch_size))
        self.stdout.write(
            f"Complaints closed before {retention_cutoff():%Y-%m-%d}: {done} anonymised."
        )
