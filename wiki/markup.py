"""The wiki's one Markdown renderer and sanitiser. Pure: no ORM, no database.

Source text goes through Python-Markdown (tables, fenced code, footnotes, a table of contents, sane
lists and `[[wiki links]]`), then through bleach against the explicit allowlist of
`core.sanitise`, with linkify. Raw HTML in the source is never passed through: Markdown shows
it as escaped text, and bleach is the second line of defence should any extension ever emit
something unexpected.

One Markdown pass per render: wiki links are collected while the text is parsed, and once the
tree is complete the caller's resolver answers all of them at once (a `prefetch(links)` batch,
then one call per distinct link), so a save looks its links up in one go without a second pass
over the text. This module never touches the database: the resolver does (`wiki.links`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import cache, lru_cache
from html import unescape as html_unescape
from typing import Protocol

import markdown
from django.utils.html import escape
from markdown.extensions import Extension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension, TableProcessor
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.serializers import to_html_string
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from core.sanitise import (  # noqa: F401 (the allowlist is part of this module's contract)
    ALLOWED_ATTRIBUTES,
    ALLOWED_CLASSES,
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    LINK_REL,
    USER_ID_PREFIX,
    sanitise_html,
)
from core.text import ascii_slug, fold, title_slug
from wiki import budget

_MAX_ID_SLUG = 80

MISSING_PAGE_TITLE = "Page does not exist yet \N{EM DASH} create it"
MISSING_POST_TITLE = "No archive post with this address"
TOC_MIN_HEADINGS = 3
MAX_TITLE_LENGTH = 255
MAX_LINK_SCAN = 1000  # characters Markdown looks ahead for the end of a link's text or URL

# C0 controls (bar tab and newlines) and DEL. Python-Markdown uses \x02/\x03 as its own
# placeholder delimiters, so user text must not carry them.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- Wiki links ------------------------------------------------------------------------------
@dataclass(frozen=True)
class WikiLink:
    # "page" for [[Title]] / [[Title|label]], "post" for [[post:slug]] / [[post:slug|label]]
    kind: str
    target: str  # page: the title as written, whitespace-normalised; post: the slug
    label: str  # text shown (defaults to the target title; for posts to the slug)

    @property
    def key(self) -> tuple[str, str]:
        """What makes two links the same: (kind, fold(title)) for pages, (kind, slug) for
        posts."""
        return (self.kind, self.target if self.kind == "post" else fold(self.target))


@dataclass(frozen=True)
class ResolvedLink:
    url: str
    exists: bool  # False => rendered as a "missing" link (class="wikilink missing")
    title: str = ""  # optional tooltip text (e.g. the real post title)


@dataclass(frozen=True)
class Rendered:
    html: str  # sanitised, safe to mark_safe and store
    links: tuple[WikiLink, ...]  # every [[...]] link found, in order, de-duplicated by WikiLink.key
    toc_html: str = ""  # sanitised table of contents when the page has >= 3 headings, else ""


class Resolver(Protocol):
    """Answers a wiki link: its URL, whether its target exists, a tooltip.

    A resolver may also have `prefetch(links)`: the renderer calls it once with every distinct
    link of the text, in order, before it asks about any one, so a batch resolver
    (`wiki.links.LinkResolver`) looks them all up in a fixed number of queries.
    """

    def __call__(self, link: WikiLink) -> ResolvedLink: ...


_Found = dict[int, tuple[etree.Element, WikiLink]]  # wiki-link <a> elements by id()

# `[[target]]` or `[[target|label]]`, on one line, no brackets inside.
_WIKILINK_RE = r"\[\[([^\[\]|\n]+)(?:\|([^\[\]\n]*))?\]\]"
_WIKILINK_COMPILED = re.compile(_WIKILINK_RE)
_POST_PREFIX_RE = re.compile(r"post\s*:\s*(.*)", re.IGNORECASE | re.DOTALL)
_POST_SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,255}")
# As in MediaWiki: characters that cannot be part of a page title ("#" would name a section,
# which we do not support). A "link" with them stays text.
_TITLE_FORBIDDEN_RE = re.compile(r"[#<>{}\[\]|]")


def parse_wikilink(target: str, label: str | None = None) -> WikiLink | None:
    """The WikiLink for the parts of `[[target|label]]`, or None when it is not a valid link
    (bad post slug, forbidden title characters, a title with no slug); those stay plain text."""
    target = " ".join(target.split())
    label = " ".join((label or "").split())
    post = _POST_PREFIX_RE.fullmatch(target)
    if post:
        slug = post.group(1)
        if not _POST_SLUG_RE.fullmatch(slug):
            return None
        return WikiLink(kind="post", target=slug, label=label or slug)
    if len(target) > MAX_TITLE_LENGTH or _TITLE_FORBIDDEN_RE.search(target):
        return None
    if not title_slug(target):
        return None
    return WikiLink(kind="page", target=target, label=label or target)


def default_resolve(link: WikiLink) -> ResolvedLink:
    """Resolution without a database: pages exist at /wiki/<slug>/, posts at /posts/<slug>/."""
    if link.kind == "post":
        return ResolvedLink(url=f"/posts/{link.target}/", exists=True)
    return ResolvedLink(url=f"/wiki/{title_slug(link.target)}/", exists=True)


class _WikiLinkInline(InlineProcessor):
    """Turns `[[...]]` into an empty <a>; `_FinishTree` resolves it once the tree is complete."""

    def __init__(self, pattern: str, md: markdown.Markdown, found: _Found):
        super().__init__(pattern, md)
        self.found = found

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's API name
        link = parse_wikilink(m.group(1), m.group(2))
        if link is None:
            return None, None, None
        el = etree.Element("a")
        # AtomicString: the label is shown as typed, never parsed as Markdown or HTML.
        el.text = AtomicString(link.label)
        # Keep the element itself: an id() alone could be reused by a later element.
        self.found[id(el)] = (el, link)
        return el, m.start(0), m.end(0)


class _FinishTree(Treeprocessor):
    """After inline processing, before the toc: prefix and tidy ids, and resolve wiki links in
    document order (so `Rendered.links` follows the text, footnotes last)."""

    def __init__(self, md, found: _Found, resolve: Resolver | None):
        super().__init__(md)
        self.found = found
        self.resolve = resolve
        self.links: list[WikiLink] = []
        self.elements = 0

    def run(self, root):
        self._prefix_ids(root)
        self.elements = sum(1 for _ in root.iter())
        found = []
        for el in root.iter("a"):
            el_and_link = self.found.get(id(el))
            if el_and_link is not None and el_and_link[0] is el:
                found.append(el_and_link)
        distinct: dict[tuple[str, str], WikiLink] = {}
        for _el, link in found:
            distinct.setdefault(link.key, link)
        self.links = list(distinct.values())
        if self.resolve is None:
            return
        prefetch = getattr(self.resolve, "prefetch", None)
        if prefetch is not None:
            prefetch(self.links)
        resolved = {key: self.resolve(link) for key, link in distinct.items()}
        for el, link in found:
            _apply_resolution(el, link, resolved[link.key])

    def _prefix_ids(self, root) -> None:
        # Footnote ids come from user labels (`[^label]` -> "fn:label"); rewrite them into the
        # user-id namespace and follow the in-page links that point at them.
        renamed: dict[str, str] = {}
        used: set[str] = set()
        for el in root.iter():
            old = el.get("id")
            if old is None:
                continue
            new = _unique_id(ascii_slug(old.replace(":", "-")), used)
            renamed[old] = new
            el.set("id", new)
        for el in root.iter("a"):
            href = el.get("href", "")
            # Footnotes store some fragments entity-escaped ("#fnref:&lt;b&gt;").
            fragment = html_unescape(href[1:])
            if href.startswith("#") and fragment in renamed:
                el.set("href", "#" + renamed[fragment])


def _unique_id(slug: str, used: set[str]) -> str:
    base = USER_ID_PREFIX + (slug[:_MAX_ID_SLUG].strip("-_") or "section")
    candidate, n = base, 1
    while candidate in used:
        candidate = f"{base}-{n}"
        n += 1
    used.add(candidate)
    return candidate


def _heading_id(value: str, separator: str) -> str:
    # toc's own `unique()` adds "_1", "_2" for repeats and avoids the footnote ids.
    return USER_ID_PREFIX + (ascii_slug(value)[:_MAX_ID_SLUG].strip("-_") or "section")


@lru_cache(maxsize=1024)
def link_opening_tag(resolved: ResolvedLink, kind: str = "page") -> str:
    """The `<a …>` a wiki link resolved so has in rendered, sanitised HTML, exactly: what
    `wiki.links` swaps when a link's target appears, instead of rendering the page again.
    Kept per process: creating a page asks for the same few tags again and again."""
    el = etree.Element("a")
    el.text = "x"
    _apply_resolution(el, WikiLink(kind=kind, target="x", label="x"), resolved)
    # Markdown's own serialiser: the same attribute order. In a paragraph, as in a page: the
    # sanitiser then hands back a plain link without parsing it (core.sanitise).
    html = sanitise_html(f"<p>{to_html_string(el)}</p>")
    return html[3 : html.index(">", 3) + 1]


def _apply_resolution(el, link: WikiLink, resolved: ResolvedLink) -> None:
    el.set("href", resolved.url)
    if resolved.exists:
        el.set("class", "wikilink")
        if resolved.title:
            el.set("title", resolved.title)
            if link.kind == "post" and link.label == link.target:
                # [[post:slug]] without a label reads as the post's title, not its slug.
                el.text = AtomicString(resolved.title)
    else:
        el.set("class", "wikilink missing")
        default = MISSING_POST_TITLE if link.kind == "post" else MISSING_PAGE_TITLE
        el.set("title", resolved.title or default)


class _BoundedScan:
    """Bounds Python-Markdown's search for the `]` and `)` that close a link or image.

    Upstream scans from every `[` to the end of the paragraph, character by character, so a few
    kilobytes of `[[[[` take seconds to minutes (Python-Markdown issues #798 and #1619). Real link
    text and URLs are short: looking MAX_LINK_SCAN characters ahead keeps hostile input cheap.
    """

    def getText(self, data: str, index: int):  # noqa: N802 - Python-Markdown's API name
        end = index + MAX_LINK_SCAN
        close = data.find("]", index, end)
        if close < 0:
            return "", index, False
        if data.find("[", index, close) < 0:
            # The usual case, no nested brackets: answer without the per-character loop.
            return data[index:close], close + 1, True
        return super().getText(data[:end], index)

    def getLink(self, data: str, index: int):  # noqa: N802 - Python-Markdown's API name
        end = index + MAX_LINK_SCAN
        if data.find(")", index, end) < 0:
            return "", None, index, False
        return super().getLink(data[:end], index)


@cache
def _bounded(cls: type) -> type:
    # One class per upstream pattern and process: every render registers the same six.
    return type(f"Bounded{cls.__name__}", (_BoundedScan, cls), {})


# Name and priority of every Python-Markdown pattern that scans for a closing bracket.
_BRACKET_PATTERNS = (
    ("reference", 170),
    ("link", 160),
    ("image_link", 150),
    ("image_reference", 140),
    ("short_reference", 130),
    ("short_image_ref", 125),
)


class _WikiTableProcessor(TableProcessor):
    """Tables whose cells may hold `[[Title|label]]`: that pipe is not a column separator."""

    _WIKILINK_SPAN_RE = re.compile(r"\[\[[^\[\]\n]*\]\]")
    _MASK = "\x1f"  # a control character, so never in (cleaned) user text

    def _split(self, row: str) -> list[str]:
        def mask(m: re.Match) -> str:
            return m.group(0).replace("|", self._MASK)

        cells = super()._split(self._WIKILINK_SPAN_RE.sub(mask, row))
        return [cell.replace(self._MASK, "|") for cell in cells]


class _WikiExtension(Extension):
    def __init__(self, found: _Found, finisher_args: tuple, **kwargs):
        self.found = found
        self.finisher_args = finisher_args
        self.finisher: _FinishTree | None = None
        super().__init__(**kwargs)

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        # No raw HTML: `<tag>` in the source becomes visible text, escaped by the serialiser.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        table = md.parser.blockprocessors["table"]
        md.parser.blockprocessors.register(
            _WikiTableProcessor(md.parser, table.config), "table", 75
        )
        for name, priority in _BRACKET_PATTERNS:
            upstream = md.inlinePatterns[name]
            bounded = _bounded(type(upstream))(upstream.pattern, md)
            md.inlinePatterns.register(bounded, name, priority)
        # Above footnotes' `[^` (175) is unnecessary, but above reference links (170) and links
        # (160) is: they would otherwise eat the outer brackets. Code spans (190) win over us.
        md.inlinePatterns.register(_WikiLinkInline(_WIKILINK_RE, md, self.found), "wikilink", 172)
        self.finisher = _FinishTree(md, self.found, *self.finisher_args)
        # After inline (20), footnote renumbering (15) and prettify (10); before the toc (5).
        md.treeprocessors.register(self.finisher, "wiki_finish", 8)


def _convert(
    text: str, resolve: Resolver | None, deadline: budget.Deadline | None = None
) -> tuple[str, list[WikiLink], str, int]:
    """Markdown -> unsanitised HTML, links in order, toc HTML and heading count. Raises
    `RenderRefused` for text over the budget (wiki.budget)."""
    text = _CONTROL_RE.sub("", text)
    budget.check_shape(text, _WIKILINK_COMPILED)
    deadline = deadline or budget.Deadline()
    found: _Found = {}
    wiki = _WikiExtension(found, (resolve,))
    # A fresh instance per call: Markdown objects keep per-document state and are not thread-safe.
    md = markdown.Markdown(
        extensions=[
            TableExtension(use_align_attribute=True),  # `align`, not a style attribute
            FencedCodeExtension(),
            FootnoteExtension(),
            TocExtension(marker="", baselevel=2, permalink=False, slugify=_heading_id),
            SaneListExtension(),
            wiki,
        ],
        output_format="html",
    )
    # Every inline match and block passes the deadline: a text of a shape no rule in
    # wiki.budget names is stopped once its CPU time is spent.
    for pattern in md.inlinePatterns:
        pattern.handleMatch = deadline.guard(pattern.handleMatch)
    for processor in md.parser.blockprocessors:
        processor.run = deadline.guard(processor.run)
    html = md.convert(text)
    deadline.check()
    budget.check_elements(wiki.finisher.elements)
    return html, wiki.finisher.links, md.toc, _count_headings(md.toc_tokens)


def _count_headings(tokens: list[dict]) -> int:
    return sum(1 + _count_headings(t["children"]) for t in tokens)


# --- Public entry points ---------------------------------------------------------------------
def extract_links(text: str) -> list[WikiLink]:
    """All wiki links in Markdown source (not inside code spans/fenced code), de-duplicated.
    (A save needs no call to this: `render_markdown` collects them in its one pass.)"""
    return _convert(text, None)[1]


def render_markdown(text: str, resolve: Resolver | None = None) -> Rendered:
    """Markdown -> sanitised HTML, in one pass. `resolve` maps each wiki link to its URL and
    existence (its `prefetch`, if any, first sees them all at once; see `Resolver`). Without
    `resolve`, page links go to /wiki/<title_slug>/ as existing, post links to /posts/<slug>/.
    A text over the render budget raises `wiki.budget.RenderRefused` (a message for its writer)."""
    html, links, toc, headings = _convert(text, resolve or default_resolve)
    toc_html = sanitise_html(toc) if headings >= TOC_MIN_HEADINGS else ""
    return Rendered(html=sanitise_html(html), links=tuple(links), toc_html=toc_html)


def sanitise_text(text: str) -> str:
    """Plain-text fields (titles, edit summaries) for places that are not auto-escaped: escape.
    (Templates auto-escape; this exists for the few places that build HTML in Python.)"""
    return escape(_CONTROL_RE.sub("", text))
