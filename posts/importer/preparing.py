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

Messages are bytes: b"R" + pickled [PreparedPost, ...], then b"E", or b"X" + pickled
(message, line, column) when the file cannot be read.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import multiprocessing
import pickle
import re
from collections.abc import Container, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from core.sanitise import sanitise_html
from posts.importer.parse import fold
from posts.importer.readers import ArchivePost, ReaderError, open_records
from posts.importer.wpbody import prepare_body

CHUNK_POSTS = 200
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


def prepare(ordinal: int, post: ArchivePost) -> PreparedPost:
    # A post's own text is shown as WordPress shows it: bare addresses stay text (comments are
    # linkified, as WordPress does for them).
    html = "" if post.protected else sanitise_html(prepare_body(post.html)[0], linkify=False)
    numbers = {c.id: n for n, c in enumerate(post.comments, start=1) if c.id}
    comments = tuple(
        (
            n,
            numbers.get(c.parent) if c.parent else None,
            c.author[:200],
            c.published,
            sanitise_html(c.html.replace("\r\n", "\n")).replace("\n", "<br>\n"),
        )
        for n, c in enumerate(post.comments, start=1)
    )
    return PreparedPost(
        ordinal,
        identity_of(post),
        post.title,
        post.author,
        post.day,
        post.permalink,
        post.guid,
        post.protected,
        post.checksum(),
        html,
        plain_text(html),
        comments,
    )


def prepared_posts(
    path: Path, kind: str, wanted: Container[int], progress=None
) -> Iterator[PreparedPost]:
    """The posts at places `wanted` of the file, prepared, in file order (in this process)."""
    with open(path, "rb") as stream:
        reader = open_records(stream, kind)
        for ordinal, post in enumerate(reader):
            if ordinal in wanted:
                yield prepare(ordinal, post)
            if progress is not None and ordinal % 500 == 499:
                progress(reader.bytes_read)


def _prepare_into(path: str, kind: str, wanted: Ordinals, conn) -> None:
    """The child: prepare the wanted posts of `path` and send them in chunks."""
    try:
        chunk: list[PreparedPost] = []
        try:
            for post in prepared_posts(Path(path), kind, wanted):
                chunk.append(post)
                if len(chunk) == CHUNK_POSTS:
                    conn.send_bytes(b"R" + pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))
                    chunk = []
        except ReaderError as exc:
            conn.send_bytes(b"X" + pickle.dumps((exc.message, exc.line, exc.column)))
            return
        except OSError as exc:
            conn.send_bytes(
                b"X" + pickle.dumps((f"cannot read: {exc.strerror or exc}", None, None))
            )
            return
        if chunk:
            conn.send_bytes(b"R" + pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))
        conn.send_bytes(b"E")
    except (KeyboardInterrupt, BrokenPipeError):
        pass  # the importer stopped: it reports, not the child
    finally:
        conn.close()


class PreparingProcess:
    """`with PreparingProcess(path, kind, wanted) as preparing:` then `for posts in
    preparing.chunks():`. Raises `ReaderError`. The child is ended on the way out."""

    def __init__(self, path: Path, kind: str, wanted: Ordinals):
        context = multiprocessing.get_context("spawn")  # no inherited connection or threads
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_prepare_into,
            args=(str(path), kind, wanted, send),
            name="bigsoc-prepare",
            daemon=True,
        )
        self._send = send

    def __enter__(self) -> PreparingProcess:
        self._process.start()
        self._send.close()
        return self

    def __exit__(self, *exc) -> None:
        self._receive.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

    def chunks(self) -> Iterator[list[PreparedPost]]:
        while True:
            try:
                message = self._receive.recv_bytes()
            except EOFError:
                raise ReaderError("the preparing process ended early") from None
            kind, body = message[:1], message[1:]
            if kind == b"R":
                yield pickle.loads(body)
            elif kind == b"E":
                return
            else:
                raise ReaderError(*pickle.loads(body))
