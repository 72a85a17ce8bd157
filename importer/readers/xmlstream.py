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

import re
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from importer.readers.records import ArchiveSource, web_address

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


# C0 control characters other than tab and newlines are not allowed in XML 1.0, yet WordPress
# writes them into exports when a post holds one (pasted from a word processor), and its own
# importer reads such files. They become spaces (the same number of bytes, so lines and columns
# stay true); in UTF-8 these bytes never occur inside a multi-byte character.
_XML_INVALID_CONTROLS = bytes.maketrans(bytes([*range(0, 9), 11, 12, *range(14, 32)]), b" " * 29)


class CountingStream:
    """A binary stream that counts the bytes read (the progress bar) and keeps the first ones.
    For XML, control characters XML forbids are read as spaces (`_XML_INVALID_CONTROLS`)."""

    def __init__(self, stream: BinaryIO, xml: bool = True):
        self._stream = stream
        self._table = _XML_INVALID_CONTROLS if xml else None  # text keeps its bytes
        self.bytes_read = 0
        self.head = b""

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if len(self.head) < PROLOG_BYTES:
            self.head += data[: PROLOG_BYTES - len(self.head)]
            check_prolog(self.head)
        self.bytes_read += len(data)
        return data.translate(self._table) if self._table else data

    def readline(self, size: int = -1) -> bytes:
        """For the listing parser's `LineReader` (text: no bytes are changed)."""
        data = self._stream.readline(size)
        self.bytes_read += len(data)
        return data


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
        raise ReaderError(f"malformed XML: {message}", line, column) from None


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


def source(kind: str, title: str, link: str, version: str = "") -> ArchiveSource:
    return ArchiveSource(
        kind=kind, title=title.strip()[:300], link=web_address(link)[:500], version=version
    )
