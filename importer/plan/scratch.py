"""Scratch tables for an import: what it must remember about every post, kept in PostgreSQL
instead of the importer's memory.

An export's plan (which post each record is, the new posts' ids, keys and slugs, every address
that reaches a post) grew by about 1.5 KB of Python objects per post: 510 MB at 1 GB of WXR.
Here it lives in temporary tables, filled by COPY and read back a batch at a time, so the
importer's memory does not grow with the file.

The tables belong to a connection of their own (`Scratch`), not to Django's: the writer thread
(importer.write.writer) holds Django's connection for the whole load, while the importer
still looks up each batch here. They are TEMPORARY, so they are never logged, never seen by
another session, and vanish with the connection, whatever happens to the import. The scratch
connection reads and writes only its own tables: the file's own transaction, on Django's
connection, is the only one that touches the archive's tables.

Fingerprints (`importer.prepare.records.fingerprint`) are unsigned 64-bit; `signed()` makes
them fit a `bigint`, keeping equality (all the tables need).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import connection

from importer import stop

_HALF = 1 << 63

TABLES = """
CREATE TEMPORARY TABLE records (
    ordinal integer, identity bigint, title text, key text, checksum bytea, names integer,
    slug text, legacy bigint);
CREATE TEMPORARY TABLE addresses (seq bigint, address bigint, identity bigint);
CREATE TEMPORARY TABLE held (
    pk bigint, slug text, checksum bytea, guid bigint, permalink bigint, key text, seq bigint,
    legacy boolean);
CREATE TEMPORARY TABLE held_links (seq bigint, address bigint, pk bigint);
CREATE TEMPORARY TABLE plan (
    ordinal integer PRIMARY KEY, identity bigint, pk bigint, state "char", key text, slug text,
    names integer, via smallint);
CREATE INDEX ON plan (identity);
CREATE INDEX ON plan (key);
CREATE INDEX ON plan (slug);
"""
# state: 'u' unchanged (held, same checksum), 't' unchanged but to be matched again (the file's
# last import was under other rules or another vocabulary), 'c' changed (held), 'n' new; on a
# first import (importer.write.first_records) 'w' written as the scan met it, 'r' written, but a
# later copy in the file wins and is written over it.


def signed(fingerprint: int) -> int:
    return fingerprint - _HALF


def unsigned(value: int) -> int:
    return value + _HALF


class Scratch:
    """`with Scratch() as scratch:` a connection of its own, in autocommit, with the tables above
    (empty). Closing it drops them."""

    def __init__(self):
        connection.ensure_connection()
        self._conn = connection.get_new_connection(connection.get_connection_params())
        self._conn.autocommit = True
        stop.watch(self._conn)
        self.execute(TABLES)

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *exc) -> None:
        stop.forget(self._conn)
        self._conn.close()

    def execute(self, sql: str, params: Iterable | None = None) -> list[tuple]:
        with self._conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def copy(self, table: str, columns: str, rows: Iterable[tuple]) -> None:
        sql = f"COPY {table} ({columns}) FROM STDIN"
        with self._conn.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def stream(self, sql: str, params: Iterable | None = None, size: int = 5000) -> Iterator[list]:
        """The rows of a query, `size` at a time, through a cursor held on the server (other
        queries may run on this connection meanwhile)."""
        with self._conn.cursor(name="scratch_stream", withhold=True) as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(size):
                yield rows
