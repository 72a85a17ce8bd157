"""Read a WordPress eXtended RSS export (WXR 1.0, 1.1, 1.2) into `ArchivePost` records. Pure.

Only what the author published: `post` items with status `publish`. Drafts, pending, private,
future, trashed and auto-draft posts, revisions, attachments, menu items and pages are skipped
(pages are a site's furniture -- "About", "Contact" -- not posts of its archive). A
password-protected post keeps its title and date; its text is never read. Comments: approved
ones only (`comment_approved` 1, no pingbacks or trackbacks), with author name, date and text,
never the e-mail or IP address. Categories carry their parents (from the export's
`wp:category` list, which WordPress writes before the items); "Uncategorized" and post formats
are not topics.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import unquote

from importer.readers.gallery import Images, galleries
from importer.readers.records import (
    ArchiveComment,
    ArchivePost,
    ArchiveSource,
    blog_scope,
    untitled,
    web_address,
)
from importer.readers.xmlstream import (
    CountedReader,
    CountingStream,
    iterparse,
    release,
    source,
    text,
)

WP_VERSIONS = ("1.0", "1.1", "1.2")
# The wp namespace is found by its binding: WordPress writes http://wordpress.org/export/1.N/,
# some exports https://, and a version this reader does not know is read as the nearest known.
_WP_BINDING = re.compile(
    rb"""xmlns:([A-Za-z_][\w.-]*)\s*=\s*["'](https?://wordpress\.org/export/(\d+)\.(\d+)/?)["']"""
)
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
IGNORED_CATEGORIES = {"uncategorized", "uncategorised"}
COMMENT_TYPES = {"", "comment"}


def wxr_date(value: str) -> datetime | None:
    """A WordPress GMT date ("2011-03-03 12:00:00"); None for "0000-00-00 00:00:00" or junk."""
    value = value.strip()
    if not value or value.startswith("0000"):
        return None
    # WordPress's own shape is read by `fromisoformat`, which is quick (strptime, which also
    # takes unpadded numbers, took a tenth of an export's reading).
    if len(value) >= 19 and value[10] == " " and value[4] == value[7] == "-":
        try:
            return datetime.fromisoformat(value[:19]).replace(tzinfo=UTC)
        except ValueError:
            pass
    try:
        return datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def local_date(local: str, gmt: str) -> datetime | None:
    """A WordPress post's date as the blog showed it: `wp:post_date` (its local time) in the
    offset it then had from `wp:post_date_gmt` (the instant). Either alone is taken as it is."""
    when = wxr_date(local)
    if local == gmt:
        return when  # a blog in UTC
    instant = wxr_date(gmt)
    if when is None or instant is None:
        return instant or when
    minutes = round((when - instant).total_seconds() / 60)
    if abs(minutes) > 14 * 60:  # no place is that far from UTC: the two disagree
        return instant
    return when.replace(tzinfo=_offset(minutes))


@functools.cache
def _offset(minutes: int) -> timezone:
    return timezone(timedelta(minutes=minutes))


