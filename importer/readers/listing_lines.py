"""Archive listings as checked text lines, and the records the parser makes of them. Pure: no
Django, no database.

`LineReader` turns a binary file into checked text lines (strict UTF-8, no NUL bytes, bounded line
length, CRLF and BOM handled) and hashes the bytes on the way; `ParsedPost` (a post's draft, which
`readers.listing.record` makes an `ArchivePost`; it never leaves `readers/`), `ArchiveHeader` and
`Block` are what `listing_parser.ArchiveParser` makes of them. Kept apart from the parser so each
module reads in one sitting; `listing_parser` re-exports every name.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import BinaryIO

from core.text import fold

MAX_LINE_CHARS = 100_000
# UTF-8 needs at most 4 bytes a character, so this many bytes always hold MAX_LINE_CHARS.
MAX_LINE_BYTES = MAX_LINE_CHARS * 4
MAX_TITLE_CHARS = 500  # Post.title and Post.key are 500 characters wide

# --- Typography ----------------------------------------------------------------------------


def typographic_score(text: str) -> int:
    """How many typographic characters `text` uses; of two twin titles the higher one wins."""
    # The characters past ASCII, counted in C: encoding to ASCII drops exactly those.
    return len(text) - len(text.encode("ascii", "ignore"))


# --- Records ---------------------------------------------------------------------------------


class ParseError(ValueError):
    """The text is not an archive we can read. `line` is 1-based, or None for the whole file."""

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


class NotUTF8(ParseError):
    """The bytes are not UTF-8: the importer may find them to be Windows-1252 or Latin-1."""


# Bytes that Windows-1252 leaves undefined: a file holding one is not Windows-1252 either.
CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def legacy_encoding(stream: BinaryIO) -> tuple[str, str]:
    """(codec, name) of a file that is not UTF-8 when its bytes are unambiguously Windows-1252
    ("Windows-1252" when it uses the 0x80-0x9F range, else "Latin-1", which then reads the
    same). Raises `ParseError` when they are not: a byte Windows-1252 does not define, or
    UTF-8 sequences beside other high bytes (a file of mixed encodings)."""
    line, c1, utf8 = 1, False, False
    while chunk := stream.read(1 << 20):
        bad = next((i for i, b in enumerate(chunk) if b in CP1252_UNDEFINED), None)
        if bad is not None:
            raise ParseError(
                f"neither UTF-8 nor Windows-1252 (byte 0x{chunk[bad]:02x}); save the archive "
                "as UTF-8",
                line + chunk.count(b"\n", 0, bad),
            )
        utf8 = utf8 or bool(_UTF8_SEQUENCE.search(chunk))
        c1 = c1 or any(0x80 <= b <= 0x9F for b in chunk)
        line += chunk.count(b"\n")
    if utf8:
        raise ParseError(
            "mixes UTF-8 with another encoding, so no one reading is certain; save the archive "
            "as UTF-8"
        )
    return ("cp1252", "Windows-1252") if c1 else ("latin-1", "Latin-1")


@dataclass(frozen=True)
class Block:
    """A piece of body: a paragraph (`kind="p"`, one item) or a list (`"ol"`/`"ul"`, its items)."""

    kind: str
    items: tuple[str, ...]
    start: int = 1  # first number of an ordered list


@dataclass(frozen=True)
class ArchiveHeader:
    """The archive's header line. `kind` is search, tag, category, date or author."""

    text: str
    kind: str
    phrase: str
    line: int


@dataclass(frozen=True)
class ParsedPost:
    title: str
    blocks: tuple[Block, ...]
    line: int
    is_excerpt: bool = False
    published: date | None = None
    categories: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()

    @cached_property
    def key(self) -> str:
        return fold(self.title)

    @property
    def paragraphs(self) -> list[str]:
        return [b.items[0] for b in self.blocks if b.kind == "p"]

    @property
    def list_items(self) -> list[str]:
        return [item for b in self.blocks if b.kind != "p" for item in b.items]

    @cached_property
    def body(self) -> str:
        """Plain-text body as stored in `Post.body`: blocks apart by a blank line, list items
        one a line ("1. …" or "- …"). `render.blocks_from_body` reads it back."""
        parts = []
        for b in self.blocks:
            if b.kind == "p":
                parts.append(b.items[0])
            elif b.kind == "ol":
                parts.append("\n".join(f"{b.start + i}. {t}" for i, t in enumerate(b.items)))
            else:
                parts.append("\n".join(f"- {t}" for t in b.items))
        return "\n\n".join(parts)


