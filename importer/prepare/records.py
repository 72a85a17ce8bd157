"""Make an export's or feed's posts safe and readable, in a process of its own when the file is
big, while the importer matches topics and the writer thread writes. Pure: no Django.

Sanitising (bleach) was most of an export's Python time and needs nothing from the database,
so on a two-core machine it runs beside the rest; core.sanitise now spares bleach the plain
paragraphs and comments that are most of a post (a sixth of the CPU it took, 20,000 posts).
The importer says which posts it needs (by their place in the file: new and changed ones);
each comes back as a `PreparedPost` with its body through `prepare_body` and the shared
sanitiser, its plain text, and its approved comments as sanitised rows. Links between posts
are rewritten by the importer afterwards, on the sanitised HTML, as only it knows the other
posts' pages.

The child writes pickled chunks of [PreparedPost, ...] to a spool file and says on the pipe
b"R" + a chunk's length once it is there; then b"E", or b"X" + pickled (message, line, column)
when the file cannot be read.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from core.sanitise import (
    flatten_to_text,
    over_budget,
    sanitise_html,
    sanitise_within_budget,
    with_direction,
)
from importer.prepare.process import ChildProcess, answering, send_chunk, send_end, send_failure
from importer.prepare.wpbody import prepare_body, without_code
from importer.readers import ArchivePost, ArchiveSource, ReaderError, open_records
from importer.readers.links import link_keys
from importer.readers.listing_parser import fold
from importer.topics import PhraseMiner, vocabulary_matcher

CHUNK_POSTS = 200
TITLE_MAX = 500  # Post.title's width
_TAGS = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(
    # A figure's caption starts a paragraph of its own: "Image: The hall" then "Our hall".
    r"</(?:p|li|h[1-6]|blockquote|figure|figcaption|pre|tr|div)>|<br\s*/?>|<figcaption\b[^>]*>",
    re.I,
)


def fingerprint(text: str) -> int:
    """A 64-bit stand-in for an address or identity: memory holds these, not the strings (a
    1 GB export has some 350,000 posts with four addresses each)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def identity_of(post: ArchivePost) -> int:
    return fingerprint(post.identity or f"title:{fold(post.title)}")


def plain_text(html: str) -> str:
    """The words of sanitised HTML, paragraphs apart, for search and matching."""
    text = _BLOCK_END.sub("\n\n", html)
    text = html_lib.unescape(_TAGS.sub("", text))
    return "\n\n".join(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())


def mining_text(post: ArchivePost) -> str:
    """The words phrase mining reads of a post: its own, without its code."""
    return plain_text(without_code(post.html))


def people_of(post: ArchivePost) -> tuple[str, ...]:
    """Its author's and commenters' names: never phrases (`PhraseMiner.feed`)."""
    return (post.author, *(c.author for c in post.comments))


