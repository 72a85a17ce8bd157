"""Stopping an import (SIGTERM, Ctrl-C): what it runs in PostgreSQL is cancelled, not left running.

A client that ends, or unwinds, while PostgreSQL runs its statement does not end that statement:
the backend carries on (a big COPY, an index build, a wait for a lock) until it next talks to the
client. Inside `stop_on_signals()`, SIGTERM and SIGINT ask PostgreSQL to cancel the statement
running on Django's connection (which the writer thread shares) and on every connection the import
opened besides (`watch`: the scratch tables' one), then raise `ImportStopped` in the main thread,
so the file's transaction rolls back as it does for any other failure. A second signal while the
import unwinds is ignored: the first one is already stopping it.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.db import connection

SIGNALS = (signal.SIGTERM, signal.SIGINT)

_watched: set = set()  # psycopg connections besides Django's, open while an import runs


class ImportStopped(KeyboardInterrupt):
    """The import was told to stop. A KeyboardInterrupt, so that no `except Exception` holds it
    and psycopg, interrupted while waiting for a result, cancels that query itself too."""

    def __init__(self, signum: int):
        self.signal = signal.Signals(signum).name
        self.exit_code = 128 + signum  # what a shell reports for a process the signal ended
        super().__init__(self.signal)


def watch(conn) -> None:
    """Cancel `conn`'s statement too if the import is stopped before `forget(conn)`."""
    _watched.add(conn)


def forget(conn) -> None:
    _watched.discard(conn)


def cancel_statements() -> None:
    """Ask PostgreSQL to cancel whatever the import's connections are running (a request on a
    connection of its own, so it does not wait for them)."""
    connections = [connection.connection, *_watched]
    for conn in connections:
        if conn is not None and not conn.closed:
            with suppress(Exception):  # a connection that cannot be reached has nothing running
                conn.cancel()


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within: SIGTERM and SIGINT cancel the import's statements and raise `ImportStopped`."""
    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        cancel_statements()
        raise ImportStopped(signum)

    previous = {signum: signal.signal(signum, stop) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
