"""A listing's rows (a first import's, a new post's, a changed post's) and the writer jobs of its
import (see importer.write.writer): posts updated in place, posts already in the database
retagged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from importer.prepare.listing import PostFacts
from importer.readers.records import ArchivePost
from importer.write.writer import columns, copy_job, table
from posts.models import Post, TaggedPost

POST_COPY_FIELDS = (
    "title",
    "slug",
    "key",
    "body",
    "body_html",
    "published",
    "is_excerpt",
    "checksum",
    "created_at",
    "updated_at",
)


def first_row(post: PostFacts, slug: str, now) -> tuple:
    """A row of POST_COPY_FIELDS for a first import's post, written as the scan first meets it
    (importer.write.first_import)."""
    published = date.fromordinal(post.published) if post.published else None
    return (
        post.title,
        slug,
        post.key,
        post.body,
        post.html,
        published,
        post.is_excerpt,
        post.checksum,
        now,
        now,
    )


def new_row(post: ArchivePost, key: str, pk: int, slug: str, checksum: str, now) -> tuple:
    """A row for a new post's COPY: its id, then POST_COPY_FIELDS (`key`: its folded title)."""
    return (
        pk,
        post.title,
        slug,
        key,
        post.text,
        post.html,
        post.published,
        post.is_excerpt,
        checksum,
        now,
        now,
    )


def update_row(post: ArchivePost, checksum: str, now, pk: int) -> tuple:
    """A row for `update_posts_job`: the post's new text, in the job's column order."""
    return (
        post.title,
        post.text,
        post.html,
        post.published,
        post.is_excerpt,
        checksum,
        now,
        pk,
    )


def update_posts_job(rows: list[tuple], pks: list[int]) -> Callable:
    """A writer job: update changed posts in place (`rows` end with the pk) and drop the
    mentions they made, which their new text may no longer make."""
    fields = ["title", "body", "body_html", "published", "is_excerpt", "checksum", "updated_at"]
    sets = ", ".join(f"{columns(Post, [f])} = %s" for f in fields)
    update = f"UPDATE {table(Post)} SET {sets} WHERE id = %s"
    Mention = Post.mentions.through
    forget = f"DELETE FROM {table(Mention)} WHERE {columns(Mention, ['from_post'])} = ANY(%s)"

    def job(cursor) -> None:
        cursor.executemany(update, rows)
        cursor.execute(forget, [pks])

    return job


def retag_job(pks: list[int], wanted: set[tuple[int, int]], changed: set[int]) -> Callable:
    """A writer job: give posts already in the database the (post, topic) pairs `wanted`.
    Tags only go when a post's own text changed, so a post found in two archives keeps the
    header topics of both."""
    tagged = table(TaggedPost)
    post, tag = columns(TaggedPost, ["content_object"]), columns(TaggedPost, ["tag"])
    select = f"SELECT id, {post}, {tag} FROM {tagged} WHERE {post} = ANY(%s)"

    def job(cursor) -> None:
        cursor.execute(select, [pks])
        have = {(post_id, tag_id): pk for pk, post_id, tag_id in cursor.fetchall()}
        stale = [pk for pair, pk in have.items() if pair[0] in changed and pair not in wanted]
        if stale:
            cursor.execute(f"DELETE FROM {tagged} WHERE id = ANY(%s)", [stale])
        # The rows to add are known only once the current tags are read.
        copy_job(TaggedPost, ["content_object", "tag"], sorted(wanted - have.keys()))(cursor)

    return job
