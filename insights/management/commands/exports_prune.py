"""Delete export files past their expiry; run it daily from cron or a scheduler."""

from django.core.management.base import BaseCommand

from insights.services.exports import exports_prune


class Command(BaseCommand):
    help = (
        "Delete the files of exports older than their expiry (7 days) and mark them expired. "
        "Safe to run twice."
    )

    def handle(self, *args, **options) -> None:
        expired = exports_prune()
        self.stdout.write(f"Expired {expired} export(s).")
