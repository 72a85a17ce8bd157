"""Stream the elements of an XML archive safely. Pure: no Django.

lxml's `iterparse` with `resolve_entities=False`, `no_network=True`, `load_dtd=False` and
`huge_tree=False`: nothing is fetched, no DTD is read, and an entity is never expanded. A
document that declares entities of its own (the "billion laughs" shape, or an external entity
reaching for a local file) is refused outright before parsing: no real export needs one.
Elements are handed over at their end tag and cleared by the caller's loop (see `items`), so
memory holds one item at a time however big the file.

Why lxml rather than defusedxml over the standard library's expat: both refuse entities, but
lxml parses several times faster in C, reports the line and column of any error, and its
iterparse can free each finished item and its preceding siblings, which keeps a 1 GB export's
memory flat. (`huge_tree` stays off: it lifts libxml2's limits on depth and text size.)
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from importer.readers.records import ArchiveSource, language_tag, web_address

# The prolog is read before parsing to refuse entity declarations: they live in the DOCTYPE,
# which must come before the root element, so the first bytes up to it are enough.
PROLOG_BYTES = 64 << 10
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)


class ReaderError(ValueError):
    """The file is not an archive we can read. `line`/`column` are 1-based, or None."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.message, self.line, self.column = message, line, column
        where = f"line {line}, column {column}: " if line and column else ""
        where = where or (f"line {line}: " if line else "")
        super().__init__(f"{where}{message}")


def check_prolog(head: bytes) -> None:
    """Refuse entity declarations (the DOCTYPE's internal subset) in the file's first bytes."""
    doctype = _DOCTYPE.search(head)
    if doctype and _ENTITY_DECL.search(head, doctype.start()):
        line = head.count(b"\n", 0, doctype.start()) + 1
        raise ReaderError(
            "the document declares entities (a DOCTYPE with <!ENTITY>); entities are never "
            "expanded, so the file is refused",
            line,
            doctype.start() - head.rfind(b"\n", 0, doctype.start()),
        )


# The encodings a real export or feed is written in. Any other (UTF-7 above all, which can
# hide a DTD from the entity check) is refused before parsing.
READ_ENCODINGS = frozenset({
    "utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "iso-8859-1", "iso_8859-1", "latin1",
    "latin-1", "l1", "windows-1252", "cp1252", "us-ascii", "ascii",
})  # fmt: skip
_DECLARED_ENCODING = re.compile(
    rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']"""
)

