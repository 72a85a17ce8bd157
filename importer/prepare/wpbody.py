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

from importer.readers.shortcodes import attributes

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
# Windows Live Writer wraps its thumbnails in a span: <a href=full><span><img src=thumb></span></a>.
_LINKED_IMG = re.compile(
    r"<a\b([^>]*)>\s*(?:<span\b[^>]*>\s*)*(<img\b[^>]*>)\s*(?:</span>\s*)*</a>", re.I | re.S
)
# An HTML figure (Gutenberg's image block) holding an image: one figure, never two.
_HTML_FIGURE = re.compile(r"<figure\b[^>]*>(.*?)</figure>", re.I | re.S)
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.I | re.S)
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


def _html_figures(text: str) -> str:
    """A `<figure>` holding an image becomes our one figure (linked image, its caption)."""

    def replace(m: re.Match) -> str:
        inner = m.group(1)
        if _CAPTION.search(inner):
            return inner  # the [caption] inside makes the one figure
        caption = _FIGCAPTION.search(inner)
        words = caption.group(1).strip() if caption else ""
        if linked := _LINKED_IMG.search(inner):
            return _figure(linked.group(2), _image_href(linked.group(1), linked.group(2)), words)
        if bare := _IMG.search(inner):
            return _figure(bare.group(0), "", words)
        return m.group(0)

    return _HTML_FIGURE.sub(replace, text) if "<figure" in text else text


def _images(text: str) -> str:
    text = _LINKED_IMG.sub(lambda m: _figure(m.group(2), _image_href(m.group(1), m.group(2))), text)
    # Images already turned into figures carry no <img> any more.
    return _IMG.sub(lambda m: _figure(m.group(0)), text)


# Players become a visible card linking to what they played: no third-party frame is loaded
# (the CSP stays strict) and the reader still sees there was a video. Host -> (kind, service).
_SERVICES = {
    "youtube.com": ("Video", "YouTube"), "youtu.be": ("Video", "YouTube"),
    "youtube-nocookie.com": ("Video", "YouTube"), "vimeo.com": ("Video", "Vimeo"),
    "dailymotion.com": ("Video", "Dailymotion"), "dai.ly": ("Video", "Dailymotion"),
    "wordpress.tv": ("Video", "WordPress.tv"), "videopress.com": ("Video", "VideoPress"),
    "ted.com": ("Video", "TED"), "blip.tv": ("Video", "blip.tv"), "flickr.com": ("Video", "Flickr"),
    "facebook.com": ("Video", "Facebook"), "twitch.tv": ("Video", "Twitch"),
    "soundcloud.com": ("Audio", "SoundCloud"), "mixcloud.com": ("Audio", "Mixcloud"),
    "spotify.com": ("Audio", "Spotify"), "bandcamp.com": ("Audio", "Bandcamp"),
}  # fmt: skip
_AUDIO_FILE = re.compile(r"\.(?:mp3|m4a|ogg|oga|wav|flac|aac)(?:[?#]|$)", re.I)
_VIDEO_FILE = re.compile(r"\.(?:mp4|m4v|webm|ogv|mov|flv|wmv)(?:[?#]|$)", re.I)
_HOST = re.compile(r"^(?:https?:)?//(?:[^/@]*@)?([^/:?#]+)", re.I)
# Player addresses that have a page of their own to link to instead.
_PLAYER_PAGES = (
    (re.compile(r"//(?:www\.)?youtube(?:-nocookie)?\.com/(?:embed|v)/([\w-]{6,})", re.I),
     "https://www.youtube.com/watch?v={}"),
    (re.compile(r"//player\.vimeo\.com/video/(\d+)", re.I), "https://vimeo.com/{}"),
    (re.compile(r"//(?:www\.)?dailymotion\.com/(?:embed/)?(?:swf/)?video/(\w+)", re.I),
     "https://www.dailymotion.com/video/{}"),
)  # fmt: skip
# WordPress's auto-embed: a media page's address alone on its line.
_BARE_MEDIA = re.compile(
    r"^[ \t]*(https?://(?:[\w-]+\.)*(?:youtube\.com/watch\?|youtu\.be/|vimeo\.com/\d"
    r"|dailymotion\.com/video/|dai\.ly/|soundcloud\.com/|wordpress\.tv/|videopress\.com/v/"
    r"|ted\.com/talks/|mixcloud\.com/|spotify\.com/|flickr\.com/photos/)[^\s<>\"']*)[ \t]*$",
    re.M | re.I,
)
# [youtube ID], [youtube=URL], [vimeo ID]: WordPress.com's and Jetpack's forms.
_SHORT_IDS = {"youtube": "https://www.youtube.com/watch?v={}", "vimeo": "https://vimeo.com/{}"}


