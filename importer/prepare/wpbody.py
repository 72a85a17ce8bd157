"""A WordPress or feed post body made readable, before sanitising. Pure: no Django.

`prepare_body(raw, resolve=...)` applies, in order: Gutenberg block comments and `<!--more-->`
dropped; `<script>` and `<style>` dropped with what they hold (the sanitiser would keep their code
as text: a tracking snippet's JavaScript read as part of the post; `<noscript>` keeps its content,
which is what a reader without scripts is meant to see); `[caption]` to `<figure>` with
`<figcaption>`; images to a figure that links to the original (the site's CSP blocks foreign
images, and it stays that way); `[embed]`, `[video]`,
`[audio]`, `[youtube]`, iframes, `<video>`, `<audio>`, `<object>` and `<embed>` to a plain link
to what they showed (or dropped when they name nothing); `[gallery]` and other WordPress
shortcodes dropped; WordPress's paragraph rule (`wpautop`: a blank line starts a paragraph, a
single newline is a `<br>`); and links to other posts of the same archive rewritten by
`resolve(href) -> local URL or None`. Text is kept exactly: no quote curling, no slashes
stripped. The result still goes through the shared sanitiser (core.sanitise) before it is stored.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

Resolve = Callable[[str], str | None]

_BLOCK = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form"
    r"|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside"
    r"|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_GUTENBERG = re.compile(r"<!--\s*/?wp:.*?-->|<!--\s*(?:more|nextpage|noteaser)\b.*?-->", re.S)
_CODE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_CAPTION = re.compile(
    r"\[(?:caption|wp_caption)\b([^\]]*)\](.*?)\[/(?:caption|wp_caption)\]", re.S | re.I
)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>\]]+))""")
_LINKED_IMG = re.compile(r"<a\b([^>]*)>\s*(<img\b[^>]*>)\s*</a>", re.I | re.S)
_IMG = re.compile(r"<img\b[^>]*>", re.I | re.S)
_EMBED_TAG = re.compile(
    r"<(iframe|video|audio|object)\b([^>]*)>(.*?)</\1\s*>|<embed\b([^>]*)/?>", re.I | re.S
)
_SOURCE_SRC = re.compile(r"<(?:source|param)\b([^>]*)>", re.I)
_SHORTCODE_MEDIA = re.compile(
    r"\[(embed|video|audio|youtube|vimeo|soundcloud|playlist)\b([^\]]*)\](?:(.*?)\[/\1\])?",
    re.S | re.I,
)
_SHORTCODE_PAIRED = re.compile(
    r"\[(gallery|contact-form|contact-form-7|slideshow|polldaddy|wpvideo)\b[^\]]*\]"
    r"(?:.*?\[/\1\])?",
    re.S | re.I,
)
_A_TAG = re.compile(r"<a\b[^>]*>", re.I)
_HREF_ATTR = re.compile(r"""\bhref\s*=\s*(["'])(.*?)\1""", re.I | re.S)
_REL_ATTR = re.compile(r"""\s+rel\s*=\s*(["'])[^"']*\1""", re.I)
_URL = re.compile(r"https?://[^\s\"'<>\]]+", re.I)


def attributes(text: str) -> dict[str, str]:
    """Attributes of a tag or shortcode, names lower-cased, values HTML-unescaped."""
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTR.finditer(text)
    }


def _link(url: str, label: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(label)}</a>'


def _web(url: str) -> str:
    url = url.strip()
    return url if url.lower().startswith(("http://", "https://", "//")) else ""


def _figure(img_tag: str, href: str = "", caption: str = "") -> str:
    attrs = attributes(img_tag[4:])
    src = _web(href) or _web(attrs.get("src", ""))
    alt = attrs.get("alt", "").strip()
    label = f"Image: {alt}" if alt else "Image from the original post"
    inner = _link(src, label) if src else html.escape(label)
    cap = f"<figcaption>{caption.strip()}</figcaption>" if caption.strip() else ""
    return f"\n\n<figure>{inner}{cap}</figure>\n\n"


def _image_href(a_attrs: str, img_tag: str) -> str:
    """The original image: the link around it when that points at an image file, else its src."""
    href = attributes(a_attrs).get("href", "")
    if re.search(r"\.(?:jpe?g|png|gif|webp|svg|bmp)(?:\?|$)", href, re.I):
        return href
    return attributes(img_tag[4:]).get("src", "")


def _captions(text: str) -> str:
    def replace(m: re.Match) -> str:
        attrs, inner = attributes(m.group(1)), m.group(2)
        linked = _LINKED_IMG.search(inner)
        if linked:
            img, href = linked.group(2), _image_href(linked.group(1), linked.group(2))
            caption = inner[: linked.start()] + inner[linked.end() :]
        else:
            bare = _IMG.search(inner)
            if not bare:
                return inner
            img, href = bare.group(0), ""
            caption = inner[: bare.start()] + inner[bare.end() :]
        return _figure(img, href, caption.strip() or attrs.get("caption", ""))

    return _CAPTION.sub(replace, text)


def _images(text: str) -> str:
    text = _LINKED_IMG.sub(lambda m: _figure(m.group(2), _image_href(m.group(1), m.group(2))), text)
    # Images already turned into figures carry no <img> any more.
    return _IMG.sub(lambda m: _figure(m.group(0)), text)


