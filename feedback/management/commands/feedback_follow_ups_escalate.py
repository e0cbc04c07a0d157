"""Escalate overdue follow-up items to the region's leads; run it daily from cron."""

import datetime

from django.core.management.base import BaseCommand, CommandParser

from feedback.services.followups import follow_up_escalate_overdue


class Command(BaseCommand):
    help = (
        "Tell the region's leads (administrators when a region has none) about follow-up "
        "items past their due date that are not closed. Each item is escalated once: safe to "
        "run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Act as if today were this date (YYYY-MM-DD).",
        )

    def handle(self, *args, today: datetime.date | None = None, **options) -> None:
        escalated = follow_up_escalate_overdue(today=today)
        self.stdout.write(f"Escalated {escalated} follow-up item(s).")