# The prefixes real exports and feeds use, with the namespace each stands for. WordPress.com
# exports of 2010-2012 write <atom:link> without declaring atom, and WordPress's own importer
# reads them (its parsers fall back to matching tag names); so do we, by declaring the missing
# ones on the root element. Nothing is expanded and no DTD is read either way.
WELL_KNOWN_PREFIXES = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "wp": "http://wordpress.org/export/1.2/",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "media": "http://search.yahoo.com/mrss/",
    "georss": "http://www.georss.org/georss",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "feedburner": "http://rssnamespace.org/feedburner/ext/1.0",
    "thr": "http://purl.org/syndication/thread/1.0",
    "app": "http://www.w3.org/2007/app",
    "openSearch": "http://a9.com/-/spec/opensearchrss/1.0/",
    "gd": "http://schemas.google.com/g/2005",
    "blogger": "http://schemas.google.com/blogger/2008",
}
_MARKUP = re.compile(
    rb"<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>|<([A-Za-z_])", re.S | re.I
)
_START_TAG = re.compile(rb"""<[^\s>/]+(?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")
_DECLARED_PREFIX = re.compile(rb"xmlns:([A-Za-z_][\w.-]*)\s*=")
_USED_PREFIX = re.compile(rb"(?:</?|\s)([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*[\s/>=]")


def check_encoding(head: bytes) -> None:
    """Refuse an XML declaration naming an encoding real archives are not written in."""
    m = _DECLARED_ENCODING.match(head)
    if m and m.group(1).decode("ascii", "replace").strip().lower() not in READ_ENCODINGS:
        raise ReaderError(
            f"the file declares the encoding {m.group(1).decode('ascii', 'replace')!r}; "
            "exports and feeds are read in UTF-8, UTF-16, ISO-8859-1 or Windows-1252 only: "
            "save the file in UTF-8 and import it again",
            1,
            m.start(1) + 1,
        )


def bind_prefixes(head: bytes) -> tuple[bytes, list[str]]:
    """`head` with the well-known prefixes its root element does not declare declared there,
    and the names of those the document uses undeclared (for a note)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head, []  # UTF-16: declared prefixes only
    root = next((m for m in _MARKUP.finditer(head) if m.group(1)), None)
    tag = root and _START_TAG.match(head, root.start())
    if not tag:
        return head, []
    in_root = {p.decode() for p in _DECLARED_PREFIX.findall(tag.group())}
    declared = {p.decode() for p in _DECLARED_PREFIX.findall(head)}
    used = {p.decode() for p in _USED_PREFIX.findall(head)} - {"xmlns", "xml"}
    missing = [p for p in WELL_KNOWN_PREFIXES if p not in in_root]
    if not missing:
        return head, []
    end = tag.end() - (2 if tag.group().endswith(b"/>") else 1)
    extra = "".join(f' xmlns:{p}="{WELL_KNOWN_PREFIXES[p]}"' for p in missing).encode()
    noted = sorted((used - declared) & set(missing))
    return head[:end] + extra + head[end:], noted


# C0 control characters other than tab and newlines are not allowed in XML 1.0, yet WordPress
# writes them into exports when a post holds one (pasted from a word processor), and its own
# importer reads such files. They become spaces (the same number of bytes, so lines and columns
# stay true); in UTF-8 these bytes never occur inside a multi-byte character.
_XML_INVALID_CONTROLS = bytes.maketrans(bytes([*range(0, 9), 11, 12, *range(14, 32)]), b" " * 29)


class CountingStream:
    """A binary stream that counts the bytes read (the progress bar) and keeps the first ones.
    For XML, control characters XML forbids are read as spaces (`_XML_INVALID_CONTROLS`), the
    declared encoding is checked and undeclared well-known prefixes are bound (`bind_prefixes`)
    before the parser sees a byte; `notes` says what was bound."""

    def __init__(self, stream: BinaryIO, xml: bool = True):
        self._stream = stream
        self._xml = xml
        self._table = _XML_INVALID_CONTROLS if xml else None  # text keeps its bytes
        self._pending = b""
        self.bytes_read = 0
        self.head = b""
        self.notes: list[str] = []

    def peek(self) -> bytes:
        """The file's first bytes (up to `PROLOG_BYTES`), checked, as the parser will read them."""
        if not self.head:
            chunks = []
            size = 0
            while size < PROLOG_BYTES and (data := self._stream.read(PROLOG_BYTES - size)):
                chunks.append(data)
                size += len(data)
            self.head = b"".join(chunks)
            self.bytes_read += size
            check_prolog(self.head)
            check_encoding(self.head)
            self._pending, bound = bind_prefixes(self.head)
            if bound:
                self.notes.append(
                    "undeclared prefixes read as their usual namespaces: " + ", ".join(bound)
                )
        return self._pending if self._pending else self.head

    def read(self, size: int = -1) -> bytes:
        if self._xml and not self.head:
            self.peek()
        if self._pending:
            size = len(self._pending) if size is None or size < 0 else size
            data, self._pending = self._pending[:size], self._pending[size:]
        else:
            data = self._stream.read(size)
            self.bytes_read += len(data)
            if not self._xml and len(self.head) < PROLOG_BYTES:
                self.head += data[: PROLOG_BYTES - len(self.head)]
        return data.translate(self._table) if self._table else data

    def readline(self, size: int = -1) -> bytes:
        """For the listing parser's `LineReader` (text: no bytes are changed)."""
        data = self._stream.readline(size)
        self.bytes_read += len(data)
        return data

    @contextlib.contextmanager
    def again(self) -> Iterator[CountingStream | None]:
        """A second reading of the same file from its start, read as this one is (None when
        the stream cannot go back); this reading's place is kept for it, and its byte count."""
        try:
            place = self._stream.tell()
            self._stream.seek(0)
        except (AttributeError, OSError, ValueError):
            yield None
            return
        try:
            yield CountingStream(self._stream, self._xml)
        finally:
            self._stream.seek(place)

    def line(self, number: int) -> bytes:
        """Line `number` (1-based) of the file as read, b"" when the stream cannot go back."""
        try:
            self._stream.seek(0)
        except (AttributeError, OSError, ValueError):
            return b""
        for n, line in enumerate(self._stream, start=1):
            if n == number:
                return line
        return b""

    def first_undefined_entity(self) -> tuple[str, int, int] | None:
        """(name, line, column) of the first entity reference XML does not define, outside
        CDATA sections: the construct libxml2 reports without a position."""
        try:
            self._stream.seek(0)
        except (AttributeError, OSError, ValueError):
            return None
        in_cdata = False
        for n, line in enumerate(self._stream, start=1):
            pos = 0
            while pos < len(line):
                if in_cdata:
                    end = line.find(b"]]>", pos)
                    if end < 0:
                        break
                    in_cdata, pos = False, end + 3
                    continue
                start = line.find(b"<![CDATA[", pos)
                segment = line[pos : start if start >= 0 else len(line)]
                if m := _UNDEFINED_ENTITY.search(segment):
                    return m.group(1).decode("utf-8", "replace"), n, pos + m.start() + 1
                if start < 0:
                    break
                in_cdata, pos = True, start + 9
        return None


_UNDEFINED_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z_][\w.-]*);")
# Where libxml2 names the end of a bad construct, the reader is pointed at its start.
_CONSTRUCT_START = {
    "ending tag mismatch": b"</",
    "EntityRef": b"&",
    "Attribute": b"<",
    "AttValue": b"<",
}


