"""The rows a prepared post (posts.importer.preparing) becomes: its `Post` columns and its
comments. Shared by the first import's scan (posts.importer.record_bulk) and the load
(posts.importer.load_records), which write the same post the same way."""

from __future__ import annotations

from datetime import datetime

from posts.importer.preparing import PreparedPost
from posts.importer.readers.links import old_path

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
