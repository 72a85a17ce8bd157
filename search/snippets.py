"""Snippets: the part of a text that shows why it matched, starting where a sentence starts.

Pure: no Django. `Marker` marks the words that match the query's lexemes (as PostgreSQL's
stemmer made them); `snippet` picks the sentence with the first mark and cuts around it at word
boundaries, with an ellipsis wherever text is left out.

Marking is done here rather than by ts_headline: ts_headline parses each whole text again in
the database, where one regular expression per query marks the same page for far less. A stem
is a prefix of the words it comes from ("volunt" of "volunteers"), but for a final "y" the
stemmer writes "i" ("societi"): both spellings are matched.

The text may hold `BLOCK` characters where a block of the source ended (a heading, a paragraph,
a list item): a sentence never runs across one, so a wiki heading is not read into the next
sentence. Blank lines (the archive's paragraphs) count as block ends too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache

START_SEL, STOP_SEL = "\ue000", "\ue001"
# Marks the end of a block of HTML before its tags are dropped (search.kinds adds it).
BLOCK = "\ue002"
MAX_WORDS = 35
# When the first matched word is deep in a long sentence, the snippet starts this many words
# before it (after an ellipsis) rather than at the sentence's start, so the match is shown.
WORDS_BEFORE_MATCH = 8
ELLIPSIS = "…"

# Lexemes shorter than this match whole words only: "co" (of "co-op") must not mark "council".
MIN_PREFIX = 3


@cache
def _base_char(ch: str) -> str:
    """`ch` without its accent when that leaves one character ("é" -> "e"), else `ch`."""
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if len(base) == 1 else ch


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def fold_accents(text: str) -> str:
    """`text` with accents dropped, character for character (the same length and offsets)."""
    # Only the characters past ASCII are looked at: an archive's text is ASCII but for a few
    # typographic quotes and dashes, and mapping every character of a body in Python costs ten
    # times the substitution (a search page folds twenty).
    return text if text.isascii() else _NOT_ASCII.sub(_fold_match, text)


def _fold_match(found: re.Match) -> str:
    return _base_char(found.group())


class Marker:
    """Marks, in any text, the words that match some of `lexemes` (a query's, as stemmed)."""

    def __init__(self, lexemes: list[str]):
        alternatives = []
        stems_ascii = []  # (stem, whether it matches whole words only)
        for lexeme in sorted({fold_accents(x) for x in lexemes if x}, key=len, reverse=True):
            stems = {lexeme, lexeme[:-1] + "y"} if lexeme.endswith("i") else {lexeme}
            for stem in sorted(stems):
                whole = len(stem) < MIN_PREFIX
                alternatives.append(re.escape(stem) + (r"\b" if whole else r"\w*"))
                stems_ascii.append((stem.lower(), whole))
        self._words = (
            re.compile(r"\b(" + "|".join(alternatives) + ")", re.IGNORECASE)
            if alternatives
            else None
        )
        # For `first` in ASCII text, where ignoring case is lower() and a word character is
        # [A-Za-z0-9_]: str.find beats the regular expression, which tries every alternative
        # at every position up to the first match.
        self._stems = stems_ascii if all(stem.isascii() for stem, _ in stems_ascii) else None

    def first(self, text: str) -> int:
        """Where the first matching word of `text` starts, or -1."""
        if self._words is None:
            return -1
        if self._stems is not None and text.isascii():
            return self._first_ascii(text)
        found = self._words.search(fold_accents(text))
        return found.start() if found else -1

    def _first_ascii(self, text: str) -> int:
        """`first` for ASCII text: the earliest place where a stem starts at a word boundary
        (and, for a short stem, ends at one), as the regular expression finds it."""
        lowered, first = text.lower(), -1
        for stem, whole in self._stems:
            at = lowered.find(stem)
            while at != -1 and (first == -1 or at < first):
                end = at + len(stem)
                if _boundary(lowered, at) and (not whole or _boundary(lowered, end)):
                    first = at
                    break
                at = lowered.find(stem, at + 1)
        return first

    def mark(self, text: str) -> str:
        """`text` with every matching word between START_SEL and STOP_SEL."""
        if self._words is None or not text:
            return text
        if text.isascii():  # the common case: split (in C) into text, word, text, word …
            parts = self._words.split(text)
            parts[1::2] = [f"{START_SEL}{word}{STOP_SEL}" for word in parts[1::2]]
            return "".join(parts)
        folded = fold_accents(text)
        parts, end = [], 0
        for found in self._words.finditer(folded):
            start, stop = found.span()
            parts += [text[end:start], START_SEL, text[start:stop], STOP_SEL]
            end = stop
        parts.append(text[end:])
        return "".join(parts)


def _is_word(text: str, at: int) -> bool:
    """Whether text[at] is a word character (\\w) of ASCII text; outside the text it is not."""
    if 0 <= at < len(text):
        char = text[at]
        return char.isalnum() or char == "_"
    return False


def _boundary(text: str, at: int) -> bool:
    """Whether \\b holds at `at` in ASCII text."""
    return _is_word(text, at - 1) != _is_word(text, at)


_BLOCKS = re.compile(f"{BLOCK}|\\n\\s*\\n")
# A sentence ends at . ! ? or … (and any closing quote or bracket) followed by a space.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")


def _sentences(text: str) -> Iterator[tuple[str, bool]]:
    """(sentence, whether it ends its block), in order, spaces collapsed: a block at a time, as
    asked, since a snippet reads one or two blocks of its text."""
    for block in _BLOCKS.split(text):
        parts = [" ".join(p.split()) for p in _SENTENCE_END.split(block)]
        parts = [p for p in parts if p]
        last = len(parts) - 1
        for i, part in enumerate(parts):
            yield part, i == last


# Where a sentence may start: after a block's end or a sentence's.
_BOUNDARY = re.compile(f"{BLOCK}|\\n\\s*\\n|(?<=[.!?…])[\"'”’)\\]]*\\s+")
# How far before the first match its sentence's start is looked for, and how much text after
# it is enough for any snippet (MAX_WORDS words).
LOOK_BACK, LOOK_AHEAD = 2000, 600


def marked_snippet(text: str, marker: Marker, max_words: int = MAX_WORDS) -> str:
    """`snippet` of `text` with `marker`'s words marked, reading only the part of a long text
    around its first match (sentence splitting and marking a whole body took most of a search
    page's Python time)."""
    at = marker.first(text)
    if at < 0:
        start = 0
    else:
        start = max(0, at - LOOK_BACK)
        boundaries = list(_BOUNDARY.finditer(text, start, at))
        start = boundaries[-1].end() if boundaries else start
    end = max(start, at) + LOOK_AHEAD
    return snippet(marker.mark(text[start:end]), max_words, goes_on=end < len(text))


def snippet(text: str, max_words: int = MAX_WORDS, *, goes_on: bool = False) -> str:
    """A snippet of marked `text` of at most `max_words` words (`goes_on`: more text follows
    `text`, so its end is not the end).

    It starts at the start of the first sentence holding a mark (the text's first sentence
    when none does), takes the sentences after it in the same block while they fit, and ends
    with an ellipsis when the text goes on. A mark too deep in a long sentence is shown by
    starting a few words before it, after an ellipsis.
    """
    sentences = _sentences(text)
    first = next((found for found in sentences if START_SEL in found[0]), None)
    if first is None:  # no mark: the text's opening
        sentences = _sentences(text)
        first = next(sentences, None)
        if first is None:
            return ""
    sentence, ends_block = first
    words = sentence.split()
    lead = ""
    marked = next((n for n, w in enumerate(words) if START_SEL in w), None)
    if marked is not None and marked >= max_words - WORDS_BEFORE_MATCH:
        words = words[marked - WORDS_BEFORE_MATCH :]
        lead = ELLIPSIS + " "
    left_out = False  # whether a sentence after the last one shown is left out
    while not ends_block:
        following = next(sentences, None)
        if following is None:
            break
        sentence, ends_block = following
        more = sentence.split()
        if len(words) + len(more) > max_words:
            left_out = True
            break
        words += more
    else:
        left_out = next(sentences, None) is not None
    cut = len(words) > max_words
    shown = " ".join(words[:max_words])
    goes_on = goes_on or cut or left_out
    return lead + shown + (" " + ELLIPSIS if goes_on else "")
