"""Send the e-mail channel's due satisfaction mails and reminders; run it from cron every
15 minutes (README, "Helpline and e-mail feedback API")."""

from django.core.management.base import BaseCommand, CommandParser

from feedback.tasks.mail import feedback_mail_send


class Command(BaseCommand):
    help = (
        "Send the satisfaction mails of e-mail answers that are due, and their one reminder; "
        "skip addresses that opted out or got a survey in the last 7 days; forget addresses "
        "no mail needs any more. Each mail goes out at most once: safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the task for a worker (manage.py db_worker) instead of sending now.",
        )

    def handle(self, *args, enqueue: bool = False, **options) -> None:
        if enqueue:
            result = feedback_mail_send.enqueue()
            self.stdout.write(f"Queued the feedback mails (task {result.id}).")
            return
        counts = feedback_mail_send.call()
        self.stdout.write(
            "Feedback mails: {sent} sent, {reminded} reminders, {suppressed} not sent, "
            "{forgotten} addresses forgotten.".format(**counts)
        )
