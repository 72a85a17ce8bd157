"""Which reader a file needs, decided by its first bytes, never its name. Pure: no Django."""

from __future__ import annotations

import re
from typing import BinaryIO

from importer.readers.xmlstream import PROLOG_BYTES, CountingStream, ReaderError

FORMATS = ("listing", "wxr", "rss", "atom")
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
# WordPress binds `wp` to http://wordpress.org/export/1.N/ (https in some exports).
WP_URI = re.compile(rb"https?://wordpress\.org/export/(\d+)\.(\d+)/?[\"']")
_WP_USED = re.compile(rb"<wp:(?:wxr_version|post_type|post_id|base_site_url)\b")
_COMMENT_OR_PI = re.compile(rb"<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", re.S | re.I)


def detect(head: bytes) -> str:
    """The format of a file from its first bytes (`PROLOG_BYTES` of them will do). Raises
    `ReaderError` with a one-line reason for empty, binary and unknown XML files."""
    if b"\x00" in head[:8192]:
        raise ReaderError("binary content (NUL byte); this is not an archive")
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not body:
        raise ReaderError("the file is empty")
    if not body.startswith(b"<"):
        return "listing"
    rest = _COMMENT_OR_PI.sub(b"", body).lstrip()
    m = _ROOT.match(rest)
    if not m:
        raise ReaderError("XML without a root element this importer knows (rss, rdf:RDF or feed)")
    root = m.group(2).decode("ascii", "replace")
    start_tag = rest[: rest.find(b">") + 1 if b">" in rest else len(rest)]
    if root == "rss":
        return "wxr" if WP_URI.search(start_tag) or _WP_USED.search(rest) else "rss"
    if root == "feed":
        return "atom"
    if root == "RDF":
        return "rss"  # RSS 1.0: read as RSS 2.0 is
    raise ReaderError(
        f"unknown XML: the root element is <{root}>, not a WordPress export, RSS or Atom feed"
    )


def open_records(stream: BinaryIO, kind: str):
    """A reader over `stream` for `kind` (from `detect`): iterate it for `ArchivePost`s; its
    `source` says the blog's name and address. The stream is wrapped to count bytes read."""
    from importer.readers.feed import AtomReader, RSSReader
    from importer.readers.listing import ListingReader
    from importer.readers.wxr import WXRReader

    readers = {"wxr": WXRReader, "rss": RSSReader, "atom": AtomReader, "listing": ListingReader}
    return readers[kind](CountingStream(stream, xml=kind != "listing"))


def sniff(stream: BinaryIO) -> str:
    """`detect` on a seekable stream's first bytes, leaving it at the start."""
    head = stream.read(PROLOG_BYTES)
    stream.seek(0)
    return detect(head)
