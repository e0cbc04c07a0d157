"""Warn about complaint deadlines; run it daily from cron."""

import datetime

from django.core.management.base import BaseCommand, CommandParser

from complaints.services.deadlines import complaints_deadlines_warn


class Command(BaseCommand):
    help = (
        "Warn the handler (the complaints leads when nobody handles it) 5 days before a "
        "complaint's deadline, and the complaints leads once a deadline passed. Each warning "
        "is given once: safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Act as if today were this date (YYYY-MM-DD).",
        )

    def handle(self, *args, today: datetime.date | None = None, **options) -> None:
        given = complaints_deadlines_warn(today=today)
        self.stdout.write(f"Gave {given} complaint deadline warning(s).")
