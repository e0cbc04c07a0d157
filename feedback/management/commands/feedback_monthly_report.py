"""Build last month's feedback report when it is missing and announce it once; run it daily
from cron (the first run of a month builds it, later runs find it built)."""

import datetime

from django.core.management.base import BaseCommand, CommandParser

from feedback.services.reports import monthly_report_run


class Command(BaseCommand):
    help = (
        "Build the previous month's feedback report if it is missing and notify team leads "
        "and administrators once. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Act as if today were this date (YYYY-MM-DD): builds the month before it.",
        )

    def handle(self, *args, today: datetime.date | None = None, **options) -> None:
        report = monthly_report_run(today=today)
        self.stdout.write(f"Report {report.month:%Y-%m}: built {report.built_at:%Y-%m-%d %H:%M}.")
