"""The wiki as a MediaWiki XML dump (export-0.11), every page with its full history, written
as it is read.

The shape is MediaWiki's docs/export-0.11.xsd: `<mediawiki version="0.11" xml:lang>`, a
`<siteinfo>`, then one `<page>` each (title, ns, id, optional `<redirect title>`) holding its
`<revision>`s in order (id, parentid, timestamp, contributor, minor, comment, model, format,
text, sha1). Revision text is Markdown, so `<model>markdown</model>` and
`<format>text/markdown</format>`; `sha1` is MediaWiki's: the SHA-1 of the text in base 36.

What the site holds beyond pages goes where MediaWiki keeps it:
- a moved page's old slug is a redirect page (`<redirect title="New title"/>`, its one revision
  "#REDIRECT [[New title]]");
- a talk page (of a page or a topic) is `Talk:<title>` in namespace 1, one revision per visible
  comment in order, its comment field MediaWiki's section summary: "/* Thread */ new section"
  opens a thread, "/* Thread */ reply" answers the newest thread of that title.
Deleted pages and hidden comments stay out, as MediaWiki's public dumps leave them out. Ids of
pages and revisions the site does not number (redirects, talk) follow the largest real ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple

from django.db.models import Max, Q
from lxml import etree

from community.models import TalkComment
from wiki.models import Page, PageRedirect, Revision

MW = "http://www.mediawiki.org/xml/export-0.11/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SCHEMA_LOCATION = f"{MW} http://www.mediawiki.org/xml/export-0.11.xsd"
MODEL, FORMAT = "markdown", "text/markdown"
TALK_NS, TALK_PREFIX = 1, "Talk:"
NEW_SECTION, REPLY = "new section", "reply"
# Revisions read per round trip, in page order: memory stays the same however long a page's
# history is (reading fifty pages with all their revisions grew with it; docs/dumps.md).
CHUNK = 500
# A revision's columns, as tuples: the page's id and title, then what `<revision>` shows.
REVISION_FIELDS = (
    "page_id", "page__title", "pk", "parent_id", "created_at", "author_id",
    "author__username", "minor", "summary", "text",
)  # fmt: skip


def mediawiki_sha1(text: str) -> str:
    """MediaWiki's `sha1`: the SHA-1 of the UTF-8 text as a base-36 number, 31 digits."""
    number = int(hashlib.sha1(text.encode()).hexdigest(), 16)
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
    return digits.rjust(31, "0")


def _timestamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, f"{{{MW}}}{tag}", **attrs)
    if text is not None:
        element.text = text
    return element


def _revision(page_element, *, rev_id, parent_id, when, author, minor, comment, text) -> None:
    revision = _add(page_element, "revision")
    _add(revision, "id", str(rev_id))
    if parent_id:
        _add(revision, "parentid", str(parent_id))
    _add(revision, "timestamp", _timestamp(when))
    contributor = _add(revision, "contributor")
    if author is not None:  # none: the system (an importer) wrote it
        _add(contributor, "username", author.username)
        _add(contributor, "id", str(author.pk))
    if minor:
        _add(revision, "minor")
    if comment:
        _add(revision, "comment", comment)
    _add(revision, "model", MODEL)
    _add(revision, "format", FORMAT)
    _add(
        revision, "text", text, bytes=str(len(text.encode())), **{f"{{{XML_NS}}}space": "preserve"}
    )
    _add(revision, "sha1", mediawiki_sha1(text))


class Contributor(NamedTuple):
    pk: int
    username: str


def _page(title: str, ns: int, page_id: int, redirect: str | None = None) -> etree._Element:
    element = etree.Element(f"{{{MW}}}page", nsmap={None: MW})
    _add(element, "title", title)
    _add(element, "ns", str(ns))
    _add(element, "id", str(page_id))
    if redirect:
        _add(element, "redirect", title=redirect)
    return element


class _Ids:
    """Ids for what the site does not number itself, after the largest real ones."""

    def __init__(self):
        self.page = Page.objects.aggregate(n=Max("pk"))["n"] or 0
        self.revision = Revision.objects.aggregate(n=Max("pk"))["n"] or 0

    def next_page(self) -> int:
        self.page += 1
        return self.page

    def next_revision(self) -> int:
        self.revision += 1
        return self.revision


def pages_to_export(since: datetime | None = None):
    """The live pages (those with a revision since `since`): the count the progress shows."""
    pages = Page.objects.live()
    if since is not None:
        pages = pages.filter(revisions__created_at__gte=since).distinct()
    return pages


def revisions_to_export(since: datetime | None = None):
    """Every revision of a live page (made since `since`), page by page and in order within a
    page, as tuples of REVISION_FIELDS."""
    revisions = Revision.objects.filter(page__is_deleted=False)
    if since is not None:
        revisions = revisions.filter(created_at__gte=since)
    return revisions.order_by("page_id", "number").values_list(*REVISION_FIELDS)


