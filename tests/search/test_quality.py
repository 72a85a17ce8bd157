"""Search quality over a small archive that pins the ranking rules: matching topics first, a
title or an exact phrase above a passing mention, the query's own words in a title above their
stemmed relatives; snippets that start at a sentence; "Did you mean …?" for a close topic."""

import re

import pytest
from django.urls import reverse

from search.services import SearchParams, search
from tests.wiki.conftest import make_page

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")


def titles(q: str, **params) -> list[str]:
    results = search(SearchParams(q=q, page=params.pop("page", "1"), **params))
    return [hit.title for hit in results.hits]


def snippet_of(q: str) -> str:
    [hit] = search(SearchParams(q=q, page="1")).hits
    return hit.snippet_html


# --- Ranking ---------------------------------------------------------------------------------


def test_the_querys_own_word_in_a_title_outranks_a_stemmed_relative(make_post):
    make_post(
        "Big day for Big Society Network",
        body="The network grew. Network events, network people, a network of networks.",
    )
    make_post("Networking Big Society", body="Notes from the evening.")
    assert titles("networking") == ["Networking Big Society", "Big day for Big Society Network"]


def test_a_title_hit_outranks_a_body_full_of_the_word(make_post):
    make_post("Diary", body="Allotments. " * 40)
    make_post("Allotments in spring", body="A short note.")
    assert titles("allotment") == ["Allotments in spring", "Diary"]


def test_an_exact_phrase_outranks_the_words_apart(make_post):
    make_post("Apart", body="A big day, a big crowd, a big cheer for our society and its society.")
    make_post("Together", body="They spoke about the big society once.")
    assert titles("big society") == ["Together", "Apart"]


def test_a_title_hit_outranks_a_phrase_in_a_body(make_post):
    make_post("Notes", body="They spoke about the big society.")
    make_post("Society is big", body="Plans.")
    assert titles("big society") == ["Society is big", "Notes"]


def test_wiki_pages_rank_by_the_same_rules(make_post):
    make_post("A diary", body="Networking, networking and more networking.")
    make_page("Networking", "How we meet.")
    assert titles("networking") == ["Networking", "A diary"]


# --- Topics ------------------------------------------------------------------------------------


def test_matching_topics_come_first_as_a_small_group(client, make_post, make_topic):
    make_topic("Volunteering in Leeds")
    make_topic("Volunteering")
    make_topic("Councils")
    make_post("Weekend report", body="Volunteers met the council.")
    results = search(SearchParams(q="volunteers", page="1"))
    assert [t.name for t in results.topics] == ["Volunteering", "Volunteering in Leeds"]
    assert results.topics[0].url == "/topics/volunteering/"
    html = client.get(SEARCH, {"q": "volunteers"}).content.decode()
    assert html.index('class="search-topics"') < html.index('class="hit-list"')
    assert re.search(r'<a href="/topics/volunteering/">Volunteering</a>', html)


def test_topics_are_left_out_of_later_pages_and_filtered_searches(make_post, make_topic):
    make_topic("Volunteering")
    make_post("Volunteering news", body="Text.")
    assert search(SearchParams(q="volunteering", page="1")).topics
    assert not search(SearchParams(q="volunteering", page="1", kind="posts")).topics
    assert not search(SearchParams(q="volunteering", page="1", topic="volunteering")).topics


def test_a_topic_alone_is_a_result_worth_showing(client, make_topic):
    make_topic("Chain Reaction")
    html = client.get(SEARCH, {"q": "chain reaction"}).content.decode()
    assert '<a href="/topics/chain-reaction/">Chain Reaction</a>' in html
    assert "Check the spelling" not in html


# --- Snippets ----------------------------------------------------------------------------------


def test_a_snippet_starts_at_the_sentence_with_the_word_and_says_when_text_goes_on(make_post):
    body = "Opening words about nothing. The allotment society met on Tuesday. " + "More " * 50
    make_post("Minutes", body=body)
    assert snippet_of("allotment") == "The <mark>allotment</mark> society met on Tuesday. …"


def test_a_word_deep_in_a_long_sentence_is_shown_after_an_ellipsis(make_post):
    body = "We " + "walked " * 60 + "to the allotment at last and sat down."
    make_post("Walk", body=body)
    shown = snippet_of("allotment")
    assert shown.startswith("… walked") and "<mark>allotment</mark>" in shown


