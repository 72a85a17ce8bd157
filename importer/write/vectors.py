"""A first import's search vectors, computed by backends of their own beside the posts' COPY.

`Post.search_vector` is what the database function `post_search_vector(title, body)` makes of a
post (posts migration 0015), and a trigger computes it in the backend that writes the row. On a
first import that backend is the file's own, which also runs every COPY, so the one function
that costs PostgreSQL most ran on one core while the other did the importer's Python. Here,
inside `vectors_computed_beside(True)`, every COPY of posts (`writer.copy_job`) sends the batch's
titles and bodies to helper connections as soon as the batch is built, and writes the vectors
they return with the rows; the insert trigger is off meanwhile, so nothing computes them twice.

The helpers only read (a SELECT of the function over the batch's text, no table): they need not
see the file's uncommitted rows, and the file's transaction stays the only one that writes.
The vectors travel as text, which COPY parses back at a fraction of what computing them costs.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager

import psycopg
from django.db import connection

from importer import stop
from posts.models import Post

# Backends computing vectors: two keep both cores of a small machine busy whenever the
# importer's own process waits.
HELPERS = 2

_VECTORS = (
    "SELECT post_search_vector(t, b)::text"
    " FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS u(t, b, n) ORDER BY n"
)
_TRIGGER = "post_search_vector_insert"

_active: Vectors | None = None


class Vectors:
    """Helper connections (autocommit, read-only work) and a thread each, taking batches of
    (titles, bodies) in turn; `submit` answers with a future of the batch's vectors as text."""

    def __init__(self, helpers: int = HELPERS):
        connection.ensure_connection()
        params = connection.get_connection_params()
        self._queue: queue.Queue = queue.Queue()
        self._conns = []
        self._threads = []
        for number in range(helpers):
            conn = connection.get_new_connection(params)
            conn.autocommit = True
            stop.watch(conn)
            self._conns.append(conn)
            thread = threading.Thread(
                target=self._work, args=(conn,), name=f"import-vectors-{number}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def submit(self, titles: list[str], bodies: list[str]) -> Future:
        future: Future = Future()
        self._queue.put((titles, bodies, future))
        return future

    def close(self) -> None:
        """Stop the threads (batches still queued are dropped: their COPY is not coming) and
        close the connections."""
        while True:
            try:
                self._queue.get_nowait()[2].cancel()
            except queue.Empty:
                break
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()
        for conn in self._conns:
            stop.forget(conn)
            conn.close()

    def _work(self, conn) -> None:
        # A cursor that sends the text as parameters, in binary, not quoted into the statement.
        with psycopg.Cursor(conn) as cursor:
            while (item := self._queue.get()) is not None:
                titles, bodies, future = item
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    with connection.wrap_database_errors:
                        cursor.execute(_VECTORS, [titles, bodies], binary=True)
                        future.set_result([vector for (vector,) in cursor.fetchall()])
                except BaseException as exc:  # noqa: BLE001 (handed to the COPY that waits)
                    future.set_exception(exc)


@contextmanager
def vectors_computed_beside(bulk: bool) -> Iterator[None]:
    """When `bulk`, the posts' COPY jobs take their search vectors from helper backends, and the
    insert trigger (which would compute them again) is off until the end, in the file's
    transaction: a failure leaves it on."""
    global _active
    if not bulk:
        yield
        return
    table = connection.ops.quote_name(Post._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {_TRIGGER}")
    _active = Vectors()
    try:
        yield
    finally:
        _active.close()
        _active = None
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {_TRIGGER}")


def computing(model, fields: Sequence[str], rows: list[tuple]) -> Future | None:
    """The vectors of `rows` (of `model`'s `fields`) being computed, when they are posts of a
    first import; else None (the trigger computes them as the rows are written)."""
    if _active is None or model is not Post or not rows:
        return None
    title, body = fields.index("title"), fields.index("body")
    return _active.submit([row[title] for row in rows], [row[body] for row in rows])
