"""Small WordPress exports written by tests that try what a hostile archive would."""

from pathlib import Path
from xml.sax.saxutils import escape

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Hostile blog</title><link>http://hostile.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
"""


def item(
    number: int, title: str, *, html: str = "<p>Words.</p>", author: str = "", tags=(), cats=()
) -> str:
    """One published post; `author`, `tags` and `cats` are written as XML text (escaped)."""
    terms = "".join(
        f'<category domain="post_tag" nicename="t{i}">{escape(t)}</category>'
        for i, t in enumerate(tags)
    ) + "".join(
        f'<category domain="category" nicename="c{i}">{escape(c)}</category>'
        for i, c in enumerate(cats)
    )
    return f"""<item><title>{escape(title)}</title>
<link>http://hostile.example/?p={number}</link>
<guid isPermaLink="false">http://hostile.example/?p={number}</guid>
<dc:creator>{escape(author)}</dc:creator>
<content:encoded>{escape(html)}</content:encoded>
<wp:post_id>{number}</wp:post_id>
<wp:post_date_gmt>2011-03-0{number % 9 + 1} 12:00:00</wp:post_date_gmt>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{terms}</item>
"""


def write_export(folder: Path, items: list[str], name: str = "hostile.wxr.xml") -> Path:
    path = folder / name
    path.write_text(HEAD + "".join(items) + "</channel></rss>\n", encoding="utf-8")
    return path
