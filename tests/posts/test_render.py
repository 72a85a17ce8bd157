"""Archive text to HTML: escaped paragraphs and lists, never raw markup from an archive."""

from importer.readers.listing_parser import Block, parse_text
from importer.readers.listing_render import blocks_from_body, render_blocks, render_body


def test_paragraphs_and_numbered_list_render_as_html():
    html = render_blocks([Block("p", ("Intro",)), Block("ol", ("one", "two")), Block("ul", ("a",))])
    assert html == "<p>Intro</p>\n<ol><li>one</li><li>two</li></ol>\n<ul><li>a</li></ul>"


def test_archive_markup_comes_out_escaped():
    _, posts = parse_text(
        'T\n\n<script>alert("x")</script> & <b>bold</b>\n  1. <img src=x onerror=y>\n'
    )
    html = render_blocks(posts[0].blocks)
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in html
    assert "<li>&lt;img src=x onerror=y&gt;</li>" in html


def test_ordered_list_not_starting_at_one_keeps_its_numbers():
    assert render_blocks([Block("ol", ("c",), start=3)]) == '<ol start="3"><li>c</li></ol>'


def test_stored_body_reads_back_into_the_same_blocks():
    _, posts = parse_text("T\n\nIntro.\n  1. one\n  2. two\n- x\n- y\nEnd.\n")
    post = posts[0]
    assert blocks_from_body(post.body) == list(post.blocks)
    assert render_body(post.body) == render_blocks(post.blocks)