class Ordinals:
    """A set of places in a file (ordinals) as a bitmap: an eighth of a byte each, and small to
    send to the preparing process (a frozenset of 350,000 ints was 20 MB on each side)."""

    def __init__(self, size: int):
        self._bits = bytearray((size + 7) // 8)
        self._count = 0

    def add(self, ordinal: int) -> None:
        byte, bit = divmod(ordinal, 8)
        if not self._bits[byte] & (1 << bit):
            self._bits[byte] |= 1 << bit
            self._count += 1

    def __contains__(self, ordinal: int) -> bool:
        byte, bit = divmod(ordinal, 8)
        return byte < len(self._bits) and bool(self._bits[byte] & (1 << bit))

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0


class PreparedPost(NamedTuple):
    ordinal: int
    identity: int
    title: str
    author: str
    day: date | None
    permalink: str
    guid: str
    protected: bool
    checksum: str
    html: str  # sanitised; links to other posts not yet rewritten
    text: str
    # (number, number of the comment it answers or None, author, published, sanitised html)
    comments: tuple[tuple[int, int | None, str, datetime | None, str], ...]
    names: tuple[str, ...]  # its categories, then its tags
    addresses: tuple[str, ...]  # every address another post may use for it (link keys)
    is_excerpt: bool = False  # the archive held only a summary of it
    published: datetime | date | None = None  # in the blog's own offset, when it has one
    source_id: int | None = None  # its WordPress post ID
    source_slug: str = ""  # its slug on the old blog


@dataclass
class Reading:
    """What a whole reading of a file says besides its posts (known once it is read)."""

    source: ArchiveSource | None = None
    records: int = 0
    skipped: int = 0
    bytes_read: int = 0
    phrases: list[str] | None = None  # when the reading mined them
    notes: list[str] = field(default_factory=list)  # posts kept as plain text, and why
    shortened: int = 0  # titles over TITLE_MAX, shortened (`short_title`)


def short_title(title: str) -> str:
    """`title`, or when it is longer than a post's title may be, its start up to a word's end
    within the limit, and an ellipsis."""
    if len(title) <= TITLE_MAX:
        return title
    cut = title[: TITLE_MAX - 1]
    space = cut.rfind(" ", TITLE_MAX - 80)
    return (cut[:space] if space > 0 else cut).rstrip() + "…"


def prepare(ordinal: int, post: ArchivePost, link: str = "", notes=None) -> PreparedPost:
    """`post`, the `ordinal`-th record of an archive whose blog is at `link`, made safe. A body
    or comment over the sanitiser's budget is kept as plain text, with a line in `notes`."""
    # A post's own text is shown as WordPress shows it: bare addresses stay text (comments are
    # linkified, as WordPress does for them).
    html, why = "", None
    if not post.protected and (why := over_budget(post.html)) is None:
        html = sanitise_html(prepare_body(post.html)[0], linkify=False)
    elif why is not None:
        html = flatten_to_text(post.html)
        if notes is not None:
            notes.append(f"“{post.title}” kept as plain text: its HTML has {why}")
    html = with_direction(html)  # each block's direction from its own words
    numbers = {c.id: n for n, c in enumerate(post.comments, start=1) if c.id}
    comments = tuple(
        (
            n,
            numbers.get(c.parent) if c.parent else None,
            c.author[:200],
            c.published,
            _comment_html(c.html, post.title, notes),
        )
        for n, c in enumerate(post.comments, start=1)
    )
    return PreparedPost(
        ordinal,
        identity_of(post),
        short_title(post.title),
        post.author,
        post.day,
        post.permalink,
        post.identity,  # stored as the post's guid: what the next import matches it by
        post.protected,
        post.checksum(),
        html,
        plain_text(html),
        comments,
        topic_names(post),
        tuple(link_keys(post, link)),
        post.is_excerpt,
        post.published,
        post.source_id,
        post.slug[:200],
    )


def _comment_html(html: str, title: str, notes) -> str:
    html, why = sanitise_within_budget(html.replace("\r\n", "\n"))
    if why is not None and notes is not None:
        notes.append(f"a comment on “{title}” kept as plain text: its HTML has {why}")
    return html.replace("\n", "<br>\n")


def topic_names(post: ArchivePost) -> tuple[str, ...]:
    return tuple(map(sys.intern, (*post.categories, *post.tags)))


def prepared_posts(
    path: Path,
    kind: str,
    wanted: Container[int] | None,
    reading: Reading | None = None,
    miner: PhraseMiner | None = None,
) -> Iterator[PreparedPost]:
    """The posts at places `wanted` of the file (every post when None), prepared, in file order
    (in this process). `reading` is filled in as the file is read; `miner`, when given, is fed
    every post's words, as the importer's scan feeds its own."""
    reading = reading or Reading()
    with open(path, "rb") as stream:
        reader = open_records(stream, kind)
        for ordinal, post in enumerate(reader):
            if miner is not None:
                miner.feed(mining_text(post), people_of(post))
            if len(post.title) > TITLE_MAX:
                reading.shortened += 1
            if wanted is None or ordinal in wanted:
                yield prepare(ordinal, post, reader.source.link, reading.notes)
            reading.records = ordinal + 1
            reading.bytes_read = reader.bytes_read
        reading.source, reading.skipped = reader.source, reader.skipped
        reading.bytes_read = reader.bytes_read
    if miner is not None:
        reading.phrases = miner.phrases()


def _prepare_into(
    path: str, kind: str, wanted: Ordinals | None, vocabulary, spool: str, conn
) -> None:
    """The child: prepare the wanted posts of `path` (every post when `wanted` is None) into
    the spool file, a chunk at a time, saying on the pipe how long each chunk is and how far
    the file is read; mine phrases when given a `vocabulary`."""
    with answering(conn):
        chunk: list[PreparedPost] = []
        reading = Reading()
        miner = None if vocabulary is None else PhraseMiner(exclude=vocabulary_matcher(vocabulary))
        # Unbuffered: each chunk is written whole, once, before the importer hears of it.
        with open(spool, "wb", buffering=0) as out:

            def flush() -> None:
                data = memoryview(pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))
                try:
                    written = 0
                    while written < len(data):
                        written += out.write(data[written:])
                except OSError as exc:  # a full disk is not the archive's fault: say so
                    raise _SpoolFailed(f"{tempfile.gettempdir()}: {exc.strerror or exc}") from None
                send_chunk(
                    conn, len(data).to_bytes(8, "big") + reading.bytes_read.to_bytes(8, "big")
                )
                chunk.clear()

            try:
                for post in prepared_posts(Path(path), kind, wanted, reading, miner):
                    chunk.append(post)
                    if len(chunk) == CHUNK_POSTS:
                        flush()
                if chunk:
                    flush()
            except ReaderError as exc:
                send_failure(conn, exc.message, exc.line, exc.column)
                return
            except _SpoolFailed as exc:
                send_failure(conn, f"cannot keep the prepared posts in {exc}", None, None)
                return
            except OSError as exc:
                send_failure(conn, f"cannot read: {exc.strerror or exc}", None, None)
                return
        send_end(conn, reading)


