"""Small helpers for writing SVG text by hand: escaping, safe links, number formatting.

Shared by the topic map and the timeline. No Django, no database: strings in, strings out.
"""

import hashlib
import re
import unicodedata
from html import escape

# XML 1.0 forbids most C0 control characters even when escaped; one stray byte from an archive
# would make the whole SVG unparseable, so they are dropped before escaping.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Link schemes a map node may point at. Anything else (javascript:, data:, …) becomes "#".
SAFE_URL_SCHEMES = frozenset({"http", "https", "mailto"})
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")

# Advance widths as fractions of the font size, rounded up from DejaVu Sans (the sans-serif a
# Debian browser falls back to, and wider than most): label boxes are estimated from them, so a
# label's real box fits inside its estimate. Measuring real glyphs would need font files here.
CHAR_WIDTH_EM = 0.64
_NARROW = dict.fromkeys("iljI.,:;'!|", 0.3) | dict.fromkeys("ftrJ()- ", 0.42)
_WIDE = dict.fromkeys("mwMW", 1.0) | dict.fromkeys("ABCDGHKNOQRUVXZ&", 0.8)
CHAR_WIDTHS = _NARROW | _WIDE
FULL_WIDTH_EM = 1.0

ELLIPSIS = "…"


def text(value: object) -> str:
    """Escape data for an SVG text node or attribute value (quotes included)."""
    return escape(_XML_INVALID.sub("", str(value)), quote=True)


def safe_href(url: str) -> str:
    """The URL escaped for an attribute, or "#" when its scheme could run script."""
    # Read the scheme the way a browser does (WHATWG URL): tabs and newlines anywhere are
    # ignored and leading/trailing controls and spaces are stripped, so "java\tscript:" counts.
    compact = re.sub("[\t\n\r]", "", url).strip(_C0_AND_SPACE)
    scheme = _SCHEME.match(compact)
    if scheme and scheme.group(1).lower() not in SAFE_URL_SCHEMES:
        return "#"
    return text(compact)


def num(value: float) -> str:
    """A coordinate with one decimal, without a trailing ".0" or a negative zero."""
    rounded = round(value, 1)
    if rounded == 0:
        return "0"
    return f"{rounded:.1f}".removesuffix(".0")


def truncate(label: str, max_chars: int) -> str:
    """Cut a label to `max_chars`, ending in "…" when anything was cut."""
    label = " ".join(_XML_INVALID.sub("", label).split())
    if len(label) <= max_chars:
        return label
    return label[: max_chars - 1].rstrip() + ELLIPSIS


def text_width(label: str, font_size: float) -> float:
    """Estimated rendered width of `label` in user units."""
    return font_size * sum(_char_width(ch) for ch in label)


def _char_width(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in "WF":
        return FULL_WIDTH_EM
    return CHAR_WIDTHS.get(ch, CHAR_WIDTH_EM)


def id_prefix(kind: str, *parts: object) -> str:
    """A short id prefix derived from the content, so two SVGs on one page get distinct ids
    while the same input still gives the same output."""
    digest = hashlib.sha1(repr(parts).encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"{kind}-{digest[:8]}"
