"""The one HTML sanitiser: wiki text and imported archive posts go through the same allowlist.
Pure: no ORM, no database.

`sanitise_html(html)` cleans a fragment with bleach against the named allowlist below and
linkifies bare URLs. The wiki's renderer (wiki.markup) and the archive importer
(importer) both call it, so a tag or attribute is allowed in one exactly when in the other.
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
    # media-card: an imported player; gallery: an imported [gallery]'s grid of figures
    "div": frozenset({"footnote", "toc", "media-card", "gallery"}),
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


# --- Using bleach cheaply ----------------------------------------------------------------------
# Bleach parses a fragment with html5lib in pure Python, the costliest step of a WordPress
# import (bodies and comments) and a large part of rendering a wiki page. What follows lets
# it do only the work only it can do. Every shortcut yields exactly what bleach would have
# (tests/wiki/test_sanitiser.py checks that on hostile and generated input).

# Text bleach keeps byte for byte: no markup or character reference (`<`, `&`), no `>` (bleach
# writes `&gt;`), no character html5lib or bleach rewrites (C0 and C1 controls, bar tab and
# newline; lone surrogates; non-characters).
_PLAIN_CHARS = r"[^<>&\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
_NO_TAG_RE = re.compile(_PLAIN_CHARS.replace(">", "", 1) + "*")
# A link bleach writes back as it is: `href` alone, double-quoted, to the web or a path on this
# site, in characters the serialiser leaves be (no `&`, quotes or brackets, which it escapes or
# its URL check may refuse), around such text. The commonest markup in a blog post.
_PLAIN_LINK = rf'<a href="(?:https?://|/)[A-Za-z0-9._~:/?#@!$()*+,;=%-]*+">{_PLAIN_CHARS}*+</a>'
_PLAIN_RUN = rf"(?:{_PLAIN_CHARS}++|{_PLAIN_LINK})*+"
# A paragraph of such text and links, lines broken by `<br>` (what WordPress's autop makes of
# most of a post), alone on its line(s): `_plain_paragraphs` checks that it starts a line.
# (Possessive `*+`: a paragraph with another tag in it fails at once instead of backtracking.)
_PLAIN_PARAGRAPH_RE = re.compile(rf"<p>{_PLAIN_RUN}(?:<br>\n{_PLAIN_RUN})*+</p>(?=\n|$)")
_ANY_TAG_RE = re.compile(r"<[^<>]*>?")
# What any address linkify knows has: a dot, then a letter (its top-level domain; any letter,
# as the pattern ignores case and "K" is the Kelvin sign's "k"). Prose rarely has it ("said.
# See" has a space), and finding it is fifty times quicker than trying bleach's pattern, with
# its 274 domains, at every character.
_DOTTED_RE = re.compile(r"\.[^\W\d_]")


def _may_hold_url(html: str) -> bool:
    """False when linkify would find nothing to link. Linkify reads the text between tags as
    written (character references unread), and text on either side of a tag bleach strips runs
    together: so the URL pattern is tried on the fragment as it is and with its tags taken out.
    (Should an address slip past, it stays text: a missing link, never a safety matter.)"""
    if _DOTTED_RE.search(html) and _LINKIFY_URL_RE.search(html):
        return True
    if "<" not in html:
        return False
    text = _ANY_TAG_RE.sub("", html)
    return bool(_DOTTED_RE.search(text) and _LINKIFY_URL_RE.search(text))


def _plain_paragraphs(html: str) -> list[re.Match]:
    return [
        m
        for m in _PLAIN_PARAGRAPH_RE.finditer(html)
        if m.start() == 0 or html[m.start() - 1] == "\n"
    ]


def _clean_in_pieces(html: str) -> str:
    """`_cleaner(linkify=False).clean(html)`, without parsing the plain paragraphs in it.

    Bleach hands back a fragment it has nothing to change in as it was. Plain paragraphs are
    such; the markup between them is cleaned piece by piece, and when every piece comes back
    unchanged too, each was whole (elements closed, no tag, comment or attribute left open,
    nothing stripped), so the parser was where it started at each plain paragraph, and the
    fragment is its own clean form. Once a piece comes back changed, the whole fragment is
    cleaned in one pass, as without this: the pieces are tried only when plain paragraphs are
    most of the fragment, so that costs at most half as much again as one pass.
    """
    paragraphs = _plain_paragraphs(html)
    if 2 * sum(m.end() - m.start() for m in paragraphs) < len(html):
        return _cleaner(linkify=False).clean(html)  # mostly markup (a wiki page): one pass
    starts = [m.start() for m in paragraphs] + [len(html)]
    ends = [0] + [m.end() for m in paragraphs]
    for start, end in zip(ends, starts, strict=True):
        piece = html[start:end]
        if piece.strip(" \n") and _cleaner(linkify=False).clean(piece) != piece:
            return _cleaner(linkify=False).clean(html)
    return html


# A table of contents as Python-Markdown writes one: nested lists of links to the page's own
# headings, their text escaped. Bleach hands it back as it was when its ids are ours, its text
# plain (only the three references Markdown writes: no other entity, which bleach may rewrite)
# and its lists properly nested (`_nested_lists`: html5lib would close or drop a stray tag).
# Text inside a link is never linkified, and links to `#...` leave nothing to mark.
_TOC_TEXT = rf"(?:{_PLAIN_CHARS}|&(?:amp|lt|gt);)*+"
_TOC_ENTRY = rf'<li><a href="#{_USER_ID_RE.pattern}">{_TOC_TEXT}</a>'
_PLAIN_TOC_RE = re.compile(
    rf'<div class="toc">\n(?:<ul>\n|</ul>\n|</li>\n|{_TOC_ENTRY})*+</div>\n?'
)
_LIST_TAG_RE = re.compile(r"</?(?:ul|li)>")
# The element each list tag may open inside.
_LIST_PARENT = {"<ul>": ("div", "<li>"), "<li>": ("<ul>",)}


def _nested_lists(toc: str) -> bool:
    """True when every <ul> and <li> of a `_PLAIN_TOC_RE` fragment is closed in order, each
    <ul> in the <div> or an <li>, each <li> in a <ul>."""
    open_tags = ["div"]
    for tag in _LIST_TAG_RE.findall(toc):
        if tag[1] == "/":
            if open_tags[-1] != "<" + tag[2:]:
                return False
            open_tags.pop()
        elif open_tags[-1] in _LIST_PARENT[tag]:
            open_tags.append(tag)
        else:
            return False
    return open_tags == ["div"]


# A wiki page as Markdown writes most of them: headings and paragraphs of text, emphasis, code
# and wiki links to this site, one block a line. Bleach hands it back as it was when the blocks
# hold no other element (nothing the parser would close, move or drop), the headings' ids are
# ours, and text and attribute values are plain (`_TOC_TEXT`; no quote in an attribute, which
# the serialisers escape differently). Links to a path on this site leave nothing to mark.
_SITE_PATH = r"/[A-Za-z0-9._~:/?#@!$()*+,;=%-]*+"
_ATTRIBUTE_TEXT = _PLAIN_CHARS.replace("^", '^"', 1) + "*+"
_INLINE = (
    rf"(?:{_PLAIN_CHARS}++|&(?:amp|lt|gt);"
    rf'|<a class="wikilink(?: missing)?" href="(?!//){_SITE_PATH}" title="{_ATTRIBUTE_TEXT}">'
    rf"{_TOC_TEXT}</a>"
    + "".join(f"|<{tag}>{_TOC_TEXT}</{tag}>" for tag in ("em", "strong", "code"))
    + ")*+"
)
_PLAIN_BLOCK = "|".join(
    [f"<p>{_INLINE}</p>"]
    + [f'<h{n} id="{_USER_ID_RE.pattern}">{_INLINE}</h{n}>' for n in range(2, 7)]
)
_PLAIN_BLOCKS_RE = re.compile(rf"(?:{_PLAIN_BLOCK})(?:\n(?:{_PLAIN_BLOCK}))*+\n?")


def sanitise_html(html: str, *, linkify: bool = True) -> str:
    """Clean an HTML fragment against the allowlist and linkify it (what `render_markdown` does
    after Markdown; exposed for HTML built elsewhere). `linkify=False` leaves bare addresses as
    text, as WordPress shows a post's own text (and it spares imported posts a costly pass);
    links that leave the site are marked all the same.

    Bleach is asked only for what needs it: text without markup is escaped here, linkify runs
    only when an address may be present, and plain paragraphs and a plain table of contents
    are not parsed (see above)."""
    toc = html.startswith('<div class="toc">')
    if toc and _PLAIN_TOC_RE.fullmatch(html) and _nested_lists(html):
        return html
    if linkify and _may_hold_url(html):
        return _cleaner().clean(html)
    if html.startswith(("<p>", "<h")) and _PLAIN_BLOCKS_RE.fullmatch(html):
        return html
    if _NO_TAG_RE.fullmatch(html):
        return html.replace(">", "&gt;")
    return _mark_leaving_links(_clean_in_pieces(html))


# --- A budget for imported HTML ---------------------------------------------------------------
# html5lib, under bleach, is not linear on every shape: 6,000 links and emphases in one paragraph
# cost 0.8 s of CPU and 30,000 cost 10 s; 5,000 nested <div> 1.4 s and 50,000 ran for minutes.
# A fragment past either limit is not parsed at all: `sanitise_within_budget` flattens it to its
# text (linear regexes, no parser), and says why, so an import names the post and goes on.
MAX_IMPORT_TAGS = 12_000  # "<" characters: opening and closing tags, comments
MAX_IMPORT_DEPTH = 400  # elements open inside one another

_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^<>]*?(/?)>")
# Elements that never hold others, or that the parser closes at their next sibling: they do not
# deepen the tree however many are left open.
_FLAT_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option"}
)
_BLOCK_BREAK_RE = re.compile(
    r"</?(?:p|div|li|ul|ol|h[1-6]|blockquote|pre|table|tr|figure|figcaption|section)\b[^<>]*>"
    r"|<br\s*/?>",
    re.I,
)
_ANY_MARKUP_RE = re.compile(r"<!--.*?-->|<[^<>]*>?", re.S)


def over_budget(html: str) -> str | None:
    """Why sanitising `html` would cost more than an imported post may, or None. Linear."""
    tags = html.count("<")
    if tags > MAX_IMPORT_TAGS:
        return f"{tags:,} tags (at most {MAX_IMPORT_TAGS:,})"
    if tags <= MAX_IMPORT_DEPTH:
        return None
    depth = deepest = 0
    for closing, name, self_closing in _TAG_RE.findall(html):
        if name.lower() in _FLAT_ELEMENTS or self_closing:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    if deepest > MAX_IMPORT_DEPTH:
        return f"elements nested {deepest:,} deep (at most {MAX_IMPORT_DEPTH:,})"
    return None


def flatten_to_text(html: str) -> str:
    """The words of `html` as escaped paragraphs, with no markup kept. Linear: no parser."""
    text = _BLOCK_BREAK_RE.sub("\n\n", html)
    text = html_unescape(_ANY_MARKUP_RE.sub("", text))
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n".join(f"<p>{_escape(p)}</p>" for p in paragraphs if p)


_UNSTORABLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _escape(text: str) -> str:
    text = _UNSTORABLE_RE.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sanitise_within_budget(html: str, *, linkify: bool = True) -> tuple[str, str | None]:
    """(`sanitise_html(html)`, None), or, past the budget above, (its text flattened, why)."""
    reason = over_budget(html)
    if reason is not None:
        return flatten_to_text(html), reason
    return sanitise_html(html, linkify=linkify), None


# --- Direction ---------------------------------------------------------------------------------
_DIRECTED_BLOCKS = tuple(
    (f"<{tag}>", f'<{tag} dir="auto">')
    for tag in ("p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "figcaption", "td", "th")
)


def with_direction(html: str) -> str:
    """Sanitised HTML with `dir="auto"` on each block of text, so a right-to-left paragraph
    reads right to left (its full stop at the left end) beside a left-to-right one. Run after
    sanitising: the allowlist has no `dir`, and a plain paragraph stays one bleach skips."""
    # str.replace per tag: a sixth of the cost of one regex with a template (3,000 posts).
    for plain, directed in _DIRECTED_BLOCKS:
        html = html.replace(plain, directed)
    return html
