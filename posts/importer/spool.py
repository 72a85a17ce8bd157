"""Parsed posts kept on disk between the importer's two passes. Pure: no Django, no database.

The first pass parses a file once and needs only small facts per post in memory; the posts
themselves wait here for the second. Each record is a length, then the marshalled post, so the
second pass can step over the posts it has nothing to do for without decoding them.
"""

from __future__ import annotations

import itertools
import marshal
from collections.abc import Container, Iterator
from datetime import date

from posts.importer.parse import Block, ParsedPost


def write(spool, post: ParsedPost) -> None:
    record = marshal.dumps(
        (
            post.title,
            tuple((b.kind, b.items, b.start) for b in post.blocks),
            post.line,
            post.is_excerpt,
            post.published.toordinal() if post.published else 0,
            post.categories,
            post.captions,
        )
    )
    spool.write(len(record).to_bytes(4, "little"))
    spool.write(record)


def read(spool, ordinals: Container[int]) -> Iterator[ParsedPost]:
    """The spooled posts whose ordinals (their places in the file) are in `ordinals`."""
    for ordinal in itertools.count():
        head = spool.read(4)
        if not head:
            return
        size = int.from_bytes(head, "little")
        if ordinal not in ordinals:
            spool.seek(size, 1)
            continue
        title, blocks, line, is_excerpt, day, categories, captions = marshal.loads(spool.read(size))
        yield ParsedPost(
            title=title,
            blocks=tuple(Block(*b) for b in blocks),
            line=line,
            is_excerpt=is_excerpt,
            published=date.fromordinal(day) if day else None,
            categories=categories,
            captions=captions,
        )
