"""A first import into an empty database: the pipeline's fast mode, decided here for every kind of
archive (`first_import_mode`), and what PostgreSQL can check and build once, at the end.

PostgreSQL's advice for populating a database is to load the rows first and add indexes and
foreign keys after, which checks or sorts every row once instead of once per row as it comes.
Both context managers here do that when `bulk`, inside the file's transaction, so a failure
restores the schema as it was. Dropping an index or a key locks its table until commit, so
readers wait for the import: only done when the database holds no post yet, when there is
nothing to read. An error found at the end (a row pointing nowhere, a duplicate) fails the import
like any other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from importer.write.vectors import vectors_computed_beside
from posts.models import Post, TaggedPost

# Memory PostgreSQL may use to sort an index it builds (the session's default is 64 MB): the
# posts' search index builds in one pass instead of spilling.
BUILD_MEMORY = "256MB"


@contextmanager
def first_import_mode() -> Iterator[bool]:
    """True when the database holds no post yet (a new site's first import): the file's posts
    are then written as its scan meets them, so PostgreSQL's work on them runs beside the
    reading, their search vectors are computed by backends of their own (importer.write.vectors),
    and its indexes and foreign keys are built and checked once, at the end."""
    first = not Post.objects.exists()
    with (
        foreign_keys_checked_at_the_end(first),
        indexes_built_at_the_end(first),
        vectors_computed_beside(first),
    ):
        yield first


def _tables(*models) -> list[str]:
    return [model._meta.db_table for model in models]


@contextmanager
def foreign_keys_checked_at_the_end(bulk: bool):
    """When `bulk`, drop the foreign keys of the tables a first import fills with millions of
    rows (2 million tag rows: two lookups each) and add them back at the end, checking every row
    in one join."""
    if not bulk:
        yield
        return
    quote = connection.ops.quote_name
    bulk_tables = _tables(TaggedPost, Post.archives.through, Post.mentions.through)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid, conname",
            [bulk_tables],
        )
        keys = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


@contextmanager
def indexes_built_at_the_end(bulk: bool):
    """When `bulk`, drop the indexes the load never reads and build them once at the end.

    Kept: primary keys and the posts' unique keys (the load looks posts up by id and key, and
    slugs are claimed against them). Set aside: the posts' search, title and listing indexes
    (the three GIN indexes were half of PostgreSQL's work on a first import, row by row) and the
    tags' indexes, unique pair included: the load writes each (post, topic) pair once, and
    building the unique index at the end still refuses a duplicate."""
    if not bulk:
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Constraints first (a unique constraint owns its index), then the other indexes.
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'u' AND conrelid = %s::regclass ORDER BY conname",
            [TaggedPost._meta.db_table],
        )
        constraints = cursor.fetchall()
        for table, name, _ in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
            " ORDER BY 1",
            [_tables(Post, TaggedPost)],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