# --- Reading bytes into checked lines --------------------------------------------------------


class LineReader:
    """Iterate a binary file as text lines without their line endings.

    Strict UTF-8 line by line (so errors name the line), a BOM on the first line dropped, CRLF and
    lone CR endings accepted, NUL bytes and over-long lines refused early: a line is read with a
    byte limit, so a 5 MB single line costs one bounded read, not a 5 MB string scan per step.
    `checksum` is the SHA-256 of every byte read, complete once iteration ends.

    The file is read about a megabyte at a time (always up to the end of a line). A chunk that is
    plain (no NUL, no CR, valid UTF-8, no line near the length limit), as nearly every chunk is,
    is hashed, decoded and split in C in one go; any other chunk goes line by line through the
    checks above, which name the line of any error. `line_no` counts the lines read so far.
    """

    chunk_bytes = 1 << 20

    def __init__(self, stream: BinaryIO, encoding: str = "utf-8"):
        self._stream = stream
        self._hash = hashlib.sha256()
        self.line_no = 0
        self.encoding = encoding  # "cp1252" or "latin-1" once `legacy_encoding` said so

    @property
    def checksum(self) -> str:
        return self._hash.hexdigest()

    def __iter__(self) -> Iterator[str]:
        read, readline = self._stream.read, self._stream.readline
        while True:
            chunk = read(self.chunk_bytes)
            if not chunk:
                return
            if not chunk.endswith(b"\n"):
                # Up to the end of the line; a line past the limit stays cut and is refused below.
                chunk += readline(MAX_LINE_BYTES + 1)
            lines = None
            if b"\x00" not in chunk and b"\r" not in chunk:
                with contextlib.suppress(UnicodeDecodeError):  # checked line by line below
                    lines = chunk.decode(self.encoding).split("\n")
            # A line of fewer than MAX_LINE_CHARS characters is under MAX_LINE_BYTES bytes.
            if lines is None or max(map(len, lines)) >= MAX_LINE_CHARS:
                yield from self._checked_lines(chunk)
                continue
            if lines[-1] == "":  # the chunk ended with a line ending, not at a last bare line
                lines.pop()
            if self.line_no == 0:
                lines[0] = lines[0].removeprefix("\ufeff")
            self._hash.update(chunk)
            self.line_no += len(lines)
            yield from lines

    def _checked_lines(self, chunk: bytes) -> Iterator[str]:
        """The lines of `chunk`, each checked on its own so that an error names its line."""
        buffer = io.BytesIO(chunk)
        read = buffer.readline
        while True:
            raw = read(MAX_LINE_BYTES + 1)
            if not raw:
                return
            self.line_no += 1
            if len(raw) > MAX_LINE_BYTES:
                raise ParseError(
                    f"line is longer than {MAX_LINE_CHARS:,} characters; this does not look "
                    "like an archive of posts",
                    self.line_no,
                )
            self._hash.update(raw)
            if b"\x00" in raw:
                raise ParseError(
                    "binary content (NUL byte); this is not a text archive", self.line_no
                )
            try:
                text = raw.decode(self.encoding)
            except UnicodeDecodeError as exc:
                # The 8 KB that follow the line in the file: binary data has NULs there.
                ahead = buffer.read(8192)
                ahead += self._stream.read(8192 - len(ahead))
                if b"\x00" in ahead:
                    raise ParseError(
                        "binary content; this is not a text archive", self.line_no
                    ) from None
                raise NotUTF8(
                    f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                    "save the archive as UTF-8",
                    self.line_no,
                ) from None
            if self.line_no == 1:
                text = text.removeprefix("\ufeff")
            text = text.rstrip("\r\n")
            if "\r" in text:  # old Mac line endings: split, keeping numbering per physical line
                parts = text.split("\r")
                yield from parts[:-1]
                text = parts[-1]
            yield text