class CountedReader:
    """A reader over a `CountingStream`: `bytes_read` drives the progress bar."""

    _stream: CountingStream

    @property
    def bytes_read(self) -> int:
        return self._stream.bytes_read


def iterparse(stream: CountingStream, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """Elements named in `tags` (Clark notation, `{ns}name`) at their end tag; errors become
    `ReaderError` with line and column."""
    events = etree.iterparse(
        stream,
        events=("end",),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        strip_cdata=True,
        recover=False,
    )
    try:
        yield from (element for _, element in events)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        message = (exc.msg or str(exc)).split(", line ")[0]
        if not line:
            found = stream.first_undefined_entity()
            if found:
                name, line, column = found
                raise ReaderError(
                    f"malformed XML: the entity &{name}; is not defined (XML knows only &amp; "
                    "&lt; &gt; &quot; &apos; without a DTD)",
                    line,
                    column,
                ) from None
        elif column:
            column = _construct_start(stream, message, line, column)
        raise ReaderError(f"malformed XML: {message}", line or None, column or None) from None


def _construct_start(stream: CountingStream, message: str, line: int, column: int) -> int:
    """The column where the construct libxml2 complains of starts (it names where it ended)."""
    opener = next((o for k, o in _CONSTRUCT_START.items() if k in message), None)
    if opener is None:
        return column
    found = stream.line(line).rfind(opener, 0, max(column - 1, 0))
    return found + 1 if found >= 0 else column


def release(element: etree._Element) -> None:
    """Forget a consumed element and the siblings before it, so memory stays flat."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def text(element: etree._Element | None) -> str:
    """The text of an element (its children's too), "" when missing."""
    if element is None:
        return ""
    return "".join(element.itertext())


def source(
    kind: str,
    title: str,
    link: str,
    version: str = "",
    notes: list[str] | tuple[str, ...] = (),
    language: str = "",
) -> ArchiveSource:
    return ArchiveSource(
        kind=kind,
        title=title.strip()[:300],
        link=web_address(link)[:500],
        version=version,
        notes=tuple(notes),
        language=language_tag(language),
    )
