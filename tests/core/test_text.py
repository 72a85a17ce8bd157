"""The one text-key rule (core.text): folding, keys and slugs, pinned. Pure: no database."""

import random
import re
import sys
import unicodedata

import pytest

from core.text import _FORMAT_RE, ascii_slug, fold, fold_chars, title_slug

# --- Folding ----------------------------------------------------------------------------------


def test_fold_treats_typographic_variants_alike():
    assert (
        fold("That’s big society – or Our\u00a0Society…")
        == "that's big society - or our society..."
    )
    assert fold("“Quoted”  —  TEXT") == fold('"quoted" - text')


# --- Titles ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typographic", "plain"),
    [
        ("Don\u2019t Panic", "don't panic"),
        ("\u2018Quoted\u2019", "'quoted'"),
        ("\u201cBig\u201d Society", '"big" society'),
        ("2010\u20132011", "2010-2011"),
        ("Cuts \u2014 and more", "cuts - and more"),
        ("Wait\u2026", "wait..."),
        ("Big\u00a0Society", "big society"),
        ("  Big \t\n Society  ", "big society"),
        ("BIG SOCIETY", "big society"),
        ("Stra\u00dfe", "strasse"),
        ("Big\u200bSociety", "bigsociety"),
    ],
)
def test_fold_folds_typography_space_and_case(typographic, plain):
    assert fold(typographic) == plain


def test_typographic_variants_of_a_title_match_one_key():
    variants = [
        "Don\u2019t Panic \u2014 Now\u2026",
        "don't  panic - now...",
        "DON'T PANIC - NOW...",
    ]
    assert len({fold(v) for v in variants}) == 1
    assert len({title_slug(v) for v in variants}) == 1


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Big Society", "big-society"),
        ("Don\u2019t Panic \u2014 Big Society\u2026", "dont-panic-big-society"),
        ("Caf\u00e9 culture", "cafe-culture"),
        ("  Spaces   everywhere ", "spaces-everywhere"),
        ("!!!", ""),
    ],
)
def test_title_slug_is_django_slugify_of_the_folded_title(title, slug):
    assert title_slug(title) == slug


def test_fold_collapses_every_kind_of_space_as_the_regex_did():
    def reference(text):
        return re.sub(r"\s+", " ", fold_chars(text).casefold()).strip()

    spaces = (
        " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2007\u2028\u2029\u202f\u205f\u3000"
    )
    rng = random.Random(4)
    samples = ["  Big\u00a0Society \u2013 “Network”\t", "\u200bzero\u200bwidth", "", " \n "]
    samples += ["".join(rng.choice(spaces + "aB’…") for _ in range(20)) for _ in range(2000)]
    for text in samples:
        assert fold(text) == reference(text), repr(text)


# --- The one rule, where separate folds for the importer and the wiki would disagree ----------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("\u00abBig Society\u00bb", '"big society"'),  # guillemets: the wiki used to keep them
        ("Big So\u00adciety", "big society"),  # soft hyphen: the importer used to keep it
        ("Big\u200dSociety", "bigsociety"),  # zero-width joiner: the importer used to keep it
        ("\u200fBig Society\u200e", "big society"),  # direction marks
        ("\ufb01ve o\ufb03ces", "five offices"),  # ligatures (compatibility forms)
        ("\uff22\uff29\uff27 society", "big society"),  # full-width letters
        ("Big\u202fSociety\u2009now", "big society now"),  # narrow and thin spaces
        ("Small \ufe58 dash", "small - dash"),  # NFKC makes an em dash: folded as well
        ("\u1e9eTRASSE", "sstrasse"),  # capital sharp s folds to "ss"
        ("Caf\u00e9", "caf\u00e9"),  # accents are kept in keys (slugs drop them)
    ],
)
def test_fold_is_one_rule_for_posts_pages_and_links(text, key):
    assert fold(text) == key


def test_fold_is_idempotent():
    rng = random.Random(13)
    alphabet = "aZé\u00ad\u200b\u00ab\u2019\u2014\ufb01\uff21 \u00a0ßİ\u0301Ж"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(12))
        assert fold(fold(text)) == fold(text), repr(text)


def test_every_invisible_format_character_is_dropped():
    if unicodedata.unidata_version != "14.0.0" or sys.version_info[:2] != (3, 11):
        pytest.skip("the list in core.text is written for Unicode 14 (Python 3.11)")
    format_chars = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]
    assert all(_FORMAT_RE.fullmatch(ch) for ch in format_chars)
    assert not _FORMAT_RE.search(
        "".join(chr(c) for c in range(0x10000) if chr(c) not in format_chars)
    )


def test_ascii_slug_is_djangos_slugify():
    from django.utils.text import slugify

    rng = random.Random(7)
    alphabet = "aZ09 -_é!?’ßЖ\t."
    for _ in range(1000):
        text = "".join(rng.choice(alphabet) for _ in range(10))
        assert ascii_slug(text) == slugify(text), repr(text)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Москва", "москва"),
        ("Αθήνα 2004", "αθήνα-2004"),
        ("東京 — 北京", "東京-北京"),
        ("हिन्दी भाषा", "हिन्दी-भाषा"),  # vowel signs and viramas are kept
        ("مرحبا بالعالم", "مرحبا-بالعالم"),
        ("Don’t Москва!", "dont-москва"),  # punctuation dropped, as in ascii_slug
        ("København – Øresund", "kobenhavn-oresund"),  # Latin letters lose accents and strokes
        ("naïve café", "naive-cafe"),
        ("Ｍｏｓｃｏｗ", "moscow"),
        ("🙂", ""),
    ],
)
def test_title_slug_keeps_every_script_and_drops_latin_accents(title, slug):
    assert title_slug(title) == slug


def test_title_slug_of_an_ascii_key_is_the_same_on_either_path():
    from core.text import _unicode_slug

    rng = random.Random(3)
    for _ in range(3000):
        key = "".join(rng.choice("ab -_!.'09") for _ in range(8))
        assert _unicode_slug(key) == ascii_slug(key), repr(key)
