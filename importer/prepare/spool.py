"""A listing's posts kept on disk between the importer's two passes. Pure: no Django, no database.

The first pass reads a file once and needs only small facts per post in memory; the posts
themselves (`ArchivePost` records, as the listing reader gives them) wait here for the second.
Each record is a length, then the marshalled post, so the second pass can step over the posts it
has nothing to do for without decoding them. The same records carry posts from the parsing
process to the importer (`importer.prepare.listing`).
"""

from __future__ import annotations

import itertools
import marshal
from collections.abc import Container, Iterator
from datetime import date

from importer.readers.records import ArchivePost


def record(post: ArchivePost) -> bytes:
    """One post as the spool holds it: a length, then the marshalled post (what a listing's
    record carries; a listing's dates are days)."""
    data = marshal.dumps(
        (
            post.title,
            post.html,
            post.text,
            post.line,
            post.is_excerpt,
            post.published.toordinal() if post.published else 0,
            post.categories,
        )
    )
    return len(data).to_bytes(4, "little") + data


def write(spool, post: ArchivePost) -> None:
    spool.write(record(post))


def read(spool, ordinals: Container[int]) -> Iterator[ArchivePost]:
    """The spooled posts whose ordinals (their places in the file) are in `ordinals`."""
    for ordinal in itertools.count():
        head = spool.read(4)
        if not head:
            return
        size = int.from_bytes(head, "little")
        if ordinal not in ordinals:
            spool.seek(size, 1)
            continue
        yield _decode(spool.read(size))


def _decode(data) -> ArchivePost:
    title, html, text, line, is_excerpt, day, categories = marshal.loads(data)
    return ArchivePost(
        title=title,
        html=html,
        text=text,
        line=line,
        is_excerpt=is_excerpt,
        published=date.fromordinal(day) if day else None,
        categories=categories,
    )
