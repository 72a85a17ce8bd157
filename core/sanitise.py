"""The one HTML sanitiser: wiki text and imported archive posts go through the same allowlist.
Pure: no ORM, no database.

`sanitise_html(html)` cleans a fragment with bleach against the named allowlist below and
linkifies bare URLs. The wiki's renderer (wiki.markup) and the archive importer
(posts.importer) both call it, so a tag or attribute is allowed in one exactly when in the other.
"""

from __future__ import annotations

import re
import threading
from functools import partial
from html import unescape as html_unescape

from bleach.linkifier import LinkifyFilter, build_url_re
from bleach.sanitizer import Cleaner

# --- The allowlist ---------------------------------------------------------------------------
# Exactly what our Markdown configuration produces, nothing more. Headings start at h2 because
# the page template owns the single h1.
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "blockquote", "pre", "code",
        "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "b", "i", "sup", "sub",
        "ul", "ol", "li",
        "a", "img",
        "table", "thead", "tbody", "tr", "th", "td",
        "div",
        "figure", "figcaption",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title", "class", "rel"}),
    "img": frozenset({"src", "alt", "title"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
    "ol": frozenset({"start"}),
    "code": frozenset({"class"}),
    "div": frozenset({"class"}),
    "sup": frozenset({"id"}),
    "li": frozenset({"id"}),
    **{f"h{level}": frozenset({"id"}) for level in range(2, 7)},
}

ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Class names are part of the page's styling vocabulary, so users may not pick their own: only
# the ones our extensions emit (plus `language-*` from fenced code) survive.
ALLOWED_CLASSES: dict[str, frozenset[str]] = {
    "a": frozenset({"wikilink", "missing", "footnote-ref", "footnote-backref"}),
    "div": frozenset({"footnote", "toc"}),
}
_CODE_CLASS_RE = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")

# Every id in rendered content carries this prefix, so user text can never produce an id the site
# templates use (no DOM clobbering of page ids); templates must not use ids starting with it.
USER_ID_PREFIX = "md-"
_USER_ID_RE = re.compile(re.escape(USER_ID_PREFIX) + r"[a-z0-9_-]{1,100}")

LINK_REL = "nofollow ugc noopener"


# --- Sanitising ------------------------------------------------------------------------------
_SCHEME_RE = re.compile(r"([a-z][a-z0-9+.-]*):")
# What browsers ignore inside a URL scheme (the same set bleach strips before its own check).
_URL_NOISE_RE = re.compile(r"[`\x00-\x20\x7f-\xa0\s\ufffd]+")


def _scheme(url: str) -> str | None:
    m = _SCHEME_RE.match(_URL_NOISE_RE.sub("", html_unescape(url)).lower())
    return m.group(1) if m else None


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    """Bleach's attribute filter: the allowlist, plus value rules for the risky few. Bleach still
    applies ALLOWED_PROTOCOLS to href/src after this."""
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if name == "class":
        classes = value.split()
        if tag == "code":
            return len(classes) == 1 and bool(_CODE_CLASS_RE.fullmatch(classes[0]))
        return bool(classes) and all(c in ALLOWED_CLASSES.get(tag, ()) for c in classes)
    if name == "id":
        return bool(_USER_ID_RE.fullmatch(value))
    if name == "href":
        # Bleach's own check lets "javascript:1" through (its URL parser reads ":1" as a port).
        return _scheme(value) in (None, *ALLOWED_PROTOCOLS)
    if name == "src":
        # Images only over the web (or relative): no mailto:, no data:.
        return _scheme(value) in (None, "http", "https")
    if name == "align":
        return value in ("left", "right", "center")
    if name == "start":
        return value.isdigit() and len(value) <= 9
    return True


def _mark_user_links(attrs: dict, new: bool = False) -> dict:
    """Linkify callback: links leaving the site say they are user-made and unendorsed."""
    href = attrs.get((None, "href"), "")
    if href.startswith("//") or _scheme(href) is not None:
        attrs[(None, "rel")] = LINK_REL
    return attrs


_LINKIFY_URL_RE = build_url_re(protocols=["http", "https"])
_thread = threading.local()


def _cleaner(linkify: bool = True) -> Cleaner:
    # Bleach cleaners keep parser state: one per thread (and per kind).
    name = "cleaner" if linkify else "plain_cleaner"
    cleaner = getattr(_thread, name, None)
    if cleaner is None:
        filters = [
            partial(
                LinkifyFilter,
                callbacks=[_mark_user_links],
                skip_tags={"pre", "code"},
                parse_email=False,
                url_re=_LINKIFY_URL_RE,
            )
        ]
        cleaner = Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_allow_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=filters if linkify else [],
        )
        setattr(_thread, name, cleaner)
    return cleaner


_A_TAG = re.compile(r"<a\b[^>]*>")
_HREF = re.compile(r'\shref="([^"]*)"')
_REL = re.compile(r'\srel="[^"]*"')


def _mark_leaving_links(html: str) -> str:
    """What the linkify callback does to links, without linkify: a link that leaves the site
    says it is user-made and unendorsed (the sanitiser has written every tag the same way)."""

    def mark(m: re.Match) -> str:
        tag = m.group(0)
        href = _HREF.search(tag)
        if href is None:
            return tag
        url = href.group(1)
        if url.startswith("//") or _scheme(url) is not None:
            return f'{_REL.sub("", tag)[:-1]} rel="{LINK_REL}">'
        return tag

    return _A_TAG.sub(mark, html)


def sanitise_html(html: str, *, linkify: bool = True) -> str:
    """Clean an HTML fragment against the allowlist and linkify it (what `render_markdown` does
    after Markdown; exposed for HTML built elsewhere). `linkify=False` leaves bare addresses as
    text, as WordPress shows a post's own text (a third faster for imported posts); links that
    leave the site are marked all the same."""
    if linkify:
        return _cleaner().clean(html)
    return _mark_leaving_links(_cleaner(linkify=False).clean(html))