def media_card(url: str, kind: str = "") -> str:
    """A visible card for a player: "Video on YouTube", linking to the original."""
    for pattern, page in _PLAYER_PAGES:
        if m := pattern.search(url):
            url = page.format(m.group(1))
            break
    if url.startswith("//"):
        url = "https:" + url
    host = (_HOST.match(url).group(1) if _HOST.match(url) else "").lower()
    service = next((v for k, v in _SERVICES.items() if host == k or host.endswith("." + k)), None)
    if service:
        label = f"{service[0]} on {service[1]}"
    else:
        kind = kind or ("Audio" if _AUDIO_FILE.search(url) else "")
        kind = kind or ("Video" if _VIDEO_FILE.search(url) else "Embedded content")
        label = f"{kind} from {host.removeprefix('www.')}" if host else kind
    return f'\n\n<div class="media-card">{_link(url, label)}</div>\n\n'


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
        name = (m.group(1) or "embed").lower()
        kind = {"video": "Video", "audio": "Audio"}.get(name, "")
        return media_card(src, kind) if src else ""

    def shortcode(m: re.Match) -> str:
        name, raw = m.group(1).lower(), m.group(2)
        attrs = attributes(raw)
        bare = raw.lstrip("= ").split()[0] if raw.strip(" =") else ""
        if name in _SHORT_IDS and re.fullmatch(r"[\w-]{5,}", bare):
            return media_card(_SHORT_IDS[name].format(bare))
        candidates = [m.group(3) or "", *attrs.values(), raw.lstrip("= ")]
        for value in candidates:
            found = _URL.search(value)
            if found:
                kind = {"video": "Video", "audio": "Audio"}.get(name, "")
                return media_card(html.unescape(found.group(0)), kind)
        return ""

    if "<" in text:
        text = _EMBED_TAG.sub(tag, text)
    if "[" in text:
        text = _SHORTCODE_MEDIA.sub(shortcode, text)
        text = _SHORTCODE_PAIRED.sub("", text)
    if "\nhttp" in text or text.startswith("http"):  # an address may start a line
        text = _BARE_MEDIA.sub(lambda m: media_card(html.unescape(m.group(1))), text)
    return text


# SyntaxHighlighter Evolved's shortcodes ([code], [sourcecode], [source] and one per brush
# alias, syntaxhighlighter.php's $this->brushes) and the language each stands for.
_CODE_LANGUAGES = {
    "as3": "actionscript3", "actionscript3": "actionscript3", "bash": "bash", "shell": "bash",
    "sh": "bash", "coldfusion": "coldfusion", "cf": "coldfusion", "clojure": "clojure",
    "clj": "clojure", "cpp": "cpp", "c": "c", "c-sharp": "csharp", "csharp": "csharp",
    "css": "css", "delphi": "delphi", "pas": "delphi", "pascal": "delphi", "diff": "diff",
    "patch": "diff", "erl": "erlang", "erlang": "erlang", "fsharp": "fsharp", "go": "go",
    "golang": "go", "groovy": "groovy", "haskell": "haskell", "java": "java", "jfx": "javafx",
    "javafx": "javafx", "js": "javascript", "jscript": "javascript", "javascript": "javascript",
    "latex": "latex", "tex": "latex", "matlab": "matlab", "matlabkey": "matlab", "objc": "objc",
    "obj-c": "objc", "perl": "perl", "pl": "perl", "php": "php", "plain": "plaintext",
    "text": "plaintext", "ps": "powershell", "powershell": "powershell", "py": "python",
    "python": "python", "r": "r", "splus": "r", "rails": "ruby", "rb": "ruby", "ror": "ruby",
    "ruby": "ruby", "scala": "scala", "sql": "sql", "swift": "swift", "vb": "vbnet",
    "vbnet": "vbnet", "xml": "xml", "xhtml": "xml", "xslt": "xml", "html": "html",
    "yaml": "yaml", "yml": "yaml",
}  # fmt: skip
_CODE_SHORTCODE = re.compile(
    r"\[(code|sourcecode|source|"
    + "|".join(sorted((re.escape(k) for k in _CODE_LANGUAGES if len(k) > 1), key=len, reverse=True))
    + r")\b([^\]]*)\](.*?)\[/\1\]",
    re.S | re.I,
)
_CODE_MARK = re.compile(r"<pre>\x01(\d+)\x01</pre>")
# Code as a post writes it: the code shortcodes, `<pre>` and `<code>` (and script and style).
_CODE_HTML = re.compile(r"<(pre|code|script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)


def without_code(raw: str) -> str:
    """A post's raw HTML with its code left out: what the post says in its own words, for
    phrase mining (a C# `T Parse<T>(…)` names no topic)."""
    if "[" in raw:
        raw = _CODE_SHORTCODE.sub("\n\n", raw)
    return _CODE_HTML.sub("\n\n", raw) if "<" in raw else raw


def _code_blocks(text: str, kept: list[str]) -> str:
    """Code shortcodes to `<pre><code class="language-…">` (kept aside until the end, so no
    later step touches the code): indentation and blank lines as written, entities decoded
    once, the `<br>` and `<p>` an editor put in taken back to line breaks."""

    def replace(m: re.Match) -> str:
        name, attrs = m.group(1).lower(), attributes(m.group(2))
        language = _CODE_LANGUAGES.get(name) or _CODE_LANGUAGES.get(
            (attrs.get("language") or attrs.get("lang") or "").lower(), ""
        )
        code = re.sub(r"<br\s*/?>\n?", "\n", m.group(3), flags=re.I)
        code = re.sub(r"</?p>", "", code, flags=re.I)
        code = html.unescape(code).strip("\n").replace("\r\n", "\n")
        cls = f' class="language-{language}"' if language else ""
        kept.append(f"<pre><code{cls}>{html.escape(code, quote=False)}</code></pre>")
        return f"\n\n<pre>\x01{len(kept) - 1}\x01</pre>\n\n"

    return _CODE_SHORTCODE.sub(replace, text) if "[" in text else text


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
    code: list[str] = []
    text = _code_blocks(text, code)
    text = _CODE.sub("", text)
    text = _html_figures(text)
    text = _captions(text)
    text = _images(text)
    text = _embeds(text)
    text = autop(text)
    if code:
        text = _CODE_MARK.sub(lambda m: code[int(m.group(1))], text)
    if resolve is None:
        return text, []
    return rewrite_links(text, resolve)