def _siteinfo(xf, site_url: str) -> None:
    info = etree.Element(f"{{{MW}}}siteinfo", nsmap={None: MW})
    _add(info, "sitename", "bigsoc")
    _add(info, "dbname", "bigsoc")
    _add(info, "base", site_url + "/wiki/")
    _add(info, "generator", "bigsoc export_wiki")
    # Titles are matched by their folded key (core.text.fold): neither case nor accents count.
    _add(info, "case", "case-insensitive")
    namespaces = _add(info, "namespaces")
    _add(namespaces, "namespace", "", key="0", case="case-insensitive")
    _add(namespaces, "namespace", "Talk", key=str(TALK_NS), case="case-insensitive")
    _add(info, "namespacealiases")
    xf.write(info, pretty_print=True)


class _Writer:
    """`write(element)`: one element out as UTF-8 on lines of its own."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, element, pretty_print: bool = True) -> None:
        self._stream.write(etree.tostring(element, encoding="utf-8", pretty_print=pretty_print))


def write_dump(
    stream,
    *,
    site_url: str,
    since: datetime | None = None,
    step: Callable[[], None] = lambda: None,
) -> int:
    """Write the wiki (what changed since `since`) to the binary `stream`; pages written."""
    ids = _Ids()
    written = 0
    # The root's tags by hand: lxml's incremental writer gives xml:lang a made-up prefix, which
    # no parser accepts. Each page is then one element serialised and forgotten.
    stream.write(
        b"<?xml version='1.0' encoding='utf-8'?>\n"
        + (
            f'<mediawiki xmlns="{MW}" xmlns:xsi="{XSI}" xsi:schemaLocation="{SCHEMA_LOCATION}"'
            ' version="0.11" xml:lang="en">\n'
        ).encode()
    )
    xf = _Writer(stream)
    _siteinfo(xf, site_url.rstrip("/"))
    # A page's `<page>` is opened, its revisions written one by one, then closed: never a
    # whole history in memory.
    current = None
    for row in revisions_to_export(since).iterator(chunk_size=CHUNK):
        page_id, title, rev_id, parent_id, when, author_id, username, minor, summary, text = row
        if page_id != current:
            if current is not None:
                stream.write(b"</page>\n")
                written += 1
                step()
            current = page_id
            opening = etree.tostring(_page(title, 0, page_id), encoding="utf-8", pretty_print=True)
            stream.write(opening.removesuffix(b"</page>\n"))
        holder = etree.Element(f"{{{MW}}}page", nsmap={None: MW})
        _revision(
            holder,
            rev_id=rev_id,
            parent_id=parent_id,
            when=when,
            author=Contributor(author_id, username) if author_id else None,
            minor=minor,
            comment=summary,
            text=text,
        )
        xf.write(holder[0])
    if current is not None:
        stream.write(b"</page>\n")
        written += 1
        step()
    written += _write_redirects(xf, ids, since)
    written += _write_talk(xf, ids, since)
    stream.write(b"</mediawiki>\n")
    return written


def _write_redirects(xf, ids: _Ids, since) -> int:
    moved = PageRedirect.objects.filter(page__is_deleted=False).select_related("page")
    if since is not None:
        moved = moved.filter(created_at__gte=since)
    count = 0
    for redirect in moved.order_by("pk").iterator(chunk_size=500):
        target = redirect.page.title
        element = _page(redirect.old_slug, 0, ids.next_page(), redirect=target)
        _revision(
            element,
            rev_id=ids.next_revision(),
            parent_id=None,
            when=redirect.created_at,
            author=None,
            minor=False,
            comment=f"moved to [[{target}]]",
            text=f"#REDIRECT [[{target}]]",
        )
        xf.write(element, pretty_print=True)
        count += 1
    return count


def _write_talk(xf, ids: _Ids, since) -> int:
    """One `Talk:` page per page or topic with visible comments, a revision per comment."""
    comments = (
        TalkComment.objects.filter(hidden_by__isnull=True)
        .filter(Q(thread__page__isnull=True) | Q(thread__page__is_deleted=False))
        .select_related("author", "thread", "thread__page", "thread__topic")
        .defer(
            "html", "thread__page__html", "thread__page__toc_html", "thread__page__search_vector"
        )
        .order_by("thread__page_id", "thread__topic_id", "created_at", "id")
    )
    if since is not None:
        comments = comments.filter(created_at__gte=since)
    count = 0
    element, target, parent_id, opened = None, None, None, set()
    for comment in comments.iterator(chunk_size=500):
        thread = comment.thread
        about = (thread.page_id, thread.topic_id)
        if about != target:
            if element is not None:
                xf.write(element, pretty_print=True)
                count += 1
            target, parent_id, opened = about, None, set()
            title = thread.topic.name if thread.topic_id else thread.page.title
            element = _page(TALK_PREFIX + title, TALK_NS, ids.next_page())
        kind = REPLY if thread.pk in opened else NEW_SECTION
        opened.add(thread.pk)
        rev_id = ids.next_revision()
        _revision(
            element,
            rev_id=rev_id,
            parent_id=parent_id,
            when=comment.created_at,
            author=comment.author,
            minor=False,
            comment=f"/* {thread.title} */ {kind}",
            text=comment.text,
        )
        parent_id = rev_id
    if element is not None:
        xf.write(element, pretty_print=True)
        count += 1
    return count
