"""Diffs of wiki text, escaped and marked up. Pure: no Django models.

- `word_diff(old, new)`: the whole text, removed words in <del>, added words in <ins> (the edit
  conflict screen, where the editor needs all of it).
- `hunk_diff(old, new)`: only the changed lines with a few lines of context around them, grouped
  into hunks, each changed line paired with the line it replaced and marked word by word (the
  diff page, as Wikipedia draws it: side by side on a wide screen, one above the other on a phone).
"""

import difflib
import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Words and the whitespace between them are separate tokens, so the diff keeps the layout.
_TOKENS = re.compile(r"\s+|[^\s]+")
# Lines of unchanged text shown around each change.
CONTEXT_LINES = 2


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def _word_pieces(old: str, new: str) -> tuple[list[str], list[str]]:
    """Escaped pieces of each side, with what only that side has wrapped in <del> or <ins>."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same = escape("".join(a[i1:i2]))
            left.append(same)
            right.append(same)
            continue
        if op in ("delete", "replace"):
            left.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            right.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return left, right


def word_diff(old: str, new: str) -> SafeString:
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


@dataclass(frozen=True)
class Row:
    """One line of a hunk. `kind`: "context" (the same on both sides), "change" (a line and the
    line that replaced it), "delete" (only old) or "insert" (only new). Line numbers count from 1;
    None where that side has no line."""

    kind: str
    old_number: int | None
    old_html: SafeString
    new_number: int | None
    new_html: SafeString


@dataclass(frozen=True)
class Hunk:
    old_start: int
    new_start: int
    rows: list[Row] = field(default_factory=list)

    @property
    def changed(self) -> int:
        """Rows that differ (not context)."""
        return sum(row.kind != "context" for row in self.rows)


def _safe(pieces: list[str] | str) -> SafeString:
    return mark_safe(pieces if isinstance(pieces, str) else "".join(pieces))  # noqa: S308


def hunk_diff(old: str, new: str, context: int = CONTEXT_LINES) -> list[Hunk]:
    """The changes from `old` to `new` as hunks of lines, `context` unchanged lines around each;
    [] when the texts are the same. Everything is escaped."""
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        hunk = Hunk(old_start=group[0][1] + 1, new_start=group[0][3] + 1)
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                hunk.rows.extend(
                    Row("context", i + 1, _safe(escape(a[i])), j + 1, _safe(escape(b[j])))
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                )
                continue
            # A replaced block pairs its lines in order; what is left over is removed or added.
            paired = min(i2 - i1, j2 - j1) if op == "replace" else 0
            for k in range(paired):
                left, right = _word_pieces(a[i1 + k], b[j1 + k])
                hunk.rows.append(Row("change", i1 + k + 1, _safe(left), j1 + k + 1, _safe(right)))
            for i in range(i1 + paired, i2):
                hunk.rows.append(
                    Row("delete", i + 1, _safe(f"<del>{escape(a[i])}</del>"), None, _safe(""))
                )
            for j in range(j1 + paired, j2):
                hunk.rows.append(
                    Row("insert", None, _safe(""), j + 1, _safe(f"<ins>{escape(b[j])}</ins>"))
                )
        hunks.append(hunk)
    return hunks
