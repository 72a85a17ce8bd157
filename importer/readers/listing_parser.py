"""Parse a WordPress archive listing saved as text into post records. Pure: no Django, no database.

An archive is an optional header line (`Search Results for: "x"`, `Tag Archives: x`, …) and then
posts: a title line, a blank line and body lines, each post ending with a teaser link such as
"read more »" or "Continue reading →" (the last post may have none). A post may carry a date line
under its title and "Posted in A, B" / "Filed under: X" / "Tagged: y" lines; those become the
record's date and categories, not body text. Short stand-alone lines inside a body that read like
picture captions are kept apart as `captions`.

`LineReader` (in `listing_lines`, with the records) turns a binary file into checked text lines
and hashes the bytes on the way; `ArchiveParser` streams those lines into `ParsedPost`
drafts, holding one post at a time; `readers.listing` makes each an `ArchivePost`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from core.text import fold
from importer.readers.listing_lines import (
    MAX_LINE_BYTES,
    MAX_LINE_CHARS,
    MAX_TITLE_CHARS,
    ArchiveHeader,
    Block,
    LineReader,
    NotUTF8,
    ParsedPost,
    ParseError,
    legacy_encoding,
    typographic_score,
)

# The records and the line reader live in listing_lines; the importer names them from here.
__all__ = [
    "MAX_LINE_BYTES",
    "MAX_LINE_CHARS",
    "MAX_TITLE_CHARS",
    "ArchiveHeader",
    "ArchiveParser",
    "Block",
    "LineReader",
    "NotUTF8",
    "ParseError",
    "ParsedPost",
    "fold",
    "legacy_encoding",
    "parse_date",
    "parse_header",
    "parse_meta",
    "parse_text",
    "strip_teaser",
    "typographic_score",
]

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
