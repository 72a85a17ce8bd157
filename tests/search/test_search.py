"""Search over real PostgreSQL: ranking, stemming, syntax, filters, snippets, typos, hostile input,
pagination, query counts, and vectors kept current on save and on import."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.cache import site_changed
from core.text import fold
from importer.pipeline import import_archive
from posts.models import Post
from search import services
from search.services import CANDIDATES, RESULTS_PER_PAGE, SearchParams, search
from tests.posts.conftest import build_archive
from tests.wiki.conftest import make_page

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")


def find(q: str, **params) -> list[str]:
    """Titles found for `q`, best first (one page)."""
    results = search(SearchParams(q=q, page=params.pop("page", "1"), **params))
    assert results.redirect is None
    return [hit.title for hit in results.hits]


def get(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response.content.decode()


# --- Matching and ranking --------------------------------------------------------------------


def test_title_hit_outranks_body_mentions(make_post):
    make_post("A diary of small things", body="Volunteering, volunteering and more volunteering.")
    make_post("Volunteering in Leeds", body="A report from the north.")
    assert find("volunteering") == ["Volunteering in Leeds", "A diary of small things"]


def test_stemming_lets_volunteers_find_volunteering(make_post):
    make_post("Weekend report", body="Everyone enjoyed volunteering at the fair.")
    make_post("Unrelated", body="Councils met in March.")
    assert find("volunteers") == ["Weekend report"]


def test_quoted_phrase_needs_the_words_together_and_in_order(make_post):
    make_post("Together", body="We talked about the big society all day.")
    make_post("Apart", body="A big day for society.")
    make_post("Reversed", body="Society is big.")
    assert find('"big society"') == ["Together"]
    assert set(find("big society")) == {"Together", "Apart", "Reversed"}


def test_minus_leaves_out_posts_with_the_word(make_post):
    make_post("Volunteers and councils", body="Volunteering with the council.")
    make_post("Volunteers alone", body="Volunteering with neighbours.")
    assert find("volunteering -council") == ["Volunteers alone"]


def test_or_finds_either_word(make_post):
    make_post("About gardens", body="Knowledge gardening.")
    make_post("About hubs", body="An innovation hub.")
    make_post("About neither", body="Something else.")
    assert set(find("gardening OR hub")) == {"About gardens", "About hubs"}
    assert find("gardening hub") == []


def test_search_vector_follows_a_saved_edit(make_post):
    post = make_post("Changing post", body="About allotments.")
    post.body = "About beekeeping."
    post.save()
    assert find("beekeeping") == ["Changing post"]
    assert find("allotments") == []


def test_search_vector_follows_an_import_and_a_reimport(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Imported post\n\nAbout allotments. read more »\n\nOther\n\nText.\n")
    import_archive(path, vocabulary=[])
    assert find("allotment") == ["Imported post"]
    path.write_text("Imported post\n\nAbout beekeeping. read more »\n\nOther\n\nText.\n")
    import_archive(path, vocabulary=[])
    assert find("beekeeping") == ["Imported post"]
    assert find("allotment") == []


# --- Filters ---------------------------------------------------------------------------------


def test_topic_filter_keeps_only_that_topics_posts(make_post, make_topic):
    nesta, other = make_topic("NESTA"), make_topic("Other")
    make_post("Funding news", body="Money for volunteering.", topics=[nesta])
    make_post("More funding", body="Money for volunteering.", topics=[other])
    assert find("volunteering", topic="nesta") == ["Funding news"]


def test_search_page_names_the_topic_filter_and_an_unknown_topic(client, make_post, make_topic):
    make_topic("NESTA")
    make_post("Funding news", body="Money for volunteering.")
    assert 'in <a href="/topics/nesta/">NESTA</a>' in get(client, q="volunteering", topic="nesta")
    html = get(client, q="volunteering", topic="no-such-topic")
    assert "There is no topic “no-such-topic”" in html
    assert "Funding news" not in html


def test_kind_filter_keeps_posts_and_ignores_unknown_kinds(client, make_post):
    make_post("Volunteering in Leeds", body="Report.")
    assert find("leeds", kind="posts") == ["Volunteering in Leeds"]
    assert "Volunteering in <mark>Leeds</mark>" in get(client, q="leeds", kind="nonsense")


# --- What a hit shows --------------------------------------------------------------------------


def test_snippet_marks_the_matched_word_and_escapes_the_rest(client, make_post):
    make_post(
        "Hostile <em>post</em>",
        body='Before <script>alert("x")</script> we were volunteering & "more" <b>bold</b>.',
    )
    html = get(client, q="volunteering")
    start = html.index('class="hit-list"')
    hit = html[start : html.index("</ol>", start)]
    assert "<mark>volunteering</mark>" in hit
    # ts_headline drops what its parser takes for tags; everything left is escaped.
    assert "alert(&quot;x&quot;)" in hit and "&amp; &quot;more&quot;" in hit
    assert "<script" not in hit and "<b>" not in hit and "<em>" not in hit
    assert "Hostile &lt;em&gt;post&lt;/em&gt;" in hit


def test_title_is_marked_too(make_post):
    make_post("Volunteering in Leeds", body="Report.")
    [hit] = search(SearchParams(q="volunteer", page="1")).hits
    assert hit.title_html == "<mark>Volunteering</mark> in Leeds"


def test_snippet_shows_the_part_of_a_long_body_with_the_word(make_post):
    body = " ".join(["filler"] * 300) + " the allotment society met " + " ".join(["tail"] * 300)
    make_post("Long post", body=body)
    [hit] = search(SearchParams(q="allotment", page="1")).hits
    assert "<mark>allotment</mark>" in hit.snippet_html
    assert len(hit.snippet_html) < 600


# --- Exact titles and typos ----------------------------------------------------------------


def test_exact_title_jumps_to_its_post_whatever_the_case_and_quotes(client, make_post):
    title = "That’s Big Society – or Our Society"
    post = make_post(title, key=fold(title), body="Text.")
    response = client.get(SEARCH, {"q": "  that's BIG society - or our society "})
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()


def test_exact_title_with_a_filter_or_page_shows_results_instead(client, make_post, make_topic):
    make_topic("NESTA")
    make_post("Volunteering", key="volunteering", body="Text.")
    assert client.get(SEARCH, {"q": "volunteering", "topic": "nesta"}).status_code == 200
    assert client.get(SEARCH, {"q": "volunteering", "page": "1"}).status_code == 200


def test_typo_in_a_title_suggests_the_post(client, make_post, trigram):
    post = make_post("Volunteering in Leeds", body="A report from the north.")
    make_post("Councils in March", body="Minutes.")
    # "volunterring" would stem to the same word as "volunteering"; this typo does not.
    html = get(client, q="volnteering leeds")
    assert "Nothing matched" in html
    assert re.search(rf'<a href="{post.get_absolute_url()}">Volunteering in Leeds</a>', html)
    assert "Councils in March" not in html


def test_typo_suggestions_sit_beside_few_results(make_post, trigram):
    make_post("Neighbourhood Challenge news", body="Grants.")
    make_post("Other post", body="Neighbourhood work.")
    results = search(SearchParams(q="neighborhood chalenge", page="1"))
    assert results.total == 0 and results.trigram
    assert [s.title for s in results.suggestions] == ["Neighbourhood Challenge news"]


def test_a_sentence_that_matches_nothing_gets_no_typo_lookup(make_post, trigram):
    # Typos are looked for in queries of a few words; a sentence's trigrams are in most titles.
    make_post("Organisers changed the date", body="Minutes.")
    results = search(SearchParams(q="organisers have since changed the dates again", page="1"))
    assert results.total == 0 and not results.trigram and results.suggestions == []
    results = search(SearchParams(q="organsers changed dates", page="1"))
    assert results.trigram
    assert [s.title for s in results.suggestions] == ["Organisers changed the date"]


def test_without_pg_trgm_a_typo_finds_nothing_and_says_nothing_wrong(
    client, make_post, monkeypatch
):
    # Run on every server: where pg_trgm is installed, search is told it is not, as it would
    # find on one without it (the trigram lookups are then never asked).
    monkeypatch.setattr(services, "trigram_available", lambda using="default": False)
    make_post("Volunteering in Leeds", body="A report.")
    html = get(client, q="volnteering")
    assert "Nothing matched" in html and "Did you mean" not in html


# --- Friendly pages for odd queries ----------------------------------------------------------


def test_empty_search_page_invites_a_query(client):
    html = get(client)
    assert "Type a word or two" in html
    assert len(re.findall(r"<h1[\s>]", html)) == 1


def test_punctuation_only_query_gets_a_friendly_page(client):
    assert "has no letters or numbers" in get(client, q="!!! ... ???")


def test_exclusions_alone_get_a_friendly_page(client, make_post):
    make_post("Anything", body="Text.")
    assert "only leaves words out" in get(client, q="-council")


def test_very_long_query_is_cut_and_says_so(client, make_post):
    make_post("Volunteering in Leeds", body="Report.")
    html = get(client, q="volunteering " + "x" * 10_000)
    assert "longer than 200 characters" in html


@pytest.mark.parametrize(
    "q",
    [
        "' OR 1=1 --",
        "'; DROP TABLE posts_post; --",
        '"unbalanced',
        'un"bal"anced"',
        "!!!",
        "-",
        "OR OR",
        "& | ! <-> :* ( )",
        "x" * 10_000,
        "\ufffd\ufffe\U0001f600",
        "<script>alert(1)</script>",
        "the and of",
        "%00%ff",
        "a:*B & !c",
    ],
)
def test_hostile_query_gets_a_page_never_an_error(client, make_post, q):
    make_post("Volunteering in Leeds", body="A report from the north.")
    response = client.get(SEARCH, {"q": q, "kind": q, "topic": q, "page": q})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()
    assert Post.objects.count() == 1


def test_raw_undecodable_query_string_gets_a_page(client):
    assert client.get(SEARCH + "?q=%ff%fe%c3&page=%ff").status_code == 200


def test_nul_in_the_query_gets_the_sites_bad_request_page(client):
    # core.middleware refuses NUL in any address before a view runs; the search service
    # strips it too (see test_params), for callers that are not requests.
    response = client.get(SEARCH + "?q=a%00b")
    assert response.status_code == 400


# --- Pagination and query counts -------------------------------------------------------------


def test_results_are_paginated(client, make_post):
    for n in range(RESULTS_PER_PAGE * 2 + 5):
        make_post(f"Allotment note {n}", body="About allotments.")
    assert len(find("allotment")) == RESULTS_PER_PAGE
    assert len(find("allotment", page="3")) == 5
    assert len(find("allotment", page="99")) == 5  # past the end: the last page
    assert len(find("allotment", page="x")) == RESULTS_PER_PAGE
    html = get(client, q="allotment", page="2")
    assert "45 results" in html and "page 2 of 3" in html
    assert 'href="?q=allotment&amp;page=3"' in html


def test_a_common_word_ranks_a_bounded_candidate_set(monkeypatch, make_post):
    monkeypatch.setattr(services, "CANDIDATES", 10)
    make_post("Allotment guide", body="Everything about plots.")
    for n in range(30):
        make_post(f"Note {n}", body="An allotment.")
    results = search(SearchParams(q="allotment", page="1"))
    assert results.more and results.total <= 2 * 10
    assert results.hits[0].title == "Allotment guide"  # title hits are always candidates


def test_a_title_hit_past_the_first_rows_is_still_a_candidate(monkeypatch, make_post):
    monkeypatch.setattr(services, "CANDIDATES", 10)
    for n in range(40):
        make_post(f"Note {n}", body="An allotment.")
    make_post("Allotment guide", body="Everything about plots.")  # the newest row
    results = search(SearchParams(q="allotment", page="1"))
    assert results.more
    assert results.hits[0].title == "Allotment guide"


def test_a_word_only_in_rows_past_the_head_is_found_through_the_index(monkeypatch, make_post):
    # Body hits are looked for first among the first rows in order (2 × CANDIDATES of them);
    # a word that is not there often enough is still found in every later row, once each.
    monkeypatch.setattr(services, "CANDIDATES", 5)
    for n in range(30):
        make_post(f"Note {n}", body="About beekeeping." if n == 0 else "About plots.")
    for n in range(3):
        make_post(f"Late note {n}", body="About beekeeping.")
    results = search(SearchParams(q="beekeeping", page="1"))
    assert sorted(hit.title for hit in results.hits) == [
        "Late note 0",
        "Late note 1",
        "Late note 2",
        "Note 0",
    ]
    assert results.total == 4 and not results.more
    # A common word fills its candidates from the first rows alone.
    results = search(SearchParams(q="plots", page="1"))
    assert results.total == 5 and results.more
    assert {hit.title for hit in results.hits} == {f"Note {n}" for n in range(1, 6)}


def test_a_title_hit_whose_body_has_an_excluded_word_is_left_out(make_post):
    make_post("Volunteers", body="Volunteering with the council.")
    make_post("Volunteers too", body="Volunteering with neighbours.")
    assert find("volunteers -council") == ["Volunteers too"]


def test_topic_filter_holds_in_the_head_rows_and_after_them(monkeypatch, make_post, make_topic):
    monkeypatch.setattr(services, "CANDIDATES", 2)
    nesta, other = make_topic("NESTA"), make_topic("Other")
    for n in range(10):
        make_post(f"Other {n}", body="Money for volunteering.", topics=[other])
    make_post("Funding news", body="Money for volunteering.", topics=[nesta])
    assert find("volunteering", topic="nesta") == ["Funding news"]
    assert "Funding news" not in find("volunteering", topic="other")


def test_search_page_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(services, "CANDIDATES", 1000)  # every match ranked: the largest pages
    build_archive(240)
    for n in range(3):
        make_page(f"Wiki words {n}", "More words here, in the wiki.")
    services.trigram_available()  # asked once per process; not part of the page's count
    # exact title (both kinds in one), ranked candidates of both kinds, hits of each kind on the
    # page, matching topics (first page only), topics for the filter
    with django_assert_max_num_queries(6):
        html = get(client, q="words")
    assert "243 results" in html and "Wiki <mark>words</mark> 0" in html
    build_archive(240)
    with django_assert_max_num_queries(6):
        html = get(client, q="words", page="20")
    assert "483 results" in html
    # a topic filter adds its lookup (and skips the exact titles); few hits add the typo lookup
    with django_assert_max_num_queries(6):
        get(client, q="nothingmatchesthis", topic="topic-0000-01")


def test_results_are_kept_for_the_generation_and_searched_again_after_a_write(
    client, make_post, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600  # keep results between writes, as in production
    # A logged-in reader: the page cache stays out of it, so this tests the results' own cache.
    client.force_login(get_user_model().objects.create_user("reader"))
    make_post("Allotment guide", body="Plots.")
    assert "<mark>Allotment</mark> guide" in get(client, q="allotment")
    with CaptureQueriesContext(connection) as queries:
        html = get(client, q="allotment")
    assert "<mark>Allotment</mark> guide" in html
    assert not any("ts_rank" in q["sql"] or "ts_headline" in q["sql"] for q in queries)
    with django_capture_on_commit_callbacks(execute=True):
        make_post("Allotment news", body="More plots.")
        site_changed()  # what every write readers can see does
    assert "<mark>Allotment</mark> news" in get(client, q="allotment")


def test_candidate_cap_holds_at_least_three_pages():
    assert CANDIDATES >= 3 * RESULTS_PER_PAGE


# --- The header search box -----------------------------------------------------------------


def test_every_page_has_a_labelled_search_box_in_the_header(client, make_post):
    post = make_post("Volunteering in Leeds")
    for url in (reverse("posts:home"), reverse("posts:topic_list"), post.get_absolute_url()):
        html = client.get(url).content.decode()
        header = html[html.index('<header class="site-header"') : html.index("</header>")]
        assert 'role="search"' in header and f'action="{SEARCH}"' in header
        assert re.search(r'<label[^>]+for="site-search-q"', header)
        assert re.search(r'<input id="site-search-q" type="search" name="q"', header)


def test_the_results_page_has_one_search_box(client, make_post):
    make_post("Volunteering in Leeds")
    html = get(client, q="volunteering")
    assert html.count('role="search"') == 1
    assert html.count('type="search"') == 1
    assert "site-search-q" not in html


def test_search_box_keeps_the_query_on_the_results_page(client, make_post):
    make_post("Volunteering in Leeds")
    html = get(client, q='volunteering "leeds"')
    assert 'value="volunteering &quot;leeds&quot;"' in html
