"""The one text-key module: how titles are folded into keys, turned into slugs, and searched.

Pure: no Django, no database (the importer's parsing process and the wiki's renderer use it).

**The folding rule** (`fold`), used for every key the site stores or compares — `Post.key`,
`Page.key`, `PageLink.target_key`, a wiki link's target, an exact-title search:

1. typography made plain: curly and angled quotes (‘’‚‛′ “”„‟″ «») become ' and ", the
   dashes and minus sign (‐‑‒–—―−) a hyphen, the ellipsis three dots;
2. Unicode compatibility forms made plain (NFKC): NBSP and the thin spaces become a space,
   ligatures (ﬁ) their letters, full-width forms (Ａ) their ASCII twins;
3. invisible format characters (category Cf: soft hyphen, zero-width space and joiners,
   direction marks, BOM) dropped: two titles that look the same are the same;
4. case folded (`str.casefold`: "Straße" and "STRASSE" meet, then NFKC again), whitespace
   collapsed and trimmed.

Accents are kept by `fold` ("café" and "cafe" are different keys); `title_slug` drops them from
Latin letters, so the two titles share one address, and keeps every other script's letters.
Before this module the importer's `fold` kept soft hyphens and zero-width joiners and the wiki's
`link_key` kept «guillemets»; the data migrations `posts.0008_refold_post_keys` and
`wiki.0008_refold_keys` brought stored keys to this one rule.
"""

from __future__ import annotations

import re
import unicodedata

# The text-search configuration of every stored vector and every query: English stemming
# ("volunteers" and "volunteering" meet at "volunteer"), and accents folded ("café" finds
# "cafe") where the server has the unaccent extension. A constant, so a generated column's
# expression is immutable, as PostgreSQL requires; migration posts.0009 creates it as a copy of
# `english`, with unaccent before the stemmer when it can.
SEARCH_CONFIG = "bigsoc"
# The same words unstemmed (a copy of `simple`, accents folded likewise): search ranks a query's
# own words in a title above their stemmed relatives.
SEARCH_CONFIG_UNSTEMMED = "bigsoc_simple"

# Typographic characters and their plain forms. str.replace per character beats a translate
# table with multi-character entries (the ellipsis); most text holds none of them.
_TYPOGRAPHY = (
    *[(ch, "'") for ch in "\u2018\u2019\u201a\u201b\u2032"],
    *[(ch, '"') for ch in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"],
    *[(ch, "-") for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"],
    ("\u2026", "..."),
)

# Every character of Unicode category Cf (format: invisible), as of Unicode 14
# (tests/core/test_text.py checks this list against the running Python's unicodedata).
_FORMAT_RE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def fold_chars(text: str) -> str:
    """`fold` without case folding or space collapsing: typography, compatibility forms and
    invisible characters made plain (steps 1-3 of the rule)."""
    if text.isascii():
        return text
    for ch, plain in _TYPOGRAPHY:
        if ch in text:
            text = text.replace(ch, plain)
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    # NFKC can make typographic characters of its own (the small em dash "﹘" becomes "—").
    for ch, plain in _TYPOGRAPHY:
        if ch in text:
            text = text.replace(ch, plain)
    return _FORMAT_RE.sub("", text)


def fold(text: str) -> str:
    """The key of `text`: the folding rule above. Idempotent: fold(fold(x)) == fold(x)."""
    folded = fold_chars(text).casefold()
    if not folded.isascii():
        # Case folding can undo NFKC ("ß" + a combining accent becomes "ss" + the accent, which
        # composes to "ś"): normalise again, so a key folds to itself.
        folded = unicodedata.normalize("NFKC", folded)
    # split() and join() collapse and trim runs of whitespace without a regex.
    return " ".join(folded.split())


# --- Slugs ------------------------------------------------------------------------------------

_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_JOIN = re.compile(r"[-\s]+")


def ascii_slug(text: str) -> str:
    """Django's `slugify(text)`: accents dropped, then anything but ASCII letters, digits,
    "_" and "-" dropped, spaces and hyphens joined into one "-", lower case."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SLUG_JOIN.sub("-", _SLUG_DROP.sub("", text.lower())).strip("-_")


# Latin letters with a stroke or a ligature have no decomposition to drop an accent from.
_LATIN_PLAIN = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"}
)


def _unicode_slug(key: str) -> str:
    """The slug of a folded, non-ASCII key: Latin letters lose their accents, letters, marks
    and digits of every other script stay as they are, spaces and hyphens join words with one
    "-", and other punctuation and symbols are dropped."""
    decomposed = unicodedata.normalize("NFD", key.translate(_LATIN_PLAIN))
    kept, after_latin, word = [], False, True
    for ch in decomposed:
        category = unicodedata.category(ch)
        if category[0] == "M":
            # A combining mark: an accent on a Latin letter is dropped ("é" -> "e"); on any
            # other script it is part of the letter (Devanagari vowel signs, Arabic harakat).
            if not after_latin:
                kept.append(ch)
            continue
        if category[0] in "LN" or ch == "_":
            kept.append(ch)
            after_latin = ch.isascii() or "LATIN" in unicodedata.name(ch, "")
            word = True
        elif ch.isspace() or ch == "-":
            if word:
                kept.append("-")  # as in `ascii_slug`: spaces and hyphens separate words,
            after_latin, word = False, False
        else:
            after_latin = False  # other punctuation and symbols are dropped
    return unicodedata.normalize("NFC", "".join(kept)).strip("-_")


def title_slug(title: str) -> str:
    """The address of a page titled `title`, from its folded key, in any script.

    Slugs keep the letters of every script (`/wiki/москва/`, `/wiki/東京/`): readable in the
    address bar, reversible, and with no transliteration table to choose per language (pinyin
    without tones or a Russian-only scheme would make unrelated titles collide). Latin letters
    lose their accents, as before, so "Café" and "Cafe" share one address and older addresses
    stay valid. "" when the title has no letter or digit at all.
    """
    key = fold(title)
    return ascii_slug(key) if key.isascii() else _unicode_slug(key)


# --- Names and titles as shown ----------------------------------------------------------------

# Control characters (category Cc: C0, DEL and C1): a line break, a tab, a NUL.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")
# The bidirectional controls: marks (ALM, LRM, RLM), embeddings and overrides, isolates.
_BIDI_RE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_name(name: str) -> str:
    """A name from an archive (an author, a category, a tag) as a wiki title is kept: control
    characters become spaces, runs of whitespace one space, the ends trimmed. A line break in a
    byline would otherwise reach an address, a mail header or a page heading."""
    if name.isprintable() and "  " not in name and name == name.strip():
        return name
    return " ".join(_CONTROL_RE.sub(" ", name).split())


def without_bidi_controls(text: str) -> str:
    """`text` without bidirectional controls, for where no markup can isolate it (a document's
    <title>, a mail subject): an override there would reverse what follows it."""
    return _BIDI_RE.sub("", text)
