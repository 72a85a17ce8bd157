"""What one render may cost: limits on the shapes that make Markdown slow, and a CPU budget for
the rest. Pure: no Django, no database.

Python-Markdown and bleach are linear on prose, but not on every text a person can type: each
inline match copies its whole paragraph, so many `*_` pairs in one paragraph, deeply nested `>`
quotes or thousands of wiki links take seconds to render (and more to resolve and store; the
figures are in docs/performance.md). A save or preview that would cost more than
about a second is refused before or while rendering, with a message saying why, and nothing is
saved:

1. shapes refused before rendering, the same way on every machine: quotes nested deeper than
   MAX_QUOTE_DEPTH, a paragraph with more than MAX_MARKS_PER_BLOCK emphasis and code marks, more
   than MAX_WIKI_LINKS wiki links;
2. a CPU budget (RENDER_CPU_SECONDS of this thread's CPU time, so a busy machine does not count
   against the text) checked at every inline match and block, for shapes no rule above names;
3. at most MAX_ELEMENTS elements handed to the sanitiser (bleach's cost grows with each one).

`bench/render.py` times the worst known inputs against these limits.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

MAX_QUOTE_DEPTH = 32
MAX_MARKS_PER_BLOCK = 10_000
MAX_WIKI_LINKS = 2_000
MAX_ELEMENTS = 40_000
RENDER_CPU_SECONDS = 0.8

# A line's leading quote markers, spaces between them allowed ("> > >").
_QUOTE_PREFIX_RE = re.compile(r"^[ \t]*(?:>[ \t]*)+", re.MULTILINE)
_MARKS_RE = re.compile(r"[*_`~]")
_BLOCK_SPLIT_RE = re.compile(r"\n[ \t]*\n")


class RenderRefused(ValueError):
    """The text would cost more to render than one request may spend; nothing was rendered.
    The message says what to change, for the person who wrote it."""


def check_shape(text: str, wiki_link_re: re.Pattern) -> None:
    """Refuse, before any rendering, the shapes whose cost is known to grow faster than the
    text. Linear in `text`."""
    deepest = max((m.group(0).count(">") for m in _QUOTE_PREFIX_RE.finditer(text)), default=0)
    if deepest > MAX_QUOTE_DEPTH:
        raise RenderRefused(
            f"This text nests quotes {deepest} deep; the wiki shows at most {MAX_QUOTE_DEPTH} "
            "levels. Please remove some of the > marks."
        )
    for block in _BLOCK_SPLIT_RE.split(text):
        marks = len(_MARKS_RE.findall(block))
        if marks > MAX_MARKS_PER_BLOCK:
            raise RenderRefused(
                f"A paragraph of this text holds {marks:,} emphasis or code marks (* _ ` ~); "
                f"the wiki renders at most {MAX_MARKS_PER_BLOCK:,} in one paragraph. "
                "Please split it or remove some."
            )
    links = sum(1 for _ in wiki_link_re.finditer(text))
    if links > MAX_WIKI_LINKS:
        raise RenderRefused(
            f"This text has {links:,} wiki links; a page may have at most {MAX_WIKI_LINKS:,}. "
            "Please split it into several pages."
        )


def check_elements(count: int) -> None:
    if count > MAX_ELEMENTS:
        raise RenderRefused(
            f"This text makes a page of {count:,} HTML elements; the wiki shows at most "
            f"{MAX_ELEMENTS:,} on one page. Please split it into several pages."
        )


class Deadline:
    """This thread's CPU time, RENDER_CPU_SECONDS from now: `check()` raises once it is spent."""

    def __init__(self, seconds: float | None = None):
        self.seconds = RENDER_CPU_SECONDS if seconds is None else seconds
        self.end = time.thread_time() + self.seconds

    def check(self) -> None:
        if time.thread_time() > self.end:
            raise RenderRefused(
                f"This text takes more than {self.seconds:g} s to render, our limit for one "
                "page; nothing was saved. Long runs of markup (emphasis, links, nesting) cost "
                "the most: please simplify them or split the text into several pages."
            )

    def guard(self, method: Callable) -> Callable:
        """`method`, checking the deadline before each call."""

        def checked(*args, **kwargs):
            self.check()
            return method(*args, **kwargs)

        return checked