def _embeds(text: str) -> str:
    def tag(m: re.Match) -> str:
        attrs = attributes(m.group(2) or m.group(4) or "")
        src = _web(attrs.get("src", "") or attrs.get("data", ""))
        if not src and m.group(3):
            for source in _SOURCE_SRC.finditer(m.group(3)):
                a = attributes(source.group(1))
                src = _web(
                    a.get("src", "") or (a.get("value", "") if a.get("name") == "movie" else "")
                )
                if src:
                    break
        return f"\n\n<p>{_link(src, 'Embedded content: ' + src)}</p>\n\n" if src else ""

    def shortcode(m: re.Match) -> str:
        attrs = attributes(m.group(2))
        candidates = [m.group(3) or "", *attrs.values(), m.group(2).lstrip("= ")]
        for value in candidates:
            found = _URL.search(value)
            if found:
                src = found.group(0)
                return f"\n\n<p>{_link(src, 'Embedded content: ' + src)}</p>\n\n"
        return ""

    text = _EMBED_TAG.sub(tag, text)
    text = _SHORTCODE_MEDIA.sub(shortcode, text)
    return _SHORTCODE_PAIRED.sub("", text)


_KEPT = re.compile(r"<(pre|figure)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
_BLOCK_OPEN = re.compile(rf"(<{_BLOCK}[\s/>])", re.I)
_BLOCK_CLOSE = re.compile(rf"(</{_BLOCK}>)", re.I)
_BLANKS = re.compile(r"\n\n+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_EMPTY_P = re.compile(r"<p>\s*</p>")
_P_AROUND_BLOCK = re.compile(rf"<p>\s*(</?{_BLOCK}[^>]*>)\s*</p>", re.I)
_P_AROUND_LI = re.compile(r"<p>(<li.+?)</p>", re.I | re.S)
_P_BLOCKQUOTE = re.compile(r"<p><blockquote([^>]*)>", re.I)
_P_BEFORE_BLOCK = re.compile(rf"<p>\s*(</?{_BLOCK}[^>]*>)", re.I)
_P_AFTER_BLOCK = re.compile(rf"(</?{_BLOCK}[^>]*>)\s*</p>", re.I)
_LINE_BREAK = re.compile(r"(?<!<br>)\s*\n(?!$)")
_BR_AFTER_BLOCK = re.compile(rf"(</?{_BLOCK}[^>]*>)\s*<br>", re.I)
_BR_BEFORE_BLOCK = re.compile(r"<br>(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", re.I)
_KEPT_MARK = re.compile(r"<pre>\x00(\d+)\x00</pre>")


def autop(text: str) -> str:
    """WordPress's `wpautop`: blank lines make paragraphs, a single newline a `<br>`, and block
    elements are left unwrapped. `<pre>` blocks and figures are kept as they are.

    Text without a tag (most of a plain post) skips the steps that only move tags about."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    kept: list[str] = []

    def keep(m: re.Match) -> str:
        kept.append(m.group(0))
        return f"<pre>\x00{len(kept) - 1}\x00</pre>"

    tagged = "<" in text
    if tagged:
        text = _KEPT.sub(keep, text)
        text = _TAG.sub(lambda m: m.group(0).replace("\n", " "), text)
        text = _BLOCK_OPEN.sub(r"\n\n\1", text)
        text = _BLOCK_CLOSE.sub(r"\1\n\n", text)
    text = _BLANKS.sub("\n\n", text)
    parts = [p.strip("\n") for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    text = "".join(f"<p>{p}</p>\n" for p in parts)
    text = _EMPTY_P.sub("", text)
    if tagged:
        text = _P_AROUND_BLOCK.sub(r"\1", text)
        text = _P_AROUND_LI.sub(r"\1", text)
        text = _P_BLOCKQUOTE.sub(r"<blockquote\1><p>", text)
        text = text.replace("</blockquote></p>", "</p></blockquote>")
        text = _P_BEFORE_BLOCK.sub(r"\1", text)
        text = _P_AFTER_BLOCK.sub(r"\1", text)
    text = _LINE_BREAK.sub("<br>\n", text)
    text = _BR_AFTER_BLOCK.sub(r"\1", text)
    text = _BR_BEFORE_BLOCK.sub(r"\1", text)
    if kept:
        text = _KEPT_MARK.sub(lambda m: kept[int(m.group(1))], text)
    return text.strip()


def rewrite_links(text: str, resolve: Resolve) -> tuple[str, list[str]]:
    """Links that `resolve` knows point here instead; returns the new text and those URLs.
    Works on raw or sanitised HTML: a rewritten link loses the `rel` the sanitiser gives
    links that leave the site, as it no longer leaves."""
    found: list[str] = []

    def replace(m: re.Match) -> str:
        tag = m.group(0)
        href = _HREF_ATTR.search(tag)
        if href is None:
            return tag
        local = resolve(html.unescape(href.group(2)))
        if local is None:
            return tag
        found.append(local)
        tag = f'{tag[: href.start()]}href="{html.escape(local)}"{tag[href.end() :]}'
        return _REL_ATTR.sub("", tag)

    return _A_TAG.sub(replace, text), found


def prepare_body(raw: str, resolve: Resolve | None = None) -> tuple[str, list[str]]:
    """Unsanitised HTML for a post body and the local URLs its links were rewritten to."""
    text = _GUTENBERG.sub("", raw)
    text = _CODE.sub("", text)
    text = _captions(text)
    text = _images(text)
    text = _embeds(text)
    text = autop(text)
    if resolve is None:
        return text, []
    return rewrite_links(text, resolve)
