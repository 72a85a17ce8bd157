"""Reading from PostgreSQL replicas without ever reading stale after one's own write.

`DATABASE_REPLICA_URLS` adds replicas as the database aliases `replica1`, `replica2` …. Then:

- `ReplicaRouter` sends the ORM's reads to the replica `ReplicaMiddleware` chose for the
  request, and everything else to the primary (`default`): every write, every read inside a
  transaction on the primary, and every read after the request's first write. Raw SQL through
  `django.db.connection` is the primary's too, and so is the database cache (its versions must
  never be read behind).
- `ReplicaMiddleware` chooses: only GET and HEAD requests read from a replica. After a request
  that wrote (any POST, or a GET whose view wrote), the primary's WAL position
  (`pg_current_wal_insert_lsn()`, read once the request's transactions have committed: the
  insert position, as the write position lags a commit under `synchronous_commit = off`) goes
  back in the `bigsoc_lsn` cookie; while it is held, that person's reads go to a replica only
  once the replica has replayed that position (`pg_last_wal_replay_lsn()`), otherwise to the
  primary. This is MediaWiki's ChronologyProtector: a volunteer sees their edit at once, with the
  replica seconds behind, and anonymous readers (no cookie) read from the replica throughout.
- Each process looks at its replicas at most once every `CHECK_SECONDS`: the primary's WAL
  position, each replica's replayed position, and so how far behind it is in seconds (the age of
  the oldest primary position it has not replayed). A replica further behind than
  `REPLICA_MAX_LAG_SECONDS` or unreachable is skipped; with none left, reads go to the primary.
- A replica that fails during a request (stopped between two looks) is marked down and the
  request (a GET: safe to run again) runs again on the primary, so no request is lost.
- What is kept for other readers must not come from behind: every write's commit records the
  primary's position in the shared cache (`record_write`, from core.cache), and a request whose
  replica has not replayed it is not `current()`. The page cache then reads the page it will
  store from the primary, and `for_generation` computes without keeping.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections import deque
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections

from core.outages import UNAVAILABLE

log = logging.getLogger(__name__)

PRIMARY = "default"
# The primary's WAL position after the latest write readers can see, in the shared cache.
WRITE_POSITION_KEY = "bigsoc:write-lsn"
COOKIE = "bigsoc_lsn"
# How long the cookie lasts: longer than any replica may lag and still be read from.
COOKIE_SECONDS = 300
CHECK_SECONDS = 1.0
SAFE_METHODS = ("GET", "HEAD")


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def parse_lsn(text: str) -> int | None:
    """`16/B374D848` → an integer that orders as WAL positions do; None for anything else."""
    high, _, low = text.partition("/")
    try:
        return (int(high, 16) << 32) + int(low, 16)
    except ValueError:
        return None


@dataclass
class _Request:
    replica: str | None = None  # where this request's reads go; None: the primary
    wrote: bool = False
    latest_write: int | None = None  # the site's latest write's position, when known
    started: int = 0  # time.time_ns() when the request began


_request: ContextVar[_Request | None] = ContextVar("bigsoc_replica_request", default=None)


class ReplicaRouter:
    """Reads to the request's replica, unless written or in a transaction; all else primary."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label == "django_cache":
            return PRIMARY  # the database cache holds the versions pages are checked against
        state = _request.get()
        if state is None or state.replica is None or state.wrote:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY  # a read inside a write's transaction sees that write
        return state.replica

    def db_for_write(self, model, **hints):
        state = _request.get()
        # Filling the database cache is not the person's write: it is always read from the
        # primary anyway, and it would keep every reader off the replicas.
        if state is not None and model._meta.app_label != "django_cache":
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's rows: one database, several copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


@dataclass
class _Replicas:
    """What this process last saw of its replicas."""

    checked_at: float = 0.0
    replayed: dict[str, int] = field(default_factory=dict)  # alias → replayed LSN, if usable
    # (monotonic time, primary LSN) samples: how long ago the primary was where a replica is.
    primary: deque = field(default_factory=lambda: deque(maxlen=600))
    lock: threading.Lock = field(default_factory=threading.Lock)


_replicas = _Replicas()


