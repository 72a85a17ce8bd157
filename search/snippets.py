"""Snippets: the part of a text that shows why it matched, starting where a sentence starts.

Pure: no Django. The database marks every matched word (ts_headline with HighlightAll, so the
stemming is PostgreSQL's); this module picks the sentence with the first mark and cuts around
it at word boundaries, with an ellipsis wherever text is left out.

The text may hold `BLOCK` characters where a block of the source ended (a heading, a paragraph,
a list item): a sentence never runs across one, so a wiki heading is not read into the next
sentence. Blank lines (the archive's paragraphs) count as block ends too.
"""

from __future__ import annotations

import re

START_SEL, STOP_SEL = "\ue000", "\ue001"
# Marks the end of a block of HTML before its tags are dropped (search.kinds adds it).
BLOCK = "\ue002"
MAX_WORDS = 35
# When the first matched word is deep in a long sentence, the snippet starts this many words
# before it (after an ellipsis) rather than at the sentence's start, so the match is shown.
WORDS_BEFORE_MATCH = 8
ELLIPSIS = "…"

_BLOCKS = re.compile(f"{BLOCK}|\\n\\s*\\n")
# A sentence ends at . ! ? or … (and any closing quote or bracket) followed by a space.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")


def _sentences(text: str) -> list[tuple[str, bool]]:
    """(sentence, whether it ends its block), in order, spaces collapsed."""
    found = []
    for block in _BLOCKS.split(text):
        parts = [" ".join(p.split()) for p in _SENTENCE_END.split(block)]
        parts = [p for p in parts if p]
        found += [(p, i == len(parts) - 1) for i, p in enumerate(parts)]
    return found


def snippet(text: str, max_words: int = MAX_WORDS) -> str:
    """A snippet of `text` (marked by ts_headline) of at most `max_words` words.

    It starts at the start of the first sentence holding a mark (the text's first sentence
    when none does), takes the sentences after it in the same block while they fit, and ends
    with an ellipsis when the text goes on. A mark too deep in a long sentence is shown by
    starting a few words before it, after an ellipsis.
    """
    sentences = _sentences(text)
    if not sentences:
        return ""
    first = next((i for i, (s, _) in enumerate(sentences) if START_SEL in s), 0)
    words: list[str] = []
    lead = ""
    last = first
    for i in range(first, len(sentences)):
        sentence, ends_block = sentences[i]
        more = sentence.split()
        if i == first:
            marked = next((n for n, w in enumerate(more) if START_SEL in w), None)
            if marked is not None and marked >= max_words - WORDS_BEFORE_MATCH:
                more = more[marked - WORDS_BEFORE_MATCH :]
                lead = ELLIPSIS + " "
        elif len(words) + len(more) > max_words:
            break
        words += more
        last = i
        if ends_block:
            break
    cut = len(words) > max_words
    shown = " ".join(words[:max_words])
    goes_on = cut or last < len(sentences) - 1
    return lead + shown + (" " + ELLIPSIS if goes_on else "")
