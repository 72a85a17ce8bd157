"""The rows a prepared post (importer.prepare.records) becomes: its `Post` columns and its
comments. Shared by the first import's scan (importer.write.first_records) and the load
(importer.record_import), which write the same post the same way."""

from __future__ import annotations

from datetime import datetime

from importer.prepare.records import PreparedPost
from importer.readers.links import old_path

POST_COLUMNS = [
    "title", "body", "body_html", "published", "is_excerpt", "checksum", "author", "permalink",
    "guid", "old_path", "protected", "updated_at",
]  # fmt: skip
COMMENT_COLUMNS = ["post", "number", "reply_to", "author", "published", "body_html"]


def post_values(post: PreparedPost, body_html: str, now: datetime) -> tuple:
    """The values of POST_COLUMNS, with `body_html` as the post's HTML."""
    return (
        post.title[:500], post.text, body_html, post.day, False, post.checksum,
        post.author[:200], post.permalink[:1000], post.guid[:1000], old_path(post.permalink),
        post.protected, now,
    )  # fmt: skip


def comment_rows(pk: int, post: PreparedPost) -> list[tuple]:
    """COMMENT_COLUMNS rows of the post's approved comments."""
    return [(pk, *row) for row in post.comments]
