"""Send the e-mails that are due (`community.delivery`) and the CDN purges queued by writes
(`core.purges`), then exit; `--watch` keeps sending.

With `--watch` the worker outlives a database or mail outage: a failed round is logged and
tried again after the interval. Ctrl-C or SIGTERM ends it between rounds or mid-round; a round
cut short commits nothing for the recipient it was on, so nothing is lost.
"""

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from community.delivery import deliver_due
from core.purges import send_due, wait_for_work

log = logging.getLogger(__name__)


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
        self.verbosity = options.get("verbosity", 1)
        if not watch:
            self._drain()
            return
        # SIGTERM (a process manager, `make run`'s trap) ends the loop as Ctrl-C does.
        previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            while True:
                try:
                    self._drain()
                except DatabaseError as error:
                    log.warning("Notification round failed, trying again: %s", error)
                    close_old_connections()
                self._wait(interval)
        except KeyboardInterrupt:
            self.stdout.write("Notification worker stopped.")
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _drain(self) -> None:
        self._purge()
        sent = failed = 0
        while True:
            result = deliver_due()
            sent, failed = sent + result.sent, failed + result.failed
            # A round that sent nothing (all failed, or none due) ends the drain: failed rows
            # come due again after their backoff.
            if result.sent == 0:
                break
        if sent or failed or self.verbosity > 1:
            self.stdout.write(f"Sent {sent} notification(s); {failed} to retry later.")

    def _wait(self, interval: float) -> None:
        # With a CDN, a write's purges wake the worker at once: an edit is purged within
        # milliseconds of its commit, not at the next round.
        if not settings.CDN_PURGE_URL:
            time.sleep(interval)
            return
        try:
            wait_for_work(interval)
        except DatabaseError as error:
            log.warning("Waiting for purges failed: %s", error)
            close_old_connections()
            time.sleep(interval)

    def _purge(self) -> None:
        purged = failed = 0
        while True:
            result = send_due()
            purged, failed = purged + result.sent, failed + result.failed
            if result.sent == 0:
                break
        if purged or failed:
            self.stdout.write(f"Purged {purged} key(s) from the CDN; {failed} to retry later.")
