"""Send the e-mails that are due (`community.delivery`), then exit; `--watch` keeps sending."""

import time

from django.core.management.base import BaseCommand

from community.delivery import deliver_due


class Command(BaseCommand):
    help = "Deliver every due watchlist e-mail and exit (--watch: keep delivering)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--watch", action="store_true", help="keep running, delivering as mail comes due"
        )
        parser.add_argument(
            "--interval", type=float, default=10.0, help="seconds between rounds with --watch"
        )

    def handle(self, *args, watch=False, interval=10.0, **options):
        while True:
            total = self._drain()
            if not watch:
                return
            if total == 0:
                time.sleep(interval)

    def _drain(self) -> int:
        sent = failed = 0
        while True:
            result = deliver_due()
            sent, failed = sent + result.sent, failed + result.failed
            # A round that sent nothing (all failed or none due) ends the drain; failed rows
            # come due again after their backoff.
            if result.sent == 0:
                break
        if sent or failed or self.verbosity > 1:
            self.stdout.write(f"Sent {sent} notification(s); {failed} will be retried.")
        return sent
