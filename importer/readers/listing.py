"""Plain-text archive listings as `ArchivePost` records. Pure: no Django.

The listing parser (`importer.readers.listing_parser`: `LineReader`, `ArchiveParser`) makes a
draft of each post; `record` turns it into the one record every reader yields, with its body
rendered (`html`) and its plain text kept (`text`, what `Post.body` holds for a listing). Every
stage after the reader sees only `ArchivePost`s. What only a listing knows stays here: its
header line, the checksum of its bytes, and `listing_checksum`, by which a listing's posts are
known to have changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import BinaryIO

from importer.readers.listing_parser import (
    ArchiveHeader,
    ArchiveParser,
    LineReader,
    ParsedPost,
    ParseError,
)
from importer.readers.listing_render import render_blocks
from importer.readers.records import ArchivePost, ArchiveSource
from importer.readers.xmlstream import CountedReader, CountingStream, ReaderError


def record(post: ParsedPost) -> ArchivePost:
    return ArchivePost(
        title=post.title,
        published=post.published,
        html=render_blocks(post.blocks),
        text=post.body,
        categories=post.categories,
        line=post.line,
        is_excerpt=post.is_excerpt,
    )


def listing_checksum(post: ArchivePost) -> str:
    """Hash of everything a listing says about a post, to spot changed posts. Not
    `ArchivePost.checksum`: a listing's posts are known by this hash in databases that hold
    them, and a post whose listing did not change must not be written again."""
    # Each part followed by \x1f, hashed in one call (as one update per part would hash it).
    parts = (
        post.title,
        post.text,
        str(post.published or ""),
        str(post.is_excerpt),
        "\x1e".join(post.categories),
        "",
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class ListingReader(CountedReader):
    """`records()` gives a listing's posts, raising the parser's own `ParseError` (which names
    the line, and tells a file that is not UTF-8 apart); iterating gives the same posts with
    `ReaderError`, as every reader does. `header` and `checksum` (of the bytes read) are
    complete once the posts are read."""

    def __init__(self, stream: CountingStream | BinaryIO, encoding: str = "utf-8"):
        self._stream = stream
        self._lines = LineReader(stream, encoding)
        self._parser = ArchiveParser(self._lines)
        self.source = ArchiveSource(kind="listing")
        self.skipped = 0

    @property
    def header(self) -> ArchiveHeader | None:
        return self._parser.header

    @property
    def checksum(self) -> str:
        return self._lines.checksum

    def records(self) -> Iterator[ArchivePost]:
        for post in self._parser:
            yield record(post)
        header = self._parser.header
        self.source = ArchiveSource(kind="listing", title=header.text if header else "")

    def __iter__(self) -> Iterator[ArchivePost]:
        try:
            yield from self.records()
        except ParseError as exc:
            raise ReaderError(exc.message, exc.line) from None