def test_wiki_snippet_has_no_markdown_and_no_heading_run_into_a_sentence():
    make_page("Plans", "## Allotment plans\n\nThe group meets weekly.\n\n## Later\n\nMore.")
    shown = snippet_of("allotment")
    assert "##" not in shown and "plans The" not in shown
    assert shown == "<mark>Allotment</mark> plans …"
    make_page("Group", "## Meetings\n\nThe beekeeping group meets weekly. It is open to all.")
    assert snippet_of("beekeeping") == (
        "The <mark>beekeeping</mark> group meets weekly. It is open to all."
    )


# --- Did you mean ------------------------------------------------------------------------------


def test_a_typo_close_to_a_topic_asks_did_you_mean(client, make_post, make_topic, trigram):
    make_topic("Volunteering")
    make_post("Weekend report", body="Nothing about it.")
    results = search(SearchParams(q="volnteering", page="1"))
    assert results.total == 0
    assert [(s.kind_label, s.title, s.url) for s in results.suggestions] == [
        ("Topic", "Volunteering", "/topics/volunteering/")
    ]
    html = client.get(SEARCH, {"q": "volnteering"}).content.decode()
    assert "Did you mean" in html and '<a href="/topics/volunteering/">Volunteering</a>' in html


# --- Accents -----------------------------------------------------------------------------------


def test_accents_are_folded_both_ways(make_post, unaccent):
    make_post("Café society", body="We met at the café.")
    make_post("Cafe culture", body="A cafe on every corner.")
    assert sorted(titles("cafe")) == ["Cafe culture", "Café society"]
    assert sorted(titles("café")) == ["Cafe culture", "Café society"]
    [hit] = search(SearchParams(q="cafe society", page="1")).hits
    assert hit.title_html == "<mark>Café</mark> <mark>society</mark>"


def test_an_accented_word_in_a_title_counts_as_the_querys_own_word(make_post, unaccent):
    make_post("Naïve questions", body="Asked.")
    make_post("Questions", body="Some naive ones. Naive, naive.")
    assert titles("naive") == ["Naïve questions", "Questions"]


@pytest.mark.parametrize(
    "typed, meant",
    [("socety", "Big Society"), ("camron", "David Cameron"), ("Nat Wie", "Nat Wei")],
)
def test_a_misspelled_query_that_matches_nothing_suggests_the_nearest_topic(
    make_post, make_topic, trigram, typed, meant
):
    for name in ("Big Society", "David Cameron", "Nat Wei", "Social action", "Networking"):
        make_topic(name)
    make_post("Weekend report", body="Nothing about it.")
    results = search(SearchParams(q=typed, page="1"))
    assert results.total == 0
    assert results.suggestions and results.suggestions[0].title == meant


def test_did_you_mean_never_appears_for_a_query_that_was_spelled_right_and_matched(
    client, make_post, make_topic, trigram
):
    make_topic("Chain Reaction")
    make_post("An amazing day with Chain Reaction", body="A march.")
    results = search(SearchParams(q="chain reaction", page="1"))
    assert results.total == 1 and results.suggestions == []
    assert "Did you mean" not in client.get(SEARCH, {"q": "chain reaction"}).content.decode()


# --- Matched only by stemming --------------------------------------------------------------------


def test_a_query_matched_only_by_stemming_says_so_and_names_the_forms_found(client, make_post):
    make_post("Volunteering in Leeds", body="Volunteers met on Tuesday.")
    results = search(SearchParams(q="volunteered", page="1"))
    assert results.total == 1
    assert results.other_forms == ["Volunteering", "Volunteers"]
    html = client.get(SEARCH, {"q": "volunteered"}).content.decode()
    assert "Nothing here has “volunteered” spelled as you typed it" in html
    assert "such as “Volunteering” and “Volunteers”" in html


def test_a_query_found_as_typed_says_nothing_about_stemming(client, make_post):
    make_post("Volunteering in Leeds", body="Volunteers met on Tuesday.")
    make_post("Who volunteered", body="Many people.")
    assert search(SearchParams(q="volunteered", page="1")).other_forms == []
    assert "spelled as you typed" not in client.get(SEARCH, {"q": "volunteered"}).content.decode()


def test_an_accent_typed_or_left_out_is_not_taken_for_stemming(make_post, unaccent):
    make_post("La Société Générale", body="Une banque.")
    make_post("Societe news", body="Unaccented.")
    for query in ("societe", "société"):
        results = search(SearchParams(q=query, page="1"))
        assert sorted(hit.title for hit in results.hits) == ["La Société Générale", "Societe news"]
        assert results.other_forms == [], query
