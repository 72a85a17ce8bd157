"""Marker.first: where a snippet looks for its sentence. ASCII text takes a path of its own
(str.find), which must find what the regular expression finds. Pure, no database."""

import random

from search.snippets import Marker


def regex_first(marker: Marker, text: str) -> int:
    found = marker._words.search(text)
    return found.start() if found else -1


def test_the_first_match_starts_a_word_whatever_its_case():
    marker = Marker(["volunt", "societi"])
    assert marker.first("Involved volunteers and the Big Society") == 9
    assert marker.first("SOCIETY first, then volunteers") == 0
    assert marker.first("nothing here") == -1


def test_a_short_lexeme_is_found_as_a_whole_word_only():
    marker = Marker(["co"])
    assert marker.first("The council and the co-op") == 20
    assert marker.first("council, coop") == -1


def test_a_lexeme_starting_with_punctuation_needs_a_word_before_it():
    marker = Marker(["-op"])
    assert marker.first("a -op and co-op") == 12


def test_ascii_text_finds_what_the_regular_expression_finds():
    rng = random.Random(26)
    for _ in range(5000):
        lexemes = [
            "".join(rng.choice("abco-_9'") for _ in range(rng.randint(1, 4)))
            for _ in range(rng.randint(1, 3))
        ] + rng.choice([[], ["ci"], ["i"]])
        marker = Marker(lexemes)
        text = "".join(rng.choice("abcoAB_ -.'9\n") for _ in range(rng.randint(0, 25)))
        assert marker.first(text) == regex_first(marker, text), (lexemes, text)


def test_text_past_ascii_is_searched_by_the_regular_expression():
    marker = Marker(["cafe"])
    assert marker.first("Le “Café” ouvert") == 4
