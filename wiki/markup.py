"""TEMPORARY stand-in for the real renderer on branch `wiki-markup` (same signatures).

Escapes everything and wraps paragraphs; replaced wholesale when that branch is merged.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from django.utils.text import slugify

_LINK = re.compile(r"\[\[([^\[\]|]+)(?:\|([^\[\]]*))?\]\]")


@dataclass(frozen=True)
class WikiLink:
    kind: str
    target: str
    label: str


@dataclass(frozen=True)
class ResolvedLink:
    url: str
    exists: bool
    title: str = ""


@dataclass
class Rendered:
    html: str
    links: list = field(default_factory=list)
    toc_html: str = ""


def link_key(title: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", title).split()).casefold()


def title_slug(title: str) -> str:
    return slugify(link_key(title))


def extract_links(text: str) -> list[WikiLink]:
    links = []
    for m in _LINK.finditer(text):
        target = m.group(1).strip()
        kind = "page"
        if target.lower().startswith("post:"):
            kind, target = "post", target[5:].strip()
        links.append(WikiLink(kind, target, (m.group(2) or m.group(1)).strip()))
    return links


def render_markdown(
    text: str, resolve: Callable[[WikiLink], ResolvedLink] | None = None
) -> Rendered:
    links = extract_links(text)

    def repl(m):
        target = m.group(1).strip()
        kind = "page"
        if target.lower().startswith("post:"):
            kind, target = "post", target[5:].strip()
        link = WikiLink(kind, target, (m.group(2) or m.group(1)).strip())
        if resolve is None:
            return escape(link.label)
        r = resolve(link)
        cls = "wikilink" if r.exists else "wikilink missing"
        return f'<a class="{cls}" href="{escape(r.url)}">{escape(link.label)}</a>'

    paras = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    out = []
    for p in paras:
        pieces, pos = [], 0
        for m in _LINK.finditer(p):
            pieces.append(escape(p[pos : m.start()]))
            pieces.append(repl(m))
            pos = m.end()
        pieces.append(escape(p[pos:]))
        out.append("<p>" + "".join(pieces) + "</p>")
    return Rendered("\n".join(out), links, "")
