"""The Markdown renderer's features: what volunteers can write and what readers get."""

import time
from dataclasses import FrozenInstanceError
from html.parser import HTMLParser

import pytest

from tests.wiki.inert import assert_inert, visible_text
from wiki.markup import (
    MISSING_PAGE_TITLE,
    ResolvedLink,
    WikiLink,
    extract_links,
    render_markdown,
    title_slug,
)


class _Elements(HTMLParser):
    """(tag, attributes) of every element, in order."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str, tag: str) -> list[dict[str, str | None]]:
    return [attrs for name, attrs in _Elements(html).found if name == tag]


def anchors(html: str) -> list[dict[str, str | None]]:
    return elements(html, "a")


# --- Markdown features -------------------------------------------------------------------------
def test_table_renders_with_alignment_but_no_style():
    rendered = render_markdown("| Year | Event |\n|:-----|------:|\n| 2010 | Launch |")
    assert [c["align"] for c in elements(rendered.html, "th")] == ["left", "right"]
    assert "Launch" in visible_text(rendered.html)
    assert "style" not in rendered.html


def test_fenced_code_keeps_its_language_and_shows_markup_as_text():
    rendered = render_markdown('```python\nprint("<b>bold</b>")\n```')
    assert elements(rendered.html, "code") == [{"class": "language-python"}]
    assert 'print("<b>bold</b>")' in visible_text(rendered.html)
    assert elements(rendered.html, "b") == []


def test_footnote_reference_links_to_its_note_and_back():
    rendered = render_markdown("A claim.[^src]\n\n[^src]: The source.")
    ref, backref = anchors(rendered.html)
    note_ids = [li["id"] for li in elements(rendered.html, "li")]
    ref_ids = [sup["id"] for sup in elements(rendered.html, "sup")]
    assert ref["href"] == "#" + note_ids[0]
    assert backref["href"] == "#" + ref_ids[0]
    assert "The source." in visible_text(rendered.html)


def test_headings_start_below_the_page_h1():
    rendered = render_markdown("# Top\n\n## Second")
    assert elements(rendered.html, "h1") == []
    assert len(elements(rendered.html, "h2")) == 1
    assert len(elements(rendered.html, "h3")) == 1


def test_long_page_gets_a_table_of_contents_linking_every_heading():
    rendered = render_markdown("# One\n\ntext\n\n## Two\n\ntext\n\n# Three\n\ntext")
    heading_ids = [h["id"] for tag in ("h2", "h3") for h in elements(rendered.html, tag)]
    toc_targets = [a["href"] for a in anchors(rendered.toc_html)]
    assert sorted(toc_targets) == sorted("#" + i for i in heading_ids)
    assert visible_text(rendered.toc_html).split() == ["One", "Two", "Three"]


def test_short_page_has_no_table_of_contents():
    assert render_markdown("# One\n\n## Two\n\nShort.").toc_html == ""


def test_repeated_headings_get_distinct_ids():
    rendered = render_markdown("# Notes\n\n# Notes\n\n# Notes")
    ids = [h["id"] for h in elements(rendered.html, "h2")]
    assert len(set(ids)) == 3


def test_sane_lists_keep_the_start_number():
    rendered = render_markdown("3. three\n4. four")
    assert elements(rendered.html, "ol") == [{"start": "3"}]


def test_raw_html_is_shown_as_text_not_obeyed():
    rendered = render_markdown("Some <b>bold</b> claim")
    assert elements(rendered.html, "b") == []
    assert "Some <b>bold</b> claim" in visible_text(rendered.html)


def test_external_links_are_marked_nofollow_and_internal_ones_are_not():
    rendered = render_markdown("[out](https://example.org/) [in](/wiki/x/) and www.example.com")
    by_text = dict(zip(["out", "in", "bare"], anchors(rendered.html), strict=True))
    assert by_text["out"]["rel"] == "nofollow ugc noopener"
    assert "rel" not in by_text["in"]
    assert by_text["bare"] == {"href": "http://www.example.com", "rel": "nofollow ugc noopener"}


def test_bare_urls_in_code_are_not_linkified():
    rendered = render_markdown("`http://example.org/` and\n\n    www.example.com")
    assert anchors(rendered.html) == []


def test_images_keep_web_and_relative_sources_and_alt_text():
    rendered = render_markdown("![Logo](/static/logo.png) ![Photo](https://example.org/p.jpg)")
    assert elements(rendered.html, "img") == [
        {"alt": "Logo", "src": "/static/logo.png"},
        {"alt": "Photo", "src": "https://example.org/p.jpg"},
    ]


def test_control_characters_are_dropped():
    assert render_markdown("bell\x07 here\x00").html == "<p>bell here</p>"


def test_rendering_is_deterministic():
    source = "# A\n\n## B\n\n### C\n\n[[Link]] text[^1] http://example.org\n\n[^1]: note"
    assert render_markdown(source) == render_markdown(source)


# --- Wiki links --------------------------------------------------------------------------------
def test_page_link_defaults_to_the_wiki_url_of_its_title():
    rendered = render_markdown("See [[Big  Society]].")
    assert anchors(rendered.html) == [{"class": "wikilink", "href": "/wiki/big-society/"}]
    assert visible_text(rendered.html) == "See Big Society."
    assert rendered.links == (WikiLink("page", "Big Society", "Big Society"),)


def test_page_link_with_label_shows_the_label():
    rendered = render_markdown("[[Big Society|the idea]]")
    assert visible_text(rendered.html) == "the idea"
    assert rendered.links == (WikiLink("page", "Big Society", "the idea"),)


def test_post_links_cite_archive_posts_with_and_without_label():
    rendered = render_markdown("[[post:cameron-speech]] and [[Post: hall-talk | the talk]]")
    assert [a["href"] for a in anchors(rendered.html)] == [
        "/posts/cameron-speech/",
        "/posts/hall-talk/",
    ]
    assert visible_text(rendered.html) == "cameron-speech and the talk"
    assert rendered.links == (
        WikiLink("post", "cameron-speech", "cameron-speech"),
        WikiLink("post", "hall-talk", "the talk"),
    )


def test_missing_page_link_is_marked_and_opens_the_create_form():
    def resolve(link):
        return ResolvedLink(url=f"/wiki/{title_slug(link.target)}/edit/", exists=False)

    rendered = render_markdown("[[Unwritten page]]", resolve)
    assert anchors(rendered.html) == [
        {
            "class": "wikilink missing",
            "href": "/wiki/unwritten-page/edit/",
            "title": MISSING_PAGE_TITLE,
        }
    ]


def test_resolver_title_becomes_the_tooltip():
    def resolve(link):
        return ResolvedLink(url="/posts/x/", exists=True, title="The real post title")

    rendered = render_markdown("[[post:x]]", resolve)
    assert anchors(rendered.html)[0]["title"] == "The real post title"


def test_resolver_is_asked_once_per_distinct_target():
    asked = []

    def resolve(link):
        asked.append(link)
        return ResolvedLink(url="/wiki/x/", exists=True)

    render_markdown(
        "[[Big Society]] [[big society|again]] [[Big\u00a0Society]] [[post:a]] [[post:a]]", resolve
    )
    assert [(link.kind, link.target) for link in asked] == [("page", "Big Society"), ("post", "a")]


def test_repeated_links_all_render_with_their_own_labels():
    rendered = render_markdown("[[Big Society]] then [[big society|it]]")
    assert visible_text(rendered.html) == "Big Society then it"
    assert len(anchors(rendered.html)) == 2


@pytest.mark.parametrize(
    "source",
    [
        "`[[Not a link]]`",
        "```\n[[Not a link]]\n```",
        "    [[Not a link]]",
        "\\[[Not a link]]",
    ],
)
def test_wiki_links_in_code_or_escaped_stay_literal(source):
    rendered = render_markdown(source)
    assert "[[Not a link]]" in visible_text(rendered.html)
    assert anchors(rendered.html) == []
    assert rendered.links == ()
    assert extract_links(source) == []


@pytest.mark.parametrize(
    "source", ["[[post:not a slug]]", "[[!!!]]", "[[A#section]]", "[[x<y]]", "[[]]"]
)
def test_invalid_wiki_links_stay_plain_text(source):
    rendered = render_markdown(source)
    assert anchors(rendered.html) == []
    assert visible_text(rendered.html) == source


def test_label_is_text_even_when_it_looks_like_markdown():
    rendered = render_markdown("[[Page|*not emphasis* & <b>]]")
    assert visible_text(rendered.html) == "*not emphasis* & <b>"
    assert elements(rendered.html, "em") == []
    assert_inert(rendered.html)


def test_extract_links_in_order_without_duplicates_or_code():
    source = (
        "Intro [[B]] and [[post:x]].[^1] `[[In code]]`\n\n"
        "```\n[[In fence]]\n```\n\n"
        "## Later [[A]]\n\n| t |\n|---|\n| [[b|again]] [[post:x|cite]] [[post:X]] |\n\n"
        "[^1]: Footnote cites [[C]]."
    )
    assert extract_links(source) == [
        WikiLink("page", "B", "B"),
        WikiLink("post", "x", "x"),
        WikiLink("page", "A", "A"),
        WikiLink("post", "X", "X"),
        WikiLink("page", "C", "C"),
    ]
    assert tuple(extract_links(source)) == render_markdown(source).links


def test_extract_links_of_text_without_links_is_empty():
    assert extract_links("Plain [text](http://example.org/) only.") == []


def test_links_are_frozen_values():
    link = extract_links("[[A]]")[0]
    with pytest.raises(FrozenInstanceError):
        link.target = "B"
    assert link.key == ("page", "a")


# --- Speed -------------------------------------------------------------------------------------
def _prose_page(size: int) -> str:
    paragraph = (
        "The *Big Society* was launched in 2010; see [[Localism]] and [[post:launch-speech|the "
        "speech]], or [the report](https://example.org/report). Volunteers, councils and "
        "charities argued about what it meant for their towns and their budgets. "
    ) * 3
    parts, n = [], 0
    while sum(len(p) + 2 for p in parts) < size:
        parts.append(f"## Section {n}" if n % 6 == 0 else paragraph)
        n += 1
    return "\n\n".join(parts)[:size]


def test_fifty_kilobyte_page_renders_whole():
    # Render speed is a figure for the benchmark, not a timed test; this proves a long page works.
    page = _prose_page(50_000)
    rendered = render_markdown(page)
    assert len(rendered.links) == 2
    assert rendered.toc_html


@pytest.mark.parametrize(
    "hostile",
    ["[" * 20_000, "[[a" * 15_000, "![" * 20_000, "[x](" * 12_000, "[x](y" * 10_000],
)
def test_bracket_floods_do_not_hang_the_renderer(hostile):
    # A hang guard, not a speed target: upstream Python-Markdown needs minutes for these, the
    # bounded scan well under a second; 20 s leaves room for a loaded CI machine.
    start = time.perf_counter()
    rendered = render_markdown(hostile)
    assert time.perf_counter() - start < 20.0
    assert_inert(rendered.html)


def test_post_citation_without_label_reads_as_the_post_title():
    def resolve(link):
        return ResolvedLink(url=f"/posts/{link.target}/", exists=True, title="Big day <for> BSN")

    html = render_markdown("See [[post:big-day]] and [[post:big-day|that post]].", resolve).html
    assert ">Big day &lt;for&gt; BSN</a>" in html
    assert ">that post</a>" in html
    assert ">big-day</a>" not in html
