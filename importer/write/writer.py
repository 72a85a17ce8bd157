"""The database side every import shares: a writer thread and the write jobs it runs.

`Writer` runs a file's writes, in order, in a thread of its own on the same connection (so in
the same transaction), while the importer prepares the next batch. Jobs are callables given a
psycopg cursor: `copy_job` (COPY rows in), `link_archive_job`, `archive_links_job`. Used by
importer.listing_import (listings) and importer.record_import (exports and feeds).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from django.db import connection

from importer.write import vectors
from posts.models import Post


class Writer:
    """Runs a file's writes, in order, in a thread of its own on the same connection (so in the
    same transaction), while the caller prepares the next batch.

    PostgreSQL's share of an import (the search vector, indexes, foreign-key checks) is as big as
    Python's (parsing, matching), and they ran one after the other on a two-core machine. Each
    job is a callable given a psycopg cursor. The caller must not use the connection until the
    writer is closed; the context manager closes it, skipping what is queued after a failure.
    """

    def __init__(self, depth: int = 2):
        connection.ensure_connection()
        self._conn = connection.connection
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._abandon = False
        self.written = 0  # what `mark` counted, once the jobs queued before it are done
        self._thread = threading.Thread(target=self._work, name="import-writer", daemon=True)

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self._abandon = True  # the transaction is rolled back: skip what is queued
        self._queue.put(None)
        self._thread.join()
        if exc_type is None:
            self._raise()

    def put(self, job: Callable) -> None:
        self._raise()
        self._queue.put(job)

    def mark(self, count: int) -> None:
        """Count `count` more things written once the jobs queued so far are done."""

        def job(cursor) -> None:
            self.written += count

        self.put(job)

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _work(self) -> None:
        with self._conn.cursor() as cursor:
            while (job := self._queue.get()) is not None:
                if self._error is None and not self._abandon:
                    try:
                        # As Django's own cursors do: psycopg's errors become Django's, which
                        # import_seeds reports without a traceback.
                        with connection.wrap_database_errors:
                            job(cursor)
                    except BaseException as exc:  # noqa: BLE001 (handed to the caller)
                        self._error = exc


RESERVE_POST_IDS = "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"


def reserve_post_ids(count: int) -> list[int]:
    """Take `count` ids from the posts' identity sequence, so the load pass knows every new
    post's id before the database has the post. (Sequences are not transactional: any
    connection may take them, as a first export import's scratch connection does.)"""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(RESERVE_POST_IDS, [Post._meta.db_table, count])
        return [pk for (pk,) in cursor.fetchall()]


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def columns(model, fields) -> str:
    return ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)


def copy_job(model, fields: list[str], rows: list[tuple]) -> Callable:
    """A writer job: COPY `rows` into `model`'s table. A first import's posts get their search
    vectors from helper backends (importer.write.vectors), asked for now, written with the rows
    when the job runs."""
    pending = vectors.computing(model, fields, rows)
    if pending is not None:
        fields = [*fields, "search_vector"]
    sql = f"COPY {table(model)} ({columns(model, fields)}) FROM STDIN"

    def job(cursor) -> None:
        if not rows:
            return
        with cursor.copy(sql) as copy:
            if pending is None:
                for row in rows:
                    copy.write_row(row)
            else:
                for row, vector in zip(rows, pending.result(), strict=True):
                    copy.write_row((*row, vector))

    return job


def link_archive_job(archive_id: int, pks: list[int]) -> Callable:
    """A writer job: link posts that may already be linked to the archive."""
    Link = Post.archives.through
    sql = (
        f"INSERT INTO {table(Link)} ({columns(Link, ['post', 'archive'])}) "
        "SELECT unnest(%s::bigint[]), %s ON CONFLICT DO NOTHING"
    )

    def job(cursor) -> None:
        cursor.execute(sql, [pks, archive_id])

    return job


def archive_links_job(archive_id: int, new: list[int], held: list[int]) -> Callable:
    """A writer job: link a batch's posts to the archive: `new` ones (created by this import,
    so not linked yet: COPY) and `held` ones (already in the database: perhaps linked)."""
    Link = Post.archives.through
    copy_new = copy_job(Link, ["post", "archive"], [(pk, archive_id) for pk in new])
    link_held = link_archive_job(archive_id, held)

    def job(cursor) -> None:
        copy_new(cursor)
        if held:
            link_held(cursor)

    return job
