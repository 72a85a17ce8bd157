"""Title skeletons (Unicode TR39, section 4): two titles with the same skeleton look alike,
whatever their scripts ("Café" in Latin and "Cаfé" with a Cyrillic "а"). Pure: no Django.

The data is Unicode's confusables.txt as the confusable-homoglyphs package ships it
(confusables.json): for every character, the characters it can be confused with. There each
source character lists its prototype and the prototype lists its sources, so a class of
look-alikes is one connected group; every member is written as one representative: a
multi-character prototype when the class has one ("ﬁ" is "fi"), else the member listing the most
look-alikes (the prototype), the smallest code point breaking a tie. Equal skeletons mean what
TR39's do; only the representative may differ from TR39's prototype.

skeleton(text): the title's key (core.text.fold: typography, compatibility forms and case made
plain), NFD, each character its representative, NFD again.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from importlib import resources

from core.text import fold

_MARKS = "\u200e\u200f"


@cache
def _representatives() -> dict[str, str]:
    data = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for char, entries in data.items():
        for entry in entries:
            # Right-to-left look-alikes come wrapped in direction marks, which are not part of
            # how they look.
            a, b = find(char.strip(_MARKS)), find(entry["c"].strip(_MARKS))
            if a != b:
                parent[a] = b
    classes: dict[str, list[str]] = {}
    for member in list(parent):
        classes.setdefault(find(member), []).append(member)
    mapping: dict[str, str] = {}
    for members in classes.values():
        longer = [m for m in members if len(m) > 1]
        if longer:
            chosen = min(longer)
        else:
            chosen = min(members, key=lambda m: (-len(data.get(m, ())), m))
        for member in members:
            if len(member) == 1 and member != chosen:
                mapping[member] = chosen
    return mapping


def skeleton(title: str) -> str:
    """The look of `title`: equal for titles a reader cannot tell apart. Case is folded first,
    as in the page's key: titles differing only in case are one page already, and a look-alike
    is judged on the small letters (a Cyrillic "С" folds to "с", which looks like "c")."""
    text = unicodedata.normalize("NFD", fold(title))
    mapping = _representatives()
    mapped = "".join(mapping.get(ch, ch) for ch in text)
    return " ".join(unicodedata.normalize("NFD", mapped).split())
