"""Queue the daily or weekly notification digests; run it from cron or a scheduler."""

from django.core.management.base import BaseCommand, CommandParser

from community.tasks import DIGEST_FREQUENCIES, notification_digests_enqueue


class Command(BaseCommand):
    help = (
        "Queue the notification digest e-mails (daily or weekly). A task worker "
        "(manage.py db_worker) sends them: one e-mail per member with something due."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--frequency",
            required=True,
            choices=[frequency.value for frequency in DIGEST_FREQUENCIES],
            help="Which digest to send.",
        )

    def handle(self, *args, frequency: str, **options) -> None:
        result = notification_digests_enqueue.enqueue(frequency)
        self.stdout.write(f"Queued the {frequency} notification digests (task {result.id}).")