def rss_date(value: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class WXRReader(CountedReader):
    """`for post in WXRReader(stream)`; `source` is known once the first post is yielded."""

    def __init__(self, stream: CountingStream):
        self._stream = stream
        self.source = ArchiveSource(kind="wxr")
        self.skipped = 0  # items that are not published posts
        self.images = Images()  # for [gallery]: the attachments met so far, or all of them

    def __iter__(self) -> Iterator[ArchivePost]:
        uri, version, note = wp_namespace(self._stream.peek())
        ns = f"{{{uri}}}"
        notes = [*self._stream.notes, *([note] if note else [])]
        authors: dict[str, str] = {}
        categories: dict[str, tuple[str, str]] = {}  # nicename -> (name, parent nicename)
        names: dict[str, str] = {}  # name -> nicename, for items that carry no nicename
        title = link = blog = ""
        started = False
        language = ""
        tags = ("item", "title", "link", "language", f"{ns}author", f"{ns}category")
        for element in iterparse(self._stream, tags):
            tag = element.tag
            parent = element.getparent()
            if tag == "item":
                if not started:
                    started = True
                    self.source = source("wxr", title, link, version, notes, language)
                    blog = blog_scope(link, title)
                post = self._item(element, ns, authors, categories, names, blog)
                release(element)
                if post is None:
                    self.skipped += 1
                else:
                    yield post
                continue
            if parent is None or parent.tag != "channel":
                continue  # an item's own title or link: read with the item
            if tag == "title":
                title = text(element)
            elif tag == "link":
                link = text(element)
            elif tag == "language":
                language = text(element)
            elif tag == f"{ns}author":
                login = text(element.find(f"{ns}author_login"))
                name = text(element.find(f"{ns}author_display_name")) or login
                authors[login] = name.strip()
                release(element)
            elif tag == f"{ns}category":
                nicename = text(element.find(f"{ns}category_nicename")).strip()
                name = text(element.find(f"{ns}cat_name")).strip()
                parent_nicename = text(element.find(f"{ns}category_parent")).strip()
                categories[nicename] = (name, parent_nicename)
                names.setdefault(name, nicename)
                release(element)
        if not started:
            self.source = source("wxr", title, link, version, notes, language)

    def _attachment(self, item, fields: dict[str, str], ns: str) -> None:
        excerpt = next((v for k, v in fields.items() if k.endswith("/excerpt/}encoded")), "")
        # The image's words: its alternative text (a postmeta, as gallery_shortcode's <img>
        # has it), else its title.
        alt = next(
            (
                text(meta.find(f"{ns}meta_value"))
                for meta in item.iterfind(f"{ns}postmeta")
                if text(meta.find(f"{ns}meta_key")).strip() == "_wp_attachment_image_alt"
            ),
            "",
        )
        self.images.add(
            fields.get(f"{ns}post_id", "").strip(),
            fields.get(f"{ns}post_parent", "").strip(),
            web_address(fields.get(f"{ns}attachment_url", "") or fields.get("guid", "")),
            excerpt,
            fields.get(f"{ns}menu_order", ""),
            alt.strip() or fields.get("title", "").strip(),
        )

    def _all_images(self, ns: str) -> None:
        """Every image attachment of the file, read in a light pass of its own: a gallery's
        images often come after their post. Only attachment items are looked into, and only
        their few fields kept; the reading this pass interrupts goes on where it was."""
        with self._stream.again() as stream:
            if stream is None:
                return
            post_type = f"{ns}post_type"
            for item in iterparse(stream, ("item",)):
                if text(item.find(post_type)).strip() == "attachment":
                    self._attachment(item, {child.tag: child.text or "" for child in item}, ns)
                release(item)
        self.images.complete = True

    def _item(self, item, ns, authors, categories, names, blog) -> ArchivePost | None:
        fields: dict[str, str] = {}
        item_categories: list[tuple[str, str, str]] = []
        comments: list[ArchiveComment] = []
        for child in item:
            tag = child.tag
            if tag == "category":
                item_categories.append(
                    (child.get("domain", "category"), child.get("nicename", ""), text(child))
                )
            elif tag == f"{ns}comment":
                comment = _comment(child, ns)
                if comment is not None:
                    comments.append(comment)
            elif tag == f"{ns}postmeta":
                continue
            else:
                fields[tag] = child.text or ""
        post_type = fields.get(f"{ns}post_type", "post")
        if post_type == "attachment" and not self.images.complete:
            self._attachment(item, fields, ns)
        if post_type != "post":
            return None
        if fields.get(f"{ns}status", "publish") != "publish":
            return None
        published = local_date(
            fields.get(f"{ns}post_date", ""), fields.get(f"{ns}post_date_gmt", "")
        ) or rss_date(fields.get("pubDate", ""))
        protected = bool(fields.get(f"{ns}post_password", "").strip())
        login = fields.get(DC_CREATOR, "").strip()
        topics, tags = _topics(item_categories, categories, names)
        body = "" if protected else fields.get(CONTENT, "")
        post_id = fields.get(f"{ns}post_id", "").strip()
        if "[gallery" in body:
            if self.images.needs_more(body):
                self._all_images(ns)
            body = galleries(body, post_id, web_address(fields.get("link", "")), self.images)
        slug = fields.get(f"{ns}post_name", "").strip()
        if "%" in slug:
            slug = unquote(slug)  # WordPress stores a non-Latin slug percent-encoded
        return ArchivePost(
            title=fields.get("title", "").strip() or untitled(published and published.date()),
            slug=slug,
            author=authors.get(login, login),
            published=published,
            permalink=web_address(fields.get("link", "")),
            guid=fields.get("guid", "").strip(),
            wp_id=post_id,
            html=body,
            categories=topics,
            tags=tags,
            comments=() if protected else tuple(comments),
            protected=protected,
            line=item.sourceline or 0,
            blog=blog,
        )


def wp_namespace(head: bytes) -> tuple[str, str, str]:
    """(the wp namespace's URI, the WXR version it is read as, a note or "") from the file's
    first bytes: the URI bound to `wp`, else any prefix bound to a WordPress export URI."""
    found = sorted(_WP_BINDING.finditer(head), key=lambda m: m.group(1) != b"wp")
    if not found:
        return f"http://wordpress.org/export/{WP_VERSIONS[-1]}/", WP_VERSIONS[-1], ""
    m = found[0]
    uri = m.group(2).decode()
    said = f"{int(m.group(3))}.{int(m.group(4))}"
    if said in WP_VERSIONS:
        return uri, said, ""
    number = int(m.group(3)) * 1000 + int(m.group(4))
    nearest = min(WP_VERSIONS, key=lambda v: abs(number - int(v[0]) * 1000 - int(v[2:])))
    return uri, nearest, f"WordPress export version {said} read as {nearest}, the nearest known"


def _comment(element, ns) -> ArchiveComment | None:
    fields = {child.tag: child.text or "" for child in element}
    if fields.get(f"{ns}comment_approved", "").strip() != "1":
        return None
    if fields.get(f"{ns}comment_type", "").strip() not in COMMENT_TYPES:
        return None
    parent = fields.get(f"{ns}comment_parent", "").strip()
    return ArchiveComment(
        id=fields.get(f"{ns}comment_id", "").strip(),
        parent="" if parent in ("", "0") else parent,
        author=html.unescape(fields.get(f"{ns}comment_author", "")).strip()[:200] or "Anonymous",
        published=wxr_date(fields.get(f"{ns}comment_date_gmt", ""))
        or wxr_date(fields.get(f"{ns}comment_date", "")),
        html=fields.get(f"{ns}comment_content", ""),
    )


def _topics(item_categories, categories, names) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(categories with their parents, outermost first; tags). Post formats are not topics."""
    found: list[str] = []
    tags: list[str] = []
    for domain, nicename, name in item_categories:
        name = name.strip()
        if domain == "post_tag":
            tags.append(name)
            continue
        if domain != "category":
            continue  # post_format and custom taxonomies
        chain = []
        key = nicename or names.get(name, "")
        seen = set()
        while key in categories and key not in seen:
            seen.add(key)
            parent_name, parent_key = categories[key]
            chain.append(parent_name)
            key = parent_key
        if not chain:
            chain = [name]
        found.extend(reversed(chain))
    keep = [c for c in dict.fromkeys(found) if c and c.casefold() not in IGNORED_CATEGORIES]
    return tuple(keep), tuple(t for t in dict.fromkeys(tags) if t)
