"""Parse a WordPress archive listing saved as text into post records. Pure: no Django, no database.

An archive is an optional header line (`Search Results for: "x"`, `Tag Archives: x`, …) and then
posts: a title line, a blank line and body lines, each post ending with a teaser link such as
"read more »" or "Continue reading →" (the last post may have none). A post may carry a date line
under its title and "Posted in A, B" / "Filed under: X" / "Tagged: y" lines; those become the
record's date and categories, not body text. Short stand-alone lines inside a body that read like
picture captions are kept apart as `captions`.

`LineReader` turns a binary file into checked text lines (strict UTF-8, no NUL bytes, bounded line
length, CRLF and BOM handled) and hashes the bytes on the way; `ArchiveParser` streams those lines
into `ParsedPost` records, holding one post at a time.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
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

    def checksum(self) -> str:
        """Hash of everything the archive says about this post, to spot changed posts."""
        # Each part followed by \x1f, hashed in one call (as one update per part would hash it).
        parts = (
            self.title,
            self.body,
            str(self.published or ""),
            str(self.is_excerpt),
            "\x1e".join(self.categories),
            "",
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


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


# --- Line classification ---------------------------------------------------------------------

_HEADER_PATTERNS = [
    (re.compile(r"^search results for:?\s*(.+)$", re.I), "search"),
    (re.compile(r"^tag archives?:\s*(.+)$", re.I), "tag"),
    (re.compile(r"^posts tagged\s+(.+)$", re.I), "tag"),
    (re.compile(r"^category archives?:\s*(.+)$", re.I), "category"),
    (re.compile(r"^archive for the\s+(.+?)\s+category$", re.I), "category"),
    (re.compile(r"^(?:monthly|daily|yearly) archives?:\s*(.+)$", re.I), "date"),
    (re.compile(r"^author archives?:\s*(.+)$", re.I), "author"),
]
_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb "

# The teaser at the end of a line; "Continue reading <title> →" names the post in between.
_TEASER_WORDS = (
    r"(?:read more\s*(?:»|→|\.\.\.|…)|continue reading(?:\s+[^→]*?)?\s*→|\(more…\)|\(more\.\.\.\))"
)
_TEASER = re.compile(rf"(?:^\s*read more|(?:^|\s){_TEASER_WORDS})\s*$", re.I)
# `_TEASER` where it can match past the start: only after a space. Starting with `\s` lets the
# regex engine skip in C to the next space instead of trying every character of the line.
_TEASER_AFTER_SPACE = re.compile(rf"\s{_TEASER_WORDS}\s*$", re.I)
_OL_ITEM = re.compile(r"^\s*(\d{1,3})[.)]\s+(\S.*)$")
_BULLETS = "-*•·"
_UL_ITEM = re.compile(rf"^\s*[{_BULLETS}]\s+(\S.*)$")
_META = re.compile(
    r"^(?:posted in|filed under:?|categories:|category:|tagged:|tags:)\s+(.+)$", re.I
)
_META_SEGMENT = re.compile(
    r"^(?:posted in|filed under:?|categories:|category:|tagged:|tags:)\s+", re.I
)
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_PREFIX = (
    r"^(?:(?:posted|published|written)(?:\s+on)?\s+|on\s+)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
)
_DATE_SUFFIX = r"(?:\s+(?:by|at)\s+.{1,80})?$"
_DATE_FORMS = [
    re.compile(_DATE_PREFIX + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + _DATE_SUFFIX, re.I),
    re.compile(_DATE_PREFIX + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR + _DATE_SUFFIX, re.I),
    re.compile(
        _DATE_PREFIX + r"(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})" + _DATE_SUFFIX, re.I
    ),
]
_YEAR_DIGITS = re.compile(r"\d{4}")
_DATE_MAX_CHARS = 120
_TERMINAL = tuple('.!?:;…"”’)»*')
_CAPTION_MAX_WORDS = 8
_CAPTION_MAX_CHARS = 60
# A stand-alone line above a date is taken for the next post's title only if it is this short.
_RETITLE_MAX_CHARS = 200
_IGNORED_CATEGORIES = {"uncategorized", "uncategorised"}


def parse_header(line: str, line_no: int) -> ArchiveHeader | None:
    text = line.strip()
    for pattern, kind in _HEADER_PATTERNS:
        m = pattern.match(text)
        if m:
            phrase = m.group(1).strip(_QUOTES)
            if phrase:
                return ArchiveHeader(text=text, kind=kind, phrase=phrase, line=line_no)
    return None


def parse_date(line: str) -> date | None:
    """The date a whole line states ("June 20, 2010", "20 June 2010", "2010-06-20"), or None."""
    text = line.strip()
    if len(text) > _DATE_MAX_CHARS or not _YEAR_DIGITS.search(text):
        return None
    for form in _DATE_FORMS:
        m = form.match(text)
        if not m:
            continue
        groups = m.groupdict()
        month = int(groups["mon"]) if groups.get("mon") else _MONTHS.get(groups["month"].lower())
        if not month:
            continue
        try:
            return date(int(groups["year"]), month, int(groups["day"]))
        except ValueError:
            return None
    return None


def parse_meta(line: str) -> tuple[str, ...] | None:
    """Categories from a "Posted in A, B | Tagged: c" line, or None when the line is prose."""
    text = line.strip()
    if not _META.match(text) or len(text) > 400:
        return None
    names: list[str] = []
    for segment in re.split(r"\s+[|·]\s+", text):
        if not _META_SEGMENT.match(segment):
            continue  # "Leave a comment", "3 Comments", "Edit"
        for item in _META_SEGMENT.sub("", segment, count=1).split(","):
            name = item.strip().strip(_QUOTES).strip()
            if not name:
                continue
            sentence = name.endswith(".") or ". " in name
            if len(name) > 60 or len(name.split()) > 6 or sentence:
                return None  # reads like a sentence, not a list of categories
            if fold(name) not in _IGNORED_CATEGORIES:
                names.append(name)
    return tuple(names)


def strip_teaser(line: str) -> tuple[str, bool]:
    # Cheap test first: a teaser ends in an arrow or the word "more" comes close to the end.
    if not line.rstrip().endswith("→") and "more" not in line[-16:].lower():
        return line, False
    tail = line[-(MAX_TITLE_CHARS + 40) :]
    # `_TEASER.search(tail)`, faster: a match at 0 (where `^` applies) or the first one after.
    m = _TEASER.match(tail) or _TEASER_AFTER_SPACE.search(tail, 1)
    if not m:
        return line, False
    cut = max(0, len(line) - (MAX_TITLE_CHARS + 40)) + m.start()
    return line[:cut].rstrip(), True


def _is_caption_like(text: str) -> bool:
    t = text.strip()
    return (
        len(t) <= _CAPTION_MAX_CHARS
        and len(t.split()) <= _CAPTION_MAX_WORDS
        and not t.endswith(_TERMINAL)
        and not _OL_ITEM.match(text)
        and not _UL_ITEM.match(text)
    )


# --- The parser ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    text: str
    no: int
    blank_before: bool
    blank_after: bool = False


@dataclass
class _Draft:
    title: str
    line: int
    published: date | None = None
    categories: list[str] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)
    is_excerpt: bool = False


class ArchiveParser:
    """Stream `ParsedPost` records from text lines (with or without line endings).

    `header` is known once the first post has been yielded (None when the archive has none).
    Duplicates are not merged here: that needs the whole file and is the loader's job.
    """

    def __init__(self, lines: Iterable[str]):
        self._lines = lines
        self.header: ArchiveHeader | None = None
        self.posts_seen = 0

    def __iter__(self) -> Iterator[ParsedPost]:
        draft: _Draft | None = None
        closed = True  # the current draft ended with a teaser or footer: next text is a title
        pending_date: date | None = None
        blank_before = True
        seen_text = False
        line_no = 0
        for line_no, raw in enumerate(self._lines, start=1):
            if line_no == 1 or len(raw) > MAX_LINE_CHARS + 2 or "\x00" in raw:
                line = self._check(raw, line_no)
            else:  # what `_check` returns for any other line, without a call per line
                line = raw.rstrip("\r\n")
            if not line or line.isspace():
                blank_before = True
                if draft and draft.lines:
                    draft.lines[-1].blank_after = True
                continue
            if not seen_text:
                seen_text = True
                self.header = parse_header(line, line_no)
                if self.header:
                    continue

            if draft is not None and not closed:
                # Inside a post: date and meta lines first, then teaser, list or paragraph.
                # A line of prose, too long for a date even with no spaces around it to strip,
                # needs no call.
                if len(line) > _DATE_MAX_CHARS and not (line[0].isspace() or line[-1].isspace()):
                    when = None
                else:
                    when = parse_date(line)
                if when is not None:
                    if not draft.lines and draft.published is None:
                        draft.published = when
                        continue
                    retitled = self._title_before_date(draft)
                    if retitled is not None:
                        # No teaser ended the post: the standalone line above the date was the
                        # next post's title.
                        yield self._finish(draft)
                        draft = _Draft(
                            title=retitled.text.strip(), line=retitled.no, published=when
                        )
                        blank_before = False
                        continue
                text, teaser = strip_teaser(line)
                meta = None if teaser else parse_meta(line)
                if meta is not None:
                    draft.categories.extend(meta)
                    if draft.lines:
                        closed = True  # a footer ends the post
                    continue
                if text.strip():
                    draft.lines.append(_Line(text, line_no, blank_before))
                if teaser:
                    draft.is_excerpt = True
                    closed = True
                blank_before = False
                continue

            # Between posts: footer lines of the last post, a date for the next, or a title.
            meta = parse_meta(line)
            if meta is not None and draft is not None:
                draft.categories.extend(meta)
                continue
            when = parse_date(line)
            if when is not None:
                pending_date = when
                continue
            if draft is not None:
                yield self._finish(draft)
            draft = self._start(line, line_no, pending_date)
            pending_date = None
            closed = False
            blank_before = False

        if not seen_text:
            raise ParseError("the file is empty")
        if draft is None:
            raise ParseError("no posts found after the header", line_no or None)
        yield self._finish(draft)

    @staticmethod
    def _check(raw: str, line_no: int) -> str:
        if len(raw) > MAX_LINE_CHARS + 2:
            raise ParseError(
                f"line is longer than {MAX_LINE_CHARS:,} characters; this does not look like "
                "an archive of posts",
                line_no,
            )
        if "\x00" in raw:
            raise ParseError("binary content (NUL byte); this is not a text archive", line_no)
        line = raw.rstrip("\r\n")
        if line_no == 1:
            line = line.removeprefix("\ufeff")
        return line

    @staticmethod
    def _start(line: str, line_no: int, published: date | None) -> _Draft:
        title, teaser = strip_teaser(line.strip())
        if teaser or not title:
            raise ParseError("a teaser link where a post title was expected", line_no)
        if len(title) > MAX_TITLE_CHARS or len(fold(title)) > MAX_TITLE_CHARS:
            raise ParseError(
                f"expected a post title but found a line of {len(title):,} characters; "
                "is a teaser link ('read more »') missing from the post above?",
                line_no,
            )
        return _Draft(title=title, line=line_no, published=published)

    @staticmethod
    def _title_before_date(draft: _Draft) -> _Line | None:
        if len(draft.lines) < 2:
            return None
        last = draft.lines[-1]
        if last.blank_before and len(last.text.strip()) <= _RETITLE_MAX_CHARS:
            draft.lines.pop()
            return last
        return None

    def _finish(self, draft: _Draft) -> ParsedPost:
        if not draft.lines:
            raise ParseError(f"the post {draft.title!r} has a title but no body", draft.line)
        captions = [
            ln
            for ln in draft.lines
            if ln.blank_before and ln.blank_after and _is_caption_like(ln.text)
        ]
        if captions:
            caption_ids = {id(ln) for ln in captions}
            body_lines = [ln for ln in draft.lines if id(ln) not in caption_ids]
        else:
            body_lines = draft.lines
        if not body_lines:  # only short lines: they are the body, not captions
            body_lines, captions = draft.lines, []
        self.posts_seen += 1
        return ParsedPost(
            title=draft.title,
            blocks=tuple(_blocks(body_lines)),
            line=draft.line,
            is_excerpt=draft.is_excerpt,
            published=draft.published,
            categories=tuple(dict.fromkeys(draft.categories)),
            captions=tuple(ln.text.strip() for ln in captions),
        )


def _blocks(lines: list[_Line]) -> Iterator[Block]:
    """Group body lines into blocks: each line a paragraph, consecutive list items one list."""
    kind, items, start = None, [], 1
    for ln in lines:
        # A list item's first character after any spaces is a digit or a bullet; most lines
        # are prose and need neither regex.
        first = ln.text.lstrip()[:1]
        if first.isdecimal() or first in _BULLETS:
            ol, ul = _OL_ITEM.match(ln.text), _UL_ITEM.match(ln.text)
        else:
            ol = ul = None
        item_kind = "ol" if ol else "ul" if ul else None
        if item_kind != kind and items:
            yield Block(kind, tuple(items), start)
            items = []
        if item_kind is None:
            kind = None
            yield Block("p", (ln.text.strip(),))
            continue
        if not items:
            start = int(ol.group(1)) if ol else 1
        kind = item_kind
        items.append((ol.group(2) if ol else ul.group(1)).strip())
    if items:
        yield Block(kind, tuple(items), start)


def parse_text(text: str) -> tuple[ArchiveHeader | None, list[ParsedPost]]:
    """Parse a whole archive held in a string (tests and small inputs)."""
    parser = ArchiveParser(text.splitlines())
    posts = list(parser)
    return parser.header, posts
