"""The rows a prepared post (importer.prepare.records) becomes: its `Post` columns and its
comments, shared by the first import's scan (importer.write.first_records) and the load
(importer.record_import), which write the same post the same way; and the load's writer jobs
for posts already in the database (see importer.write.writer)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from importer.prepare.records import PreparedPost
from importer.readers.links import old_path
from importer.write.writer import columns, table
from posts.models import Comment, Post, TaggedPost

POST_COLUMNS = [
    "title", "body", "body_html", "published", "is_excerpt", "checksum", "author", "permalink",
    "guid", "old_path", "protected", "updated_at", "published_time", "published_at", "source_id",
    "source_slug",
]  # fmt: skip
COMMENT_COLUMNS = ["post", "number", "reply_to", "author", "published", "body_html"]


def post_values(post: PreparedPost, body_html: str, now: datetime) -> tuple:
    """The values of POST_COLUMNS, with `body_html` as the post's HTML."""
    return (
        post.title[:500], post.text, body_html, post.day, post.is_excerpt, post.checksum,
        post.author[:200], post.permalink[:1000], post.guid[:1000], old_path(post.permalink),
        post.protected, now, *_when(post.published), post.source_id, post.source_slug,
    )  # fmt: skip


def _when(published) -> tuple:
    """(the local time of day, the instant) of a post's date; a bare day has neither."""
    if isinstance(published, datetime):
        return published.time(), published
    return None, None


def comment_rows(pk: int, post: PreparedPost) -> list[tuple]:
    """COMMENT_COLUMNS rows of the post's approved comments."""
    return [(pk, *row) for row in post.comments]


def relink_job(rows: list[tuple[int, str]]) -> Callable:
    """A writer job: posts the scan wrote get their HTML with links to other posts rewritten."""
    posts, html = table(Post), columns(Post, ["body_html"])
    update = (
        f"UPDATE {posts} SET {html} = v.html"
        f" FROM unnest(%s::bigint[], %s::text[]) AS v(id, html) WHERE {posts}.id = v.id"
    )

    def job(cursor) -> None:
        cursor.execute(update, [[pk for pk, _ in rows], [h for _, h in rows]])

    return job


def update_job(rows: list[tuple], pks: list[int]) -> Callable:
    """A writer job: changed posts updated in place; their tags, comments and the mentions they
    made go, to be written again from the new text."""
    sets = ", ".join(f"{columns(Post, [f])} = %s" for f in POST_COLUMNS)
    update = f"UPDATE {table(Post)} SET {sets} WHERE id = %s"
    Mention = Post.mentions.through
    forget = [
        f"DELETE FROM {table(model)} WHERE {columns(model, [field])} = ANY(%s)"
        for model, field in (
            (TaggedPost, "content_object"),
            (Comment, "post"),
            (Mention, "from_post"),
        )
    ]

    def job(cursor) -> None:
        cursor.executemany(update, rows)
        for sql in forget:
            cursor.execute(sql, [pks])

    return job
