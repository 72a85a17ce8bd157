"""The archive as a WordPress eXtended RSS 1.2 export, written as it is read.

What goes in follows WordPress's own exporter (wp-admin/includes/export.php) and what its
importer's parsers ask of a file (class-wxr-parser-*.php in the WordPress importer): an `rss`
root with the `wp`, `content`, `excerpt`, `dc` and `wfw` namespaces, a channel holding
`wp:wxr_version` 1.2 (their version check is /^\\d+\\.\\d+$/), `wp:base_site_url` and
`wp:base_blog_url`, the authors (`wp:author`) and categories (`wp:category`) before the items,
then one `item` a post. Each element on a line of its own: the importer's fallback parser reads
the file line by line. Text in CDATA, with "]]>" split as WordPress splits it.

A post's topics are its categories (the site has one kind of topic); its comments keep their
threading (`wp:comment_parent`). Nothing private is written: the site keeps no e-mail or IP
address, and the export names none. Posts are read in chunks with their topics and comments
read per chunk, and each item is written and forgotten, so memory stays flat at any size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import slugify
from lxml import etree

from posts.models import Comment, Post, TaggedPost, Topic

WXR_VERSION = "1.2"
WP = f"http://wordpress.org/export/{WXR_VERSION}/"
EXCERPT = f"http://wordpress.org/export/{WXR_VERSION}/excerpt/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
WFW = "http://wellformedweb.org/CommentAPI/"
NSMAP = {"excerpt": EXCERPT, "content": CONTENT, "wfw": WFW, "dc": DC, "wp": WP}
# Posts read per query; each chunk's topics and comments are two more queries.
CHUNK = 500
WP_DATE = "%Y-%m-%d %H:%M:%S"
SITE_TITLE = "bigsoc"


def _cdata(parent, tag: str, value: str) -> None:
    """`<tag><![CDATA[value]]></tag>`; a value holding "]]>" (sanitised HTML escapes it, so
    only a title could) is written as escaped text instead, which every XML parser reads alike."""
    element = etree.SubElement(parent, tag)
    element.text = etree.CDATA(value) if "]]>" not in value else value


def _plain(parent, tag: str, value: str) -> None:
    etree.SubElement(parent, tag).text = value


def author_login(name: str) -> str:
    """A byline's login in the export: its slug ("" for a post without a byline)."""
    return (slugify(name) or "author") if name.strip() else ""


