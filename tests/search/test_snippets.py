"""Picking a snippet from a marked text: pure, no database."""

from search.snippets import BLOCK, START_SEL, STOP_SEL, Marker, fold_accents, snippet


def mark(word: str) -> str:
    return f"{START_SEL}{word}{STOP_SEL}"


def test_snippet_starts_at_the_first_sentence_with_a_mark():
    text = f"One. Two has {mark('it')}. Three."
    assert snippet(text) == f"Two has {mark('it')}. Three."


def test_snippet_without_a_mark_is_the_opening():
    assert snippet("One two. Three four.", max_words=2) == "One two. …"


def test_snippet_never_crosses_a_block():
    text = f"Heading {mark('word')}{BLOCK}Next sentence."
    assert snippet(text) == f"Heading {mark('word')} …"


def test_blank_lines_end_a_block():
    assert snippet(f"{mark('A')} title\n\nBody text.") == f"{mark('A')} title …"


def test_a_long_sentence_is_cut_at_a_word_with_an_ellipsis():
    text = "word " * 50 + "end."
    shown = snippet(text, max_words=10)
    assert shown == "word " * 10 + "…"


def test_empty_text_has_no_snippet():
    assert snippet("") == "" and snippet(f"  {BLOCK} ") == ""


def test_marker_marks_every_word_a_stem_comes_from_whatever_its_case_or_accents():
    marker = Marker(["volunt", "societi", "cafe"])
    assert marker.mark("Volunteers of the big society, volunteering at the Café.") == (
        f"{mark('Volunteers')} of the big {mark('society')}, {mark('volunteering')} at the "
        f"{mark('Café')}."
    )


def test_a_short_lexeme_marks_whole_words_only():
    marker = Marker(["co-op", "co", "op"])
    assert marker.mark("Co-ops and the council, co op.") == (
        f"{mark('Co-ops')} and the council, {mark('co')} {mark('op')}."
    )


def test_a_marker_without_lexemes_leaves_text_alone():
    assert Marker([]).mark("Text <b>as is</b>.") == "Text <b>as is</b>."


def test_folding_drops_accents_character_for_character_and_leaves_the_rest():
    text = "Café “naïve” — Zoë’s façade: ﬁne; 東京 ok"
    folded = fold_accents(text)
    assert folded == "Cafe “naive” — Zoe’s facade: ﬁne; 東京 ok"
    assert len(folded) == len(text)  # offsets found in the folded text hold in the original
    assert fold_accents("plain") == "plain"


def test_marks_land_on_accented_words_among_typographic_quotes():
    marked = Marker(["cafe"]).mark("The “Café” and the cafe’s café.")
    assert marked == f"The “{mark('Café')}” and the {mark('cafe')}’s {mark('café')}."