def _scalar(alias: str, sql: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _check() -> None:
    now = time.monotonic()
    with _replicas.lock:
        if now - _replicas.checked_at < CHECK_SECONDS:
            return
        _replicas.checked_at = now
    try:
        primary = parse_lsn(_scalar(PRIMARY, "SELECT pg_current_wal_insert_lsn()::text"))
    except DatabaseError:
        primary = None  # the primary's own outage is the views' to report
    if primary is not None:
        _replicas.primary.append((now, primary))
    replayed = {}
    for alias in replica_aliases():
        try:
            lsn = _scalar(alias, "SELECT pg_last_wal_replay_lsn()::text")
        except DatabaseError as error:
            log.warning("Replica %s is out of reach, reading from the others: %s", alias, error)
            connections[alias].close()
            continue
        position = parse_lsn(lsn or "")
        if position is not None and _lag_seconds(position, now) <= settings.REPLICA_MAX_LAG_SECONDS:
            replayed[alias] = position
    _replicas.replayed = replayed


def _lag_seconds(replayed: int, now: float) -> float:
    """Seconds since the primary was first seen past `replayed` (0: it has everything)."""
    behind_since = None
    for seen_at, position in reversed(_replicas.primary):
        if position <= replayed:
            break
        behind_since = seen_at
    return 0.0 if behind_since is None else now - behind_since


def choose_replica(needed: int | None) -> str | None:
    """A usable replica that has replayed `needed` (None: any), or None for the primary."""
    _check()
    usable = [
        alias
        for alias, replayed in _replicas.replayed.items()
        if needed is None or replayed >= needed
    ]
    return random.choice(usable) if usable else None


def enabled() -> bool:
    return bool(replica_aliases())


def record_write() -> None:
    """After a visible write's commit (core.cache): the primary's position, for `current()`."""
    try:
        position = parse_lsn(_scalar(PRIMARY, "SELECT pg_current_wal_insert_lsn()::text"))
    except DatabaseError as error:  # the write has committed: never fail it now
        log.warning("Could not read the primary's position after a write: %s", error)
        return
    if position is not None and position > (cache.get(WRITE_POSITION_KEY) or 0):
        cache.set(WRITE_POSITION_KEY, position, timeout=None)


def current(generation: int | None = None) -> bool:
    """Whether this request reads everything the site's latest write wrote (the primary always
    does; a replica once it has replayed that write's position). `generation`: what is to be
    kept under it; one set after the request began came from a write this request may not
    see, as its position was recorded after the request read the latest one."""
    state = _request.get()
    if state is None or state.replica is None or state.wrote:
        return True
    if generation is not None and generation > state.started:
        return False
    if state.latest_write is None:
        return True
    return _replicas.replayed.get(state.replica, -1) >= state.latest_write


def read_current() -> None:
    """Make the rest of this request read what `current()` asks: from a replica that has
    replayed the latest write, or from the primary."""
    state = _request.get()
    if not current():
        state.replica = choose_replica(state.latest_write)


def mark_down(alias: str) -> None:
    _replicas.replayed.pop(alias, None)
    connections[alias].close()


class ReplicaMiddleware:
    """Chooses each request's replica and keeps the person's last write in `bigsoc_lsn`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        state = _Request(started=time.time_ns())
        if request.method in SAFE_METHODS:
            needed = parse_lsn(request.COOKIES.get(COOKIE, ""))
            state.replica = choose_replica(needed)
            if state.replica is not None:
                # Without the cache nothing is kept, so any replica will do.
                with contextlib.suppress(*UNAVAILABLE):
                    state.latest_write = cache.get(WRITE_POSITION_KEY)

        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if state.wrote or request.method not in SAFE_METHODS:
            try:
                lsn = _scalar(PRIMARY, "SELECT pg_current_wal_insert_lsn()::text")
            except DatabaseError:
                return response
            response.set_cookie(
                COOKIE, lsn, max_age=COOKIE_SECONDS, httponly=True, samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )  # fmt: skip
        return response

    def process_exception(self, request, exception):
        state = _request.get()
        if state is None or state.replica is None or not isinstance(exception, DatabaseError):
            return None
        log.warning("Replica %s failed mid-request, reading from the primary: %s",
                    state.replica, exception)  # fmt: skip
        mark_down(state.replica)
        state.replica = None
        return self.get_response(request)