def _post_datetime(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


def _wp_date(when: datetime | None, zone) -> str:
    """WordPress's "2011-03-03 12:00:00" in `zone` (local or GMT); "" for an undated post."""
    return when.astimezone(zone).strftime(WP_DATE) if when else ""


def _item(post: ExportPost, site_url: str, local) -> etree._Element:
    item = etree.Element("item")
    page_url = site_url + post.url
    when = _post_datetime(post.published)
    _plain(item, "title", post.title)
    _plain(item, "link", post.permalink or page_url)
    if when:
        _plain(item, "pubDate", format_datetime(when))
    _cdata(item, f"{{{DC}}}creator", author_login(post.author))
    guid = etree.SubElement(item, "guid", isPermaLink="false")
    guid.text = post.guid or post.permalink or page_url
    _plain(item, "description", "")
    _cdata(item, f"{{{CONTENT}}}encoded", post.body_html)
    _cdata(item, f"{{{EXCERPT}}}encoded", "")
    _plain(item, f"{{{WP}}}post_id", str(post.pk))
    _cdata(item, f"{{{WP}}}post_date", _wp_date(when, local))
    _cdata(item, f"{{{WP}}}post_date_gmt", _wp_date(when, UTC))
    for tag, value in (
        ("comment_status", "closed"),
        ("ping_status", "closed"),
        ("post_name", post.slug),
        ("status", "publish"),
    ):
        _cdata(item, f"{{{WP}}}{tag}", value)
    _plain(item, f"{{{WP}}}post_parent", "0")
    _plain(item, f"{{{WP}}}menu_order", "0")
    _cdata(item, f"{{{WP}}}post_type", "post")
    # A protected post's text was never imported; the mark that it had one goes out again.
    _cdata(item, f"{{{WP}}}post_password", "protected" if post.protected else "")
    _plain(item, f"{{{WP}}}is_sticky", "0")
    for name, slug in post.topics:
        category = etree.SubElement(item, "category", domain="category", nicename=slug)
        category.text = etree.CDATA(name)
    meta = etree.SubElement(item, f"{{{WP}}}postmeta")
    _cdata(meta, f"{{{WP}}}meta_key", "bigsoc_url")
    _cdata(meta, f"{{{WP}}}meta_value", page_url)
    for comment in post.comments:
        _comment(item, comment, local)
    return item


def _comment(item, comment: ExportComment, local) -> None:
    element = etree.SubElement(item, f"{{{WP}}}comment")
    _plain(element, f"{{{WP}}}comment_id", str(comment.number))
    _cdata(element, f"{{{WP}}}comment_author", comment.author)
    _cdata(element, f"{{{WP}}}comment_date", _wp_date(comment.published, local))
    _cdata(element, f"{{{WP}}}comment_date_gmt", _wp_date(comment.published, UTC))
    _cdata(element, f"{{{WP}}}comment_content", comment.body_html)
    _cdata(element, f"{{{WP}}}comment_approved", "1")
    _cdata(element, f"{{{WP}}}comment_type", "comment")
    _plain(element, f"{{{WP}}}comment_parent", str(comment.reply_to or 0))
    _plain(element, f"{{{WP}}}comment_user_id", "0")


def _channel_head(site_url: str, authors: list[str]):
    """The channel's own elements, its authors and its categories, before the first item."""
    head = etree.Element("channel")
    _plain(head, "title", SITE_TITLE)
    _plain(head, "link", site_url + "/")
    _plain(head, "description", "")
    _plain(head, "pubDate", format_datetime(datetime.now(UTC)))
    _plain(head, "language", "en-GB")
    _plain(head, f"{{{WP}}}wxr_version", WXR_VERSION)
    _plain(head, f"{{{WP}}}base_site_url", site_url + "/")
    _plain(head, f"{{{WP}}}base_blog_url", site_url + "/")
    for number, name in enumerate((a for a in authors if a.strip()), start=1):
        author = etree.SubElement(head, f"{{{WP}}}author")
        _plain(author, f"{{{WP}}}author_id", str(number))
        _cdata(author, f"{{{WP}}}author_login", author_login(name))
        _cdata(author, f"{{{WP}}}author_display_name", name)
    used = Exists(TaggedPost.objects.filter(tag=OuterRef("pk")))
    for topic in Topic.objects.filter(used).order_by("pk"):
        category = etree.SubElement(head, f"{{{WP}}}category")
        _plain(category, f"{{{WP}}}term_id", str(topic.pk))
        _cdata(category, f"{{{WP}}}category_nicename", topic.slug)
        _cdata(category, f"{{{WP}}}category_parent", "")
        _cdata(category, f"{{{WP}}}cat_name", topic.name)
        if topic.description:
            _cdata(category, f"{{{WP}}}category_description", topic.description)
    return list(head)


@dataclass
class ExportComment:
    number: int
    reply_to: int | None
    author: str
    published: datetime | None
    body_html: str


@dataclass
class ExportPost:
    pk: int
    title: str
    slug: str
    published: date | None
    author: str
    permalink: str
    guid: str
    protected: bool
    body_html: str
    url: str = ""
    topics: list[tuple[str, str]] = field(default_factory=list)  # (name, slug), A–Z
    comments: list[ExportComment] = field(default_factory=list)


POST_FIELDS = [f.name for f in fields(ExportPost) if f.name not in ("url", "topics", "comments")]


def posts_to_export(since: datetime | None = None):
    """Every post (changed since `since`), oldest id first, as rows of ExportPost's fields."""
    posts = Post.objects.order_by("pk")
    if since is not None:
        posts = posts.filter(updated_at__gte=since)
    return posts


def _batches(posts) -> Iterator[list[ExportPost]]:
    """The posts CHUNK at a time, each batch with its topics and comments: three queries a
    batch, rows as tuples. Model instances for the ~20 topics of every post took two thirds of
    an export's time (cProfile, 2,000 posts)."""
    # reverse() once: the address of every post is the same pattern around its slug.
    pattern = reverse("posts:post_detail", args=["SLUG"])
    batch: list[ExportPost] = []
    for row in posts.values_list(*POST_FIELDS).iterator(chunk_size=CHUNK):
        post = ExportPost(*row)
        post.url = pattern.replace("SLUG", post.slug)
        batch.append(post)
        if len(batch) == CHUNK:
            yield _with_links(batch)
            batch = []
    if batch:
        yield _with_links(batch)


def _with_links(batch: list[ExportPost]) -> list[ExportPost]:
    by_pk = {post.pk: post for post in batch}
    topics = (
        TaggedPost.objects.filter(content_object_id__in=by_pk)
        .order_by(Lower("tag__name"), "tag__name")
        .values_list("content_object_id", "tag__name", "tag__slug")
    )
    for pk, name, slug in topics:
        by_pk[pk].topics.append((name, slug))
    comments = (
        Comment.objects.filter(post_id__in=by_pk)
        .order_by("post_id", "number")
        .values_list("post_id", "number", "reply_to", "author", "published", "body_html")
    )
    for pk, *values in comments:
        by_pk[pk].comments.append(ExportComment(*values))
    return batch


def write_wxr(
    stream,
    *,
    site_url: str,
    since: datetime | None = None,
    step: Callable[[], None] = lambda: None,
) -> int:
    """Write the archive (posts changed since `since`) to the binary `stream`; the post count."""
    site_url = site_url.rstrip("/")
    local = ZoneInfo(settings.TIME_ZONE)
    posts = posts_to_export(since)
    authors = sorted(set(posts.order_by().values_list("author", flat=True).distinct()))
    written = 0
    with etree.xmlfile(stream, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("rss", nsmap=NSMAP, version="2.0"):
            xf.write("\n")
            with xf.element("channel"):
                xf.write("\n")
                for element in _channel_head(site_url, authors):
                    xf.write(element, pretty_print=True)
                for batch in _batches(posts):
                    for post in batch:
                        xf.write(_item(post, site_url, local), pretty_print=True)
                        written += 1
                        step()
            xf.write("\n")
    return written
