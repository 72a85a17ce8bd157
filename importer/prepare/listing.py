"""Parse an archive in a process of its own while the importer works on what it has parsed.

Parsing is about half of an import's first pass and does not depend on the rest (phrase mining,
the title index), so on a machine with two cores the two halves can run side by side. The child
reads the file (`importer.readers.listing.ListingReader`: `ArchivePost` records) and sends its
posts in chunks: spool records (see `importer.prepare.spool`), which the importer writes to its
spool as they are, and each post's `PostFacts`, all the first pass needs, so the importer decodes
no post itself. Pure: the child never touches Django or the database.

Messages are bytes: b"R" + marshalled (records, facts), then one b"E" + pickled (header,
checksum) at the end, or b"X" + pickled (kind, message, line) when the file cannot be opened,
read or parsed. A small file is parsed in the importer's own process (`ParsedHere`) by the same
code, giving the same chunks and the same `ParsingFailed`.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from core.text import fold
from importer.prepare import spool
from importer.prepare.process import ChildProcess, answering, send_chunk, send_end, send_failure
from importer.prepare.records import PreparedPost
from importer.readers.listing import ListingReader, listing_checksum
from importer.readers.listing_parser import ArchiveHeader, NotUTF8, ParseError, typographic_score
from importer.readers.records import ArchivePost

CHUNK_POSTS = 500


class PostFacts(NamedTuple):
    """What the importer's first pass needs of a post, worked out where it was parsed."""

    key: str
    title: str
    body: str
    checksum: str
    score: int  # typographic_score(title)
    categories: tuple[str, ...]
    published: int  # date.toordinal(), 0 when undated
    is_excerpt: bool
    html: str  # rendered body, or "" when not asked for


def post_facts(post: ArchivePost, render: bool) -> PostFacts:
    return PostFacts(
        fold(post.title),
        post.title,
        post.text,
        listing_checksum(post),
        typographic_score(post.title),
        post.categories,
        post.published.toordinal() if post.published else 0,
        post.is_excerpt,
        post.html if render else "",
    )


def prepared(
    ordinal: int, *, title: str, text: str, html: str, day, is_excerpt: bool, checksum: str,
    categories: tuple[str, ...],
) -> PreparedPost:  # fmt: skip
    """A listing's post as every route's rows take it (importer.write.records): its HTML as the
    reader rendered it, safe as it is (every character escaped, only the renderer's tags), its
    text as the listing holds it; a listing knows no author, address, guid or comment."""
    return PreparedPost(
        ordinal, 0, title, "", day, "", "", False, checksum, html, text, (), categories, (),
        is_excerpt,
    )  # fmt: skip


class ParsingFailed(Exception):
    def __init__(self, kind: str, message: str, line: int | None):
        self.kind, self.message, self.line = kind, message, line
        super().__init__(message)


def _parsed(
    path: str, render: bool, encoding: str, done: Callable[[ListingReader], None]
) -> Iterator[tuple[bytes, list[tuple]]]:
    """Runs of spool records and their posts' facts (plain tuples: marshal takes no named
    tuple) of the listing at `path`; `done(reader)` once every post is read. Raises
    `ParsingFailed`."""
    try:
        stream = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise ParsingFailed("open", exc.strerror or str(exc), None) from None
    with stream:
        reader = ListingReader(stream, encoding)
        records, facts = [], []
        try:
            for post in reader.records():
                records.append(spool.record(post))
                facts.append(tuple(post_facts(post, render)))
                if len(facts) == CHUNK_POSTS:
                    yield b"".join(records), facts
                    records, facts = [], []
        except ParseError as exc:
            kind = "encoding" if isinstance(exc, NotUTF8) else "parse"
            raise ParsingFailed(kind, exc.message, exc.line) from None
        except OSError as exc:
            raise ParsingFailed("read", exc.strerror or str(exc), None) from None
        if facts:
            yield b"".join(records), facts
        done(reader)


def _parse_into(path: str, render: bool, encoding: str, conn) -> None:
    """The child: parse `path` and send what it holds."""
    with answering(conn):
        read: list[ListingReader] = []
        try:
            for chunk in _parsed(path, render, encoding, read.append):
                send_chunk(conn, marshal.dumps(chunk))
        except ParsingFailed as exc:
            send_failure(conn, exc.kind, exc.message, exc.line)
            return
        send_end(conn, (read[0].header, read[0].checksum))


class ParsedHere:
    """What `ParsingProcess` gives, parsed in this process: for a small file, where starting a
    process costs more than it saves."""

    def __init__(self, path: Path, render: bool, encoding: str = "utf-8"):
        self._args = (str(path), render, encoding)
        self.header: ArchiveHeader | None = None
        self.checksum = ""

    def __enter__(self) -> ParsedHere:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def chunks(self) -> Iterator[tuple[bytes, list[PostFacts]]]:
        for records, facts in _parsed(*self._args, self._read):
            yield records, [PostFacts._make(f) for f in facts]

    def _read(self, reader: ListingReader) -> None:
        self.header, self.checksum = reader.header, reader.checksum


class ParsingProcess(ChildProcess):
    """`with ParsingProcess(path, render) as parsing:` then `for records, facts in
    parsing.chunks():` gives runs of spool records and their posts' facts (with HTML when
    `render`); `header` and `checksum` are set once they are all read. Raises `ParsingFailed`.
    The child is ended on the way out, whatever happened."""

    ENDED_EARLY = ("read", "the parsing process ended early", None)

    def __init__(self, path: Path, render: bool, encoding: str = "utf-8"):
        super().__init__(_parse_into, (str(path), render, encoding), "bigsoc-parse")
        self.header: ArchiveHeader | None = None
        self.checksum = ""

    def chunks(self) -> Iterator[tuple[bytes, list[PostFacts]]]:
        for body in self.chunk_bodies():
            records, facts = marshal.loads(body)
            yield records, [PostFacts._make(f) for f in facts]

    def failure(self, kind: str, message: str, line: int | None) -> ParsingFailed:
        return ParsingFailed(kind, message, line)

    def ended(self, value: tuple[ArchiveHeader | None, str]) -> None:
        self.header, self.checksum = value
