"""Read RSS 2.0 and Atom 1.0 feeds (Blogger's Atom export included) into `ArchivePost`s. Pure.

RSS: `title`, `link` (the permalink), `guid`, `pubDate`, `dc:creator` or `author`,
`content:encoded` or else `description`, `category`. Atom: `title`, `id` (the guid),
`link rel="alternate"`, `published` (else `updated`), `author/name`, `content` or else `summary`,
`category` (`label`, else `term`). A feed's published date is the post's date.

Blogger's export is one Atom feed of every kind of entry; only posts are read (`kind#post`),
never drafts (`app:draft` yes), settings, templates or pages. Blogger comments are separate
entries that may come after their post, so they are not imported from Blogger files.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from importer.readers.records import ArchivePost, ArchiveSource, untitled, web_address
from importer.readers.wxr import CONTENT, DC_CREATOR, IGNORED_CATEGORIES, rss_date
from importer.readers.xmlstream import (
    CountedReader,
    CountingStream,
    iterparse,
    release,
    source,
    text,
)

ATOM = "{http://www.w3.org/2005/Atom}"
APP = "{http://purl.org/atom/app#}"
APP_2007 = "{http://www.w3.org/2007/app}"
BLOGGER_KIND = "http://schemas.google.com/g/2005#kind"
BLOGGER_POST = "http://schemas.google.com/blogger/2008/kind#post"
_TAG = re.compile(r"<[^>]*>")


def plain_title(value: str) -> str:
    """A feed title as text: feeds escape titles as HTML (RSS) or may say so (Atom type=html)."""
    return html.unescape(_TAG.sub("", value)).strip()


def _topics(names: list[str]) -> tuple[str, ...]:
    return tuple(
        n
        for n in dict.fromkeys(n.strip() for n in names)
        if n and n.casefold() not in IGNORED_CATEGORIES
    )


class RSSReader(CountedReader):
    def __init__(self, stream: CountingStream):
        self._stream = stream
        self.source = ArchiveSource(kind="rss")
        self.skipped = 0

    def __iter__(self) -> Iterator[ArchivePost]:
        title = link = ""
        started = False
        for element in iterparse(self._stream, ("item", "title", "link")):
            if element.tag != "item":
                parent = element.getparent()
                if parent is not None and parent.tag == "channel":
                    if element.tag == "title":
                        title = text(element)
                    else:
                        link = text(element)
                continue
            if not started:
                started = True
                self.source = source("rss", plain_title(title), link)
            fields: dict[str, str] = {}
            categories: list[str] = []
            for child in element:
                if child.tag == "category":
                    categories.append(text(child))
                else:
                    fields.setdefault(child.tag, child.text or "")
            published = rss_date(fields.get("pubDate", ""))
            body = fields.get(CONTENT) or fields.get("description", "")
            yield ArchivePost(
                title=plain_title(fields.get("title", ""))
                or untitled(published and published.date()),
                author=(fields.get(DC_CREATOR) or _rss_author(fields.get("author", ""))).strip(),
                published=published,
                permalink=web_address(fields.get("link", "")),
                guid=fields.get("guid", "").strip(),
                html=body,
                categories=_topics(categories),
                line=element.sourceline or 0,
            )
            release(element)
        if not started:
            self.source = source("rss", plain_title(title), link)


def _rss_author(value: str) -> str:
    """RSS's `author` is "e-mail (Name)": keep the name, never the address."""
    m = re.search(r"\(([^)]+)\)", value)
    if m:
        return m.group(1)
    return "" if "@" in value else value


def _atom_date(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _atom_text(element) -> str:
    """An Atom text construct as HTML: `type="xhtml"` is serialised, `text` escaped."""
    if element is None:
        return ""
    kind = element.get("type", "text")
    if kind == "xhtml":
        from lxml import etree

        parts = [etree.tostring(child, encoding="unicode", method="html") for child in element]
        return "".join(parts)
    if kind == "html":
        return text(element)
    return "".join(f"<p>{html.escape(p)}</p>" for p in text(element).split("\n\n") if p.strip())


class AtomReader(CountedReader):
    def __init__(self, stream: CountingStream):
        self._stream = stream
        self.source = ArchiveSource(kind="atom")
        self.skipped = 0

    def __iter__(self) -> Iterator[ArchivePost]:
        title = link = ""
        started = False
        for element in iterparse(self._stream, (f"{ATOM}entry", f"{ATOM}title", f"{ATOM}link")):
            if element.tag != f"{ATOM}entry":
                parent = element.getparent()
                if parent is not None and parent.tag == f"{ATOM}feed":
                    if element.tag == f"{ATOM}title":
                        title = text(element)
                    elif element.get("rel", "alternate") == "alternate":
                        link = element.get("href", "")
                continue
            if not started:
                started = True
                self.source = source("atom", plain_title(title), link)
            post = self._entry(element)
            release(element)
            if post is None:
                self.skipped += 1
            else:
                yield post
        if not started:
            self.source = source("atom", plain_title(title), link)

    @staticmethod
    def _entry(entry) -> ArchivePost | None:
        categories, permalink, kind = [], "", ""
        for category in entry.iterfind(f"{ATOM}category"):
            if category.get("scheme") == BLOGGER_KIND:
                kind = category.get("term", "")
            else:
                categories.append(category.get("label") or category.get("term", ""))
        if kind and kind != BLOGGER_POST:
            return None  # Blogger's comments, settings, templates, pages
        for ns in (APP, APP_2007):
            if text(entry.find(f"{ns}control/{ns}draft")).strip().lower() == "yes":
                return None
        for link in entry.iterfind(f"{ATOM}link"):
            if link.get("rel", "alternate") == "alternate" and link.get("type", "text/html") in (
                "text/html",
                "",
            ):
                permalink = link.get("href", "")
                break
        published = _atom_date(text(entry.find(f"{ATOM}published"))) or _atom_date(
            text(entry.find(f"{ATOM}updated"))
        )
        content = entry.find(f"{ATOM}content")
        if content is None or content.get("src"):
            content = entry.find(f"{ATOM}summary")
        title_el = entry.find(f"{ATOM}title")
        title = text(title_el)
        if title_el is not None and title_el.get("type") in ("html", "xhtml"):
            title = plain_title(title)
        return ArchivePost(
            title=title.strip() or untitled(published and published.date()),
            author=text(entry.find(f"{ATOM}author/{ATOM}name")).strip(),
            published=published,
            permalink=web_address(permalink),
            guid=text(entry.find(f"{ATOM}id")).strip(),
            html=_atom_text(content),
            categories=_topics(categories),
            line=entry.sourceline or 0,
        )
