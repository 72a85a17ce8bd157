"""Attributes of an HTML tag or a WordPress shortcode, read as WordPress reads them. Pure.

Shared by the readers (a `[gallery]`'s `ids=`) and the preparing stage (`importer.prepare.wpbody`:
captions, players, code); it lives with the readers because they may not import the stages
after them.
"""

from __future__ import annotations

import html
import re

# name=value with the value in double quotes, single quotes or bare, as shortcode_parse_atts
# (wp-includes/shortcodes.php) and an HTML start tag both allow.
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>\]]+))""")


def attributes(text: str) -> dict[str, str]:
    """Attributes of a tag or shortcode, names lower-cased, values HTML-unescaped."""
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTR.finditer(text)
    }
