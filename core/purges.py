"""Purging the CDN in front (Varnish or Fastly) per dependency key, through an outbox.

A write that readers see names its keys (core.cache.site_changed); when `CDN_PURGE_URL` is set
each key becomes a `Purge` row in the write's own transaction, so a rolled-back write purges
nothing and a committed one is never forgotten. The worker (`manage.py send_notifications`)
sends them: one request per key, rows locked with `FOR UPDATE SKIP LOCKED` so two workers never
send the same one, deleted once the CDN answered 2xx, due again after a doubling backoff when it
did not. Queuing also sends a PostgreSQL NOTIFY on `CHANNEL`, delivered at commit, so a waiting
worker purges within milliseconds (`wait_for_work`) rather than at its next round.

So that an edit shows through the CDN on the very next request, the saving process also sends
its own purges once its commit has made the keys stale in the page cache (`send_now`), all at
once and for at most `CDN_PURGE_WAIT_MS` (250 ms by default; 0: never); the rows it sent are
deleted, and whatever a slow or absent CDN did not take by then is the worker's. So a CDN that
is down costs a save at most that wait, and loses nothing. The worker makes the keys stale in
the page cache again before it purges: a CDN purged before the page cache forgot the page would
fetch the old page again and keep it.

The two kinds (`CDN_PURGE_KIND`, guessed from the URL when unset):
- `varnish`: `PURGE <CDN_PURGE_URL>` with `xkey-purge: <key>`; deploy/varnish.vcl answers it
  with varnish-modules' `xkey.purge` (only from the addresses its ACL allows).
- `fastly`: `POST <CDN_PURGE_URL>/<key>` with `Fastly-Key: <CDN_PURGE_TOKEN>`, the URL being
  `https://api.fastly.com/service/<service id>/purge` (Fastly's surrogate-key purge).
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.models import Purge

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=5)
LONGEST_RETRY = timedelta(minutes=10)
BATCH = 200
TIMEOUT_SECONDS = 5
CHANNEL = "bigsoc_purge"


@dataclass
class PurgeResult:
    sent: int = 0
    failed: int = 0


def queue(keys) -> list[int]:
    """Add a purge per key to the current transaction (nothing without a CDN configured); the
    rows' ids, for `send_now`."""
    if not settings.CDN_PURGE_URL or not keys:
        return []
    now = timezone.now()
    rows = Purge.objects.bulk_create([Purge(key=key, due_at=now) for key in sorted(keys)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, '')", [CHANNEL])
    return [row.pk for row in rows]


def send_now(ids: list[int]) -> None:
    """After the commit that queued `ids`: send them from this process, in parallel, waiting at
    most CDN_PURGE_WAIT_MS; delete those the CDN took, leave the others to the worker."""
    wait = settings.CDN_PURGE_WAIT_MS / 1000
    if not ids or wait <= 0:
        return
    rows = dict(Purge.objects.filter(pk__in=ids).values_list("pk", "key"))
    pool = ThreadPoolExecutor(max_workers=min(8, len(rows)))
    futures = {pool.submit(_send, key, timeout=wait): pk for pk, key in rows.items()}
    done, _ = wait_for(futures, timeout=wait)
    pool.shutdown(wait=False)  # a CDN still answering is the worker's to retry
    sent = [futures[f] for f in done if f.exception() is None]
    if sent:
        Purge.objects.filter(pk__in=sent).delete()


def wait_for_work(seconds: float) -> None:
    """Return when a write queued purges (its commit's NOTIFY), or after `seconds`."""
    with connection.cursor() as cursor:
        cursor.execute(f"LISTEN {CHANNEL}")
    for _ in connection.connection.notifies(timeout=seconds, stop_after=1):
        pass


def kind() -> str:
    if settings.CDN_PURGE_KIND:
        return settings.CDN_PURGE_KIND
    host = urllib.parse.urlsplit(settings.CDN_PURGE_URL).hostname or ""
    return "fastly" if host.endswith("fastly.com") else "varnish"


def purge_request(key: str) -> urllib.request.Request:
    """The HTTP request that makes the CDN forget every page carrying `key`."""
    url = settings.CDN_PURGE_URL
    if kind() == "fastly":
        request = urllib.request.Request(
            f"{url.rstrip('/')}/{urllib.parse.quote(key, safe='')}", method="POST"
        )
        request.add_header("Fastly-Key", settings.CDN_PURGE_TOKEN or "")
        return request
    request = urllib.request.Request(url, method="PURGE")
    request.add_header("xkey-purge", key)
    return request


def _send(key: str, timeout: float = TIMEOUT_SECONDS) -> None:
    with urllib.request.urlopen(purge_request(key), timeout=timeout) as response:
        response.read()


def send_due() -> PurgeResult:
    """Send one batch of due purges; each key once, however many writes queued it."""
    result = PurgeResult()
    if not settings.CDN_PURGE_URL:
        return result
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Purge.objects.select_for_update(skip_locked=True)
            .filter(due_at__lte=now)
            .order_by("due_at", "id")[:BATCH]
        )
        by_key: dict[str, list[Purge]] = {}
        for row in rows:
            by_key.setdefault(row.key, []).append(row)
        if by_key:
            # The page cache forgets first (it may not have yet: the saving process bumps
            # after its commit, this worker may be faster), then the CDN.
            from core.cache import keys_changed_now

            keys_changed_now(by_key)
        done, failed = [], []
        for key, same in by_key.items():
            try:
                _send(key)
            except (OSError, urllib.error.URLError) as error:
                log.warning("Purging %r from the CDN failed, trying again: %s", key, error)
                failed.append((same, str(error)))
                continue
            done.extend(row.pk for row in same)
        Purge.objects.filter(pk__in=done).delete()
        for same, error in failed:
            attempts = max(row.attempts for row in same) + 1
            delay = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
            Purge.objects.filter(pk__in=[row.pk for row in same]).update(
                attempts=attempts, due_at=now + delay, last_error=error[:1000]
            )
    result.sent, result.failed = len(by_key) - len(failed), len(failed)
    return result
