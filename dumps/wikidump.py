"""Read a MediaWiki XML dump (export-0.10 or 0.11, as export_wiki writes it) into records, a
page at a time. Pure: no Django; the loading is `dumps.wikiload`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

_NAMESPACE = re.compile(r"^\{(http://www\.mediawiki\.org/xml/export-0\.1[01]/)\}mediawiki$")
SECTION = re.compile(r"^/\*\s*(.*?)\s*\*/\s*(.*)$")


class DumpError(ValueError):
    """The file is not a MediaWiki dump this reader takes; the message says where and why."""


@dataclass(frozen=True)
class DumpRevision:
    id: int
    timestamp: datetime
    username: str | None  # None: no named contributor (the system, or an address)
    minor: bool
    comment: str
    text: str


@dataclass
class DumpPage:
    title: str
    ns: int
    redirect: str | None
    revisions: list[DumpRevision] = field(default_factory=list)
    line: int = 0


def _timestamp(value: str, line: int) -> datetime:
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise DumpError(f"line {line}: {value!r} is not a timestamp") from error


def read_dump(stream) -> Iterator[DumpPage]:
    """Each `<page>` of the dump, in order. `DumpError` for a file that is not one."""
    ns = None
    try:
        for event, element in etree.iterparse(
            stream, events=("start", "end"), resolve_entities=False, no_network=True, huge_tree=True
        ):
            if ns is None:
                match = _NAMESPACE.match(element.tag) if event == "start" else None
                if match is None:
                    raise DumpError("this is not a MediaWiki XML dump (export-0.10 or 0.11)")
                ns = "{" + match[1] + "}"
                continue
            if event != "end" or element.tag != f"{ns}page":
                continue
            yield _page(element, ns)
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as error:
        raise DumpError(f"line {error.lineno}: the XML is broken ({error.msg})") from error


def _page(element, ns: str) -> DumpPage:
    line = element.sourceline or 0
    redirect = element.find(f"{ns}redirect")
    try:
        namespace = int(element.findtext(f"{ns}ns", "0"))
    except ValueError as error:
        raise DumpError(f"line {line}: <ns> is not a number") from error
    page = DumpPage(
        title=(element.findtext(f"{ns}title") or "").strip(),
        ns=namespace,
        redirect=redirect.get("title") if redirect is not None else None,
        line=line,
    )
    if not page.title:
        raise DumpError(f"line {line}: a page without a title")
    for revision in element.iterfind(f"{ns}revision"):
        rline = revision.sourceline or line
        contributor = revision.find(f"{ns}contributor")
        username = contributor.findtext(f"{ns}username") if contributor is not None else None
        try:
            rev_id = int(revision.findtext(f"{ns}id", ""))
        except ValueError as error:
            raise DumpError(f"line {rline}: a revision without a numeric <id>") from error
        page.revisions.append(
            DumpRevision(
                id=rev_id,
                timestamp=_timestamp(revision.findtext(f"{ns}timestamp", ""), rline),
                username=(username or "").strip() or None,
                minor=revision.find(f"{ns}minor") is not None,
                comment=revision.findtext(f"{ns}comment") or "",
                text=revision.findtext(f"{ns}text") or "",
            )
        )
    return page


def section_summary(comment: str) -> tuple[str, str] | None:
    """("Thread title", "new section" | "reply"…) from MediaWiki's "/* Title */ rest"."""
    match = SECTION.match(comment.strip())
    return (match[1], match[2]) if match else None
