"""Plain-text archive listings as `ArchivePost` records. Pure: no Django.

The listing parser itself is `importer.readers.listing_parser` (`LineReader`, `ArchiveParser`); the
importer's fast path for listings reads `ParsedPost`s from it directly. This reader gives the
same posts as the one record type, for code that takes records whatever the format.
"""

from __future__ import annotations

from collections.abc import Iterator

from importer.prepare.render import render_blocks
from importer.readers.listing_parser import ArchiveParser, LineReader, ParsedPost, ParseError
from importer.readers.records import ArchivePost, ArchiveSource
from importer.readers.xmlstream import CountedReader, CountingStream, ReaderError


def record(post: ParsedPost) -> ArchivePost:
    return ArchivePost(
        title=post.title,
        published=post.published,
        html=render_blocks(post.blocks),
        categories=post.categories,
        line=post.line,
    )


class ListingReader(CountedReader):
    def __init__(self, stream: CountingStream):
        self._stream = stream
        self._parser = ArchiveParser(LineReader(stream))
        self.source = ArchiveSource(kind="listing")
        self.skipped = 0

    def __iter__(self) -> Iterator[ArchivePost]:
        try:
            for post in self._parser:
                yield record(post)
        except ParseError as exc:
            raise ReaderError(exc.message, exc.line) from None
        header = self._parser.header
        self.source = ArchiveSource(kind="listing", title=header.text if header else "")
