"""Archive text to HTML for `Post.body_html`. Pure: no Django, no database.

Archive text is never trusted as markup: every character is escaped, and the only tags produced
are the ones written here (`<p>`, `<ol>`, `<ul>`, `<li>`). Rendering happens once, at import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from importer.readers.listing_parser import Block

_STORED_OL = re.compile(r"^(\d{1,3})\. (.*)$")
_STORED_UL = re.compile(r"^- (.*)$")


def render_blocks(blocks: Iterable[Block]) -> str:
    parts = []
    for block in blocks:
        if block.kind == "p":
            parts.append(f"<p>{escape(block.items[0])}</p>")
            continue
        items = "".join(f"<li>{escape(item)}</li>" for item in block.items)
        start = f' start="{block.start}"' if block.kind == "ol" and block.start != 1 else ""
        parts.append(f"<{block.kind}{start}>{items}</{block.kind}>")
    return "\n".join(parts)


def blocks_from_body(body: str) -> list[Block]:
    """Read back the plain-text body format that `ParsedPost.body` writes."""
    blocks = []
    for chunk in re.split(r"\n{2,}", body.strip()):
        lines = chunk.split("\n")
        ol = [_STORED_OL.match(line) for line in lines]
        ul = [_STORED_UL.match(line) for line in lines]
        if all(ol):
            blocks.append(Block("ol", tuple(m.group(2) for m in ol), int(ol[0].group(1))))
        elif all(ul):
            blocks.append(Block("ul", tuple(m.group(1) for m in ul)))
        else:
            blocks.extend(Block("p", (line,)) for line in lines if line.strip())
    return blocks


def render_body(body: str) -> str:
    """HTML for a stored plain-text body."""
    return render_blocks(blocks_from_body(body))
