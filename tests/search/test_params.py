"""Reading a search request and marking snippets: pure functions, no database."""

from django.http import QueryDict

from search.kinds import START_SEL, STOP_SEL, marked_html
from search.services import QUERY_MAX_CHARS, SearchParams


def params(query: str) -> SearchParams:
    return SearchParams.from_query_dict(QueryDict(query))


def test_query_loses_control_characters_and_extra_spaces():
    assert params("q=%00volunteering%01%0a%0a++council%7f").q == "volunteering council"


def test_long_query_is_cut_to_the_limit_and_says_so():
    cut = params("q=" + "word+" * 100)
    assert len(cut.q) <= QUERY_MAX_CHARS and cut.cut
    assert not params("q=word").cut


def test_unknown_kind_is_ignored():
    assert params("q=x&kind=<script>").kind == ""
    assert params("q=x&kind=posts").kind == "posts"


def test_query_of_punctuation_has_no_words():
    assert not params("q=!!!+%22%27+--").has_words
    assert params("q=%C3%A9t%C3%A9").has_words  # "été"


def test_query_of_exclusions_alone_wants_no_words():
    for text in ("-council", '-"big society"', "OR OR", "- -", "-a -b OR"):
        assert not SearchParams(q=text).has_wanted_words, text
    for text in ("volunteering -council", '"big society"', "a OR b", "co-op"):
        assert SearchParams(q=text).has_wanted_words, text


def test_undecodable_bytes_become_a_harmless_query():
    assert params("q=%ff%fe%fd").q == "\ufffd\ufffd\ufffd"


def test_marked_html_escapes_text_and_marks_only_paired_markers():
    text = f"<b>a</b> {START_SEL}volunteer{STOP_SEL} & {STOP_SEL}x{START_SEL}"
    assert marked_html(text) == "&lt;b&gt;a&lt;/b&gt; <mark>volunteer</mark> &amp; x"


def test_marked_html_cannot_be_tricked_into_markup_inside_a_mark():
    text = f"{START_SEL}<img src=x onerror=alert(1)>{STOP_SEL}"
    assert marked_html(text) == "<mark>&lt;img src=x onerror=alert(1)&gt;</mark>"


def test_long_query_is_cut_between_words_never_inside_one():
    cut = params("q=" + "volunteering+" * 30)
    assert cut.cut and cut.q.split() == ["volunteering"] * len(cut.q.split())
    assert len(cut.q) <= QUERY_MAX_CHARS
    one_word = params("q=" + "x" * 500)  # no space to cut at: cut at the limit
    assert one_word.q == "x" * QUERY_MAX_CHARS


def test_a_query_leaving_words_out_is_told_apart_from_a_hyphenated_word():
    assert SearchParams(q="volunteers -council").excludes_words
    assert SearchParams(q='hub -"east london"').excludes_words
    assert not SearchParams(q="co-op volunteers").excludes_words


def test_wanted_words_drop_the_syntax_and_the_excluded_words():
    assert SearchParams(q='"big society" -council OR nesta').wanted_words == "big society nesta"
