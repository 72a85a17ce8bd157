"""A listing's writer job (see importer.write.writer) for posts already in the database: their
tags. A listing's post rows are every route's (importer.write.records: `post_values`,
`update_job`), made from its `PreparedPost` (importer.prepare.listing.prepared)."""

from __future__ import annotations

from collections.abc import Callable

from importer.write.writer import columns, copy_job, table
from posts.models import TaggedPost


def retag_job(pks: list[int], wanted: set[tuple[int, int]]) -> Callable:
    """A writer job: give posts already in the database the (post, topic) pairs `wanted` they
    lack. None goes: a post found in two archives keeps the header topics of both; a post whose
    own text changed lost its tags to `update_job` just before, as in every route."""
    tagged = table(TaggedPost)
    post, tag = columns(TaggedPost, ["content_object"]), columns(TaggedPost, ["tag"])
    select = f"SELECT {post}, {tag} FROM {tagged} WHERE {post} = ANY(%s)"

    def job(cursor) -> None:
        cursor.execute(select, [pks])
        have = set(cursor.fetchall())
        # The rows to add are known only once the current tags are read.
        copy_job(TaggedPost, ["content_object", "tag"], sorted(wanted - have))(cursor)

    return job
