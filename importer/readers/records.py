"""The one record every reader yields, whatever the archive's format. Pure: no Django."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from core.text import clean_name

# Part of every post's checksum: bump it when what is made of the same record changes (the body's
# preparation, its words), so the next import rewrites posts whose source did not change.
# 2: <script>/<style> dropped with their code; a figure's caption a paragraph of its own.
# 3: the local date and time, the source ID and slug stored; feeds' relative links resolved.
# 4: players as cards, code shortcodes as code, one figure per image, dir="auto" per block.
# 5: galleries from attachments anywhere in the export; a feed's WordPress guid as source ID.
PREPARE_RULES = "5"


@dataclass(frozen=True, slots=True)
class ArchiveComment:
    """An approved comment. Never the author's e-mail or IP address: readers do not keep them."""

    id: str
    parent: str  # the id of the comment it answers, "" for a top-level one
    author: str
    published: datetime | None
    html: str  # as written; sanitised by the loader


@dataclass(frozen=True, slots=True)
class ArchivePost:
    """One published post of an archive.

    `html` is the body as the archive holds it (WordPress's stored text, a feed's HTML), made safe
    by the loader; it is "" for a password-protected post (`protected`), whose text is never
    read. `readers.links.link_keys(post)` gives the addresses other posts of the archive may
    link it by (permalink, guid, `?p=ID`, the `/yyyy/mm/dd/slug/` path)."""

    title: str
    slug: str = ""  # the blog's own slug (wp:post_name), used in link keys
    author: str = ""  # the display name for the byline
    published: datetime | date | None = None
    permalink: str = ""
    guid: str = ""
    wp_id: str = ""
    html: str = ""
    # The body as plain text, when the archive holds it so (a listing; `Post.body`); readers of
    # HTML leave it "" and the body's text is taken from `html` when it is prepared.
    text: str = ""
    excerpt: str = ""
    categories: tuple[str, ...] = ()  # with their parents, outermost first
    tags: tuple[str, ...] = ()
    comments: tuple[ArchiveComment, ...] = ()
    protected: bool = False
    line: int = 0
    is_excerpt: bool = False  # `html` is only a summary; the whole text lives elsewhere
    blog: str = ""  # the blog it belongs to (`blog_scope`): identity is scoped to it

    def __post_init__(self):
        # Every reader's names pass here: a line break or control character in a byline or a
        # topic is made a space, as in a wiki title (core.text.clean_name).
        object.__setattr__(self, "author", clean_name(self.author))
        object.__setattr__(
            self, "categories", tuple(filter(None, map(clean_name, self.categories)))
        )
        object.__setattr__(self, "tags", tuple(filter(None, map(clean_name, self.tags))))

    @property
    def day(self) -> date | None:
        if isinstance(self.published, datetime):
            return self.published.date()
        return self.published

    @property
    def source_id(self) -> int | None:
        """The WordPress post ID, for the old `?p=N` address: the export's, else the one in a
        feed item's guid when it has WordPress's form (`http://blog/?p=N`, the guid WordPress
        gives every post) on the post's own host. Not part of a feed post's identity."""
        wp_id = self.wp_id or _guid_post_id(self.guid, self.permalink)
        return int(wp_id) if wp_id.isdigit() and len(wp_id) < 19 else None

    @property
    def identity(self) -> str:
        """What makes this post the same post across files: its guid (else permalink) on its
        blog, and inside a WordPress export its post ID (cloned sites repeat guids). Written
        as the guid with the rest as a fragment, so it still reads as the guid's address."""
        base = self.guid or self.permalink or (f"wp-post:{self.wp_id}" if self.wp_id else "")
        if not base:
            return ""
        scope = "&".join(
            part
            for part in (
                f"wp={self.wp_id}" if self.wp_id else "",
                f"blog={self.blog}" if self.blog else "",
            )
            if part
        )
        return f"{base}#{scope}" if scope else base

    def checksum(self) -> str:
        """Hash of everything the archive says about this post, to spot changed posts."""
        parts = [
            PREPARE_RULES,
            self.title,
            self.author,
            str(self.published or ""),
            self.permalink,
            self.html,
            "\x1e".join(self.categories),
            "\x1e".join(self.tags),
            str(self.protected),
            "excerpt" if self.is_excerpt else "",
            *(
                "\x1d".join((c.id, c.parent, c.author, str(c.published or ""), c.html))
                for c in self.comments
            ),
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


_WORDPRESS_GUID = re.compile(r"https?://([^/?#]+)/?[^?#]*\?p=(\d+)", re.I)


def _guid_post_id(guid: str, permalink: str) -> str:
    m = _WORDPRESS_GUID.fullmatch(guid.strip())
    if m is None:
        return ""
    host = urlsplit(permalink).hostname if permalink else None
    return m.group(2) if host is None or host == m.group(1).lower() else ""


@dataclass(frozen=True, slots=True)
class ArchiveSource:
    """Where an archive came from: the blog's name and address (known once its head is read)."""

    kind: str  # "listing", "wxr", "rss", "atom"
    title: str = ""
    link: str = ""
    version: str = ""  # WXR 1.0 / 1.1 / 1.2
    notes: tuple[str, ...] = ()  # what the reader had to read leniently, for the report
    language: str = ""  # a language tag ("fa-IR"), "" when the archive names none


def untitled(day: date | None) -> str:
    """The readable title of a post whose archive gives it none: "Untitled post, 3 March 2011"."""
    if day is None:
        return "Untitled post"
    return f"Untitled post, {day.day} {day:%B %Y}"


def web_address(url: str) -> str:
    """`url` when it is an http(s) address, else "": imported addresses are shown as links, and
    a `javascript:` one must never reach a page."""
    url = url.strip()
    return url if url[:8].lower().startswith(("http://", "https://")) else ""


_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,4}")


def language_tag(value: str) -> str:
    """A language tag as `lang` takes it ("en_US" -> "en-US"), "" for anything else."""
    value = value.strip().replace("_", "-")
    return value if _LANGUAGE.fullmatch(value) else ""


# Addresses that name a machine, not a blog: two blogs tried out on "localhost" are still two.
_LOCAL_HOST = re.compile(
    r"^(?:localhost|127\.[\d.]+|0\.0\.0\.0|::1|10\.[\d.]+|192\.168\.[\d.]+)$"
    r"|\.(?:local|localhost|test|invalid|example|internal|lan)$"
)


def blog_scope(link: str, title: str) -> str:
    """The blog a post belongs to, as part of its identity: its address (host without "www."
    and path), with its title too when the address is a local machine's or missing."""
    try:
        parts = urlsplit(link.strip())
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:
        host, parts = "", None
    address = f"{host}{parts.path.rstrip('/')}" if host and parts else ""
    if address and not _LOCAL_HOST.search(host):
        return address
    name = " ".join(title.split()).casefold()
    return f"{address}|{name}" if address or name else ""