class _SpoolFailed(Exception):
    pass


class PreparedHere:
    """What `PreparingProcess` gives, prepared in this process: for a small file, where starting
    a process costs more than it saves. `replay` prepares the posts again."""

    def __init__(self, path: Path, kind: str, wanted: Ordinals | None = None, vocabulary=None):
        self._args = (path, kind, wanted)
        self._vocabulary = vocabulary
        self.reading = Reading()

    def __enter__(self) -> PreparedHere:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def chunks(self) -> Iterator[list[PreparedPost]]:
        miner = None
        if self._vocabulary is not None:
            miner = PhraseMiner(exclude=vocabulary_matcher(self._vocabulary))
        yield from _chunked(prepared_posts(*self._args, self.reading, miner))

    def replay(self) -> Iterator[list[PreparedPost]]:
        yield from _chunked(prepared_posts(*self._args))


def _chunked(posts: Iterator[PreparedPost]) -> Iterator[list[PreparedPost]]:
    chunk: list[PreparedPost] = []
    for post in posts:
        chunk.append(post)
        if len(chunk) == CHUNK_POSTS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class PreparingProcess(ChildProcess):
    """`with PreparingProcess(path, kind, wanted) as preparing:` then `for posts in
    preparing.chunks():`. Raises `ReaderError`. The child is ended on the way out.

    `wanted=None` prepares every post: a first import, which wants them all, starts the child
    before its scan and writes posts as they come (importer.write.first_records), then goes
    through them again (`replay`). What the child prepares waits in a spool file (deleted on
    the way out) until the importer asks for it, so the child never waits for the importer and
    memory does not grow with the file. Given a `vocabulary`, the child also mines phrases.
    `reading` says what else the reading found, once every chunk is in.
    """

    ENDED_EARLY = ("the preparing process ended early",)

    def __init__(self, path: Path, kind: str, wanted: Ordinals | None = None, vocabulary=None):
        self._spool = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in __exit__)
            prefix="bigsoc-prepared-", suffix=".pickle"
        )
        args = (str(path), kind, wanted, vocabulary, self._spool.name)
        super().__init__(_prepare_into, args, "bigsoc-prepare")
        self._sizes: list[int] = []  # of the chunks in the spool, in order
        self.reading = Reading()

    def __exit__(self, *exc) -> None:
        super().__exit__(*exc)
        self._spool.close()

    def chunks(self) -> Iterator[list[PreparedPost]]:
        offset = 0
        for body in self.chunk_bodies():
            size = int.from_bytes(body[:8], "big")
            self.reading.bytes_read = int.from_bytes(body[8:], "big")
            self._sizes.append(size)
            yield pickle.loads(self._read(offset, size))
            offset += size

    def failure(self, message: str, line=None, column=None) -> ReaderError:
        return ReaderError(message, line, column)

    def ended(self, value: Reading) -> None:
        vars(self.reading).update(vars(value))  # the caller holds it

    def replay(self) -> Iterator[list[PreparedPost]]:
        """The chunks `chunks` gave, again, from the spool."""
        offset = 0
        for size in self._sizes:
            yield pickle.loads(self._read(offset, size))
            offset += size

    def _read(self, offset: int, size: int) -> bytes:
        """`size` bytes of the spool from `offset`, which the child has written and flushed."""
        parts = []
        while size:
            part = os.pread(self._spool.fileno(), size, offset)
            if not part:
                raise ReaderError("the preparing process's spool ended early")
            parts.append(part)
            offset += len(part)
            size -= len(part)
        return b"".join(parts)
