"""Read RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 feeds, Blogger's two exports included, into
`ArchivePost`s. Pure.

RSS: `title`, `link` (the permalink; FeedBurner's `feedburner:origLink` when the feed went
through FeedBurner, whose `link` is its own proxy address), `guid`, `pubDate` (RSS 1.0:
`dc:date`), `dc:creator` or `author`, `content:encoded` or else `description`, `category`
(RSS 1.0: `dc:subject`). RSS 1.0 items sit beside the channel, not in it; they are read the
same. Atom: `title`, `id` (the guid), `link rel="alternate"` (or `feedburner:origLink`),
`published` (else `updated`), `author/name`, `content` or else `summary`, `category` (`label`,
else `term`). An entry whose `content` is only a `src` (the text lives elsewhere) keeps its
summary as an excerpt. Relative links resolve against `xml:base`, else the feed's own link. A
feed's dates keep the offset they give.

Blogger's legacy export is one Atom feed of every kind of entry, told apart by a `kind`
category (`#post`, `#comment`, `#page`, `#settings`, `#template`); drafts carry
`app:control/app:draft` yes. Google Takeout's export says the same with `blogger:type` (POST,
PAGE, COMMENT), `blogger:status` (LIVE, DRAFT, ...) and `blogger:filename` (the post's path).
Only live posts are read; comments (which may come after their post) are attached to their
post, so a Blogger file's posts are yielded once it is read to the end, kept on disk until
then (`awaiting`: memory stays flat however big the file). Blogger writes titles
HTML-escaped once more than Atom asks; they are decoded exactly once.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import unquote, urljoin

from importer.readers.awaiting import AwaitingComments
from importer.readers.records import (
    ArchiveComment,
    ArchivePost,
    ArchiveSource,
    blog_scope,
    untitled,
    web_address,
)
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
RSS1 = "{http://purl.org/rss/1.0/}"
DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
DC_SUBJECT = "{http://purl.org/dc/elements/1.1/}subject"
DC_LANGUAGE = "{http://purl.org/dc/elements/1.1/}language"
FEEDBURNER_ORIG = "{http://rssnamespace.org/feedburner/ext/1.0}origLink"
THR_REPLY = "{http://purl.org/syndication/thread/1.0}in-reply-to"
BLOGGER = "{http://schemas.google.com/blogger/2018}"  # Google Takeout's export
BLOGGER_KIND = "http://schemas.google.com/g/2005#kind"
BLOGGER_KINDS = "http://schemas.google.com/blogger/2008/kind#"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TAG = re.compile(r"<[^>]*>")
# href/src values that are not absolute: resolved against the feed's base.
_RELATIVE = re.compile(
    r"""(\s(?:href|src)\s*=\s*["'])(?![a-zA-Z][a-zA-Z0-9+.-]*:|//|#)([^"']*)""", re.I
)


def plain_title(value: str) -> str:
    """A feed title as text: feeds escape titles as HTML (RSS) or may say so (Atom type=html)."""
    return html.unescape(_TAG.sub("", value)).strip()


def _topics(names: list[str]) -> tuple[str, ...]:
    return tuple(
        n
        for n in dict.fromkeys(n.strip() for n in names)
        if n and n.casefold() not in IGNORED_CATEGORIES
    )


def absolute(body: str, base: str) -> str:
    """`body` with its relative links and images resolved against `base` (a web address)."""
    if not base or ("href" not in body and "src" not in body):
        return body
    return _RELATIVE.sub(lambda m: m.group(1) + urljoin(base, html.unescape(m.group(2))), body)


def _link(value: str, base: str) -> str:
    value = value.strip()
    return web_address(urljoin(base, value) if base and value else value)


class RSSReader(CountedReader):
    def __init__(self, stream: CountingStream):
        self._stream = stream
        self.source = ArchiveSource(kind="rss")
        self.skipped = 0

    def __iter__(self) -> Iterator[ArchivePost]:
        title = link = blog = language = ""
        started = False
        tags = ("item", "title", "link", "language", f"{RSS1}item", f"{RSS1}title", f"{RSS1}link")
        tags += (DC_LANGUAGE,)
        for element in iterparse(self._stream, tags):
            tag = element.tag.removeprefix(RSS1)
            if tag != "item":
                parent = element.getparent()
                if parent is not None and parent.tag in ("channel", f"{RSS1}channel"):
                    if tag == "title":
                        title = text(element)
                    elif tag == "link":
                        link = text(element)
                    else:
                        language = text(element)
                continue
            if not started:
                started = True
                self.source = source(
                    "rss", plain_title(title), link, notes=self._stream.notes, language=language
                )
                blog = blog_scope(self.source.link, self.source.title)
            yield self._item(element, link, blog)
            release(element)
        if not started:
            self.source = source(
                "rss", plain_title(title), link, notes=self._stream.notes, language=language
            )

    @staticmethod
    def _item(element, link: str, blog: str) -> ArchivePost:
        fields: dict[str, str] = {}
        categories: list[str] = []
        guid_is_address = True  # RSS 2.0: a guid is the permalink unless isPermaLink="false"
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            tag = tag.removeprefix(RSS1)
            if tag in ("category", DC_SUBJECT):
                categories.append(text(child))
            elif tag == "guid":
                guid_is_address = child.get("isPermaLink", "true").strip().lower() != "false"
                fields.setdefault(tag, child.text or "")
            else:
                fields.setdefault(tag, child.text or "")
        published = rss_date(fields.get("pubDate", "")) or _atom_date(fields.get(DC_DATE, ""))
        base = element.get(XML_BASE) or link
        permalink = fields.get(FEEDBURNER_ORIG) or fields.get("link", "")
        if not permalink.strip() and guid_is_address:
            permalink = fields.get("guid", "")  # the item's own address when it has no link
        permalink = _link(permalink, base)
        body = absolute(fields.get(CONTENT) or fields.get("description", ""), base)
        return ArchivePost(
            title=plain_title(fields.get("title", "")) or untitled(published and published.date()),
            author=(fields.get(DC_CREATOR) or _rss_author(fields.get("author", ""))).strip(),
            published=published,
            permalink=permalink,
            guid=fields.get("guid", "").strip() or element.get(_RDF_ABOUT, "").strip(),
            html=body,
            categories=_topics(categories),
            line=element.sourceline or 0,
            blog=blog,
        )


_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"


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


def _atom_text(element, base: str = "") -> str:
    """An Atom text construct as HTML: `type="xhtml"` is serialised, `text` escaped."""
    if element is None:
        return ""
    kind = element.get("type", "text")
    if kind == "xhtml":
        from lxml import etree

        parts = [etree.tostring(child, encoding="unicode", method="html") for child in element]
        return absolute("".join(parts), base)
    if kind == "html":
        return absolute(text(element), base)
    return "".join(f"<p>{html.escape(p)}</p>" for p in text(element).split("\n\n") if p.strip())


class AtomReader(CountedReader):
    def __init__(self, stream: CountingStream):
        self._stream = stream
        self.source = ArchiveSource(kind="atom")
        self.skipped = 0

    def __iter__(self) -> Iterator[ArchivePost]:
        awaiting = AwaitingComments()  # a Blogger export's posts, until its comments are read
        try:
            yield from self._entries(awaiting)
            yield from awaiting.posts()
        finally:
            awaiting.close()

    def _entries(self, awaiting: AwaitingComments) -> Iterator[ArchivePost]:
        """A feed's posts as they are read; a Blogger export's (and its comments) kept in
        `awaiting`."""
        title = link = blog = ""
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
                language = (
                    (element.getparent().get(XML_LANG) or "")
                    if element.getparent() is not None
                    else ""
                )
                self.source = source(
                    "atom", plain_title(title), link, notes=self._stream.notes, language=language
                )
                blog = blog_scope(self.source.link, self.source.title)
            kind = _blogger_kind(element)
            if kind == "comment":
                if (found := _blogger_comment(element)) is not None:
                    awaiting.keep_comment(*found)
                release(element)
                continue
            post = self._entry(element, kind, link, blog)
            release(element)
            if post is None:
                self.skipped += 1
            elif kind:
                awaiting.keep_post(post)
            else:
                yield post
        if not started:
            self.source = source("atom", plain_title(title), link, notes=self._stream.notes)

    @staticmethod
    def _entry(entry, kind: str, link: str, blog: str) -> ArchivePost | None:
        if kind and kind != "post":
            return None  # Blogger's pages, settings, templates
        if not _live(entry):
            return None
        categories: list[str] = []
        for category in entry.iterfind(f"{ATOM}category"):
            if category.get("scheme") != BLOGGER_KIND:
                categories.append(category.get("label") or category.get("term", ""))
        root = entry.getroottree().getroot()
        based = entry.get(XML_BASE) or root.get(XML_BASE)
        base = web_address(entry.base or "") if based else link
        permalink = text(entry.find(FEEDBURNER_ORIG)).strip()
        if not permalink:
            for alternate in entry.iterfind(f"{ATOM}link"):
                if alternate.get("rel", "alternate") == "alternate" and alternate.get(
                    "type", "text/html"
                ) in ("text/html", ""):
                    permalink = alternate.get("href", "")
                    break
        if not permalink and (filename := text(entry.find(f"{BLOGGER}filename")).strip()):
            permalink = filename
        permalink = _link(permalink, base)
        published = _atom_date(text(entry.find(f"{ATOM}published"))) or _atom_date(
            text(entry.find(f"{ATOM}updated"))
        )
        content = entry.find(f"{ATOM}content")
        summary = entry.find(f"{ATOM}summary")
        # The text lives elsewhere (content src): the summary is what the archive holds.
        excerpt = content is not None and bool(content.get("src")) and summary is not None
        if content is None or content.get("src"):
            content = summary
        title_el = entry.find(f"{ATOM}title")
        title = text(title_el)
        if kind or (title_el is not None and title_el.get("type") in ("html", "xhtml")):
            title = plain_title(title) if not kind else html.unescape(title).strip()
        return ArchivePost(
            title=title.strip() or untitled(published and published.date()),
            slug=_blogger_slug(permalink) if kind else "",
            author=text(entry.find(f"{ATOM}author/{ATOM}name")).strip(),
            published=published,
            permalink=permalink,
            guid=text(entry.find(f"{ATOM}id")).strip(),
            html=_atom_text(content, base),
            is_excerpt=excerpt,
            categories=_topics(categories),
            line=entry.sourceline or 0,
            blog=blog,
        )


def _blogger_kind(entry) -> str:
    """ "post", "comment", "page", ... for an entry of a Blogger export, "" for any other feed."""
    for category in entry.iterfind(f"{ATOM}category"):
        if category.get("scheme") == BLOGGER_KIND:
            return category.get("term", "").removeprefix(BLOGGER_KINDS)
    kind = entry.find(f"{BLOGGER}type")
    return text(kind).strip().lower() if kind is not None else ""


def _blogger_slug(permalink: str) -> str:
    """A Blogger post's own slug: its address's last part, "/2012/02/a-walk.html" -> "a-walk"."""
    name = permalink.rstrip("/").rsplit("/", 1)[-1]
    return unquote(name.removesuffix(".html")) if name.endswith(".html") else ""


def _live(entry) -> bool:
    """Not a draft (legacy `app:draft`), and live (Takeout's `blogger:status`)."""
    for ns in (APP, APP_2007):
        if text(entry.find(f"{ns}control/{ns}draft")).strip().lower() == "yes":
            return False
    status = entry.find(f"{BLOGGER}status")
    if status is not None and text(status).strip().upper() != "LIVE":
        return False
    return not text(entry.find(f"{BLOGGER}trashed")).strip()


def _blogger_comment(entry) -> tuple[str, ArchiveComment] | None:
    """(the id of the post it answers, the comment) for a live Blogger comment."""
    if not _live(entry):
        return None
    post = text(entry.find(f"{BLOGGER}parent")).strip()
    reply = entry.find(THR_REPLY)
    if not post and reply is not None:
        post = reply.get("ref", "").strip()
    if not post:
        return None
    parent = text(entry.find(f"{BLOGGER}inReplyTo")).strip()
    return post, ArchiveComment(
        id=text(entry.find(f"{ATOM}id")).strip(),
        parent=parent,
        author=text(entry.find(f"{ATOM}author/{ATOM}name")).strip()[:200] or "Anonymous",
        published=_atom_date(text(entry.find(f"{ATOM}published"))),
        html=_atom_text(entry.find(f"{ATOM}content")),
    )
