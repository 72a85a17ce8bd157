"""The sanitiser's shortcuts (core.sanitise: text without markup, plain paragraphs, a plain
table of contents, no linkify without an address) give exactly what one bleach pass gives, on
hostile input too.

`one_pass` is the sanitiser as it was before the shortcuts: bleach over the whole fragment.
"""

import random

import pytest

from core.sanitise import (
    _PLAIN_BLOCKS_RE,
    _PLAIN_TOC_RE,
    _cleaner,
    _mark_leaving_links,
    sanitise_html,
)
from importer.prepare.wpbody import prepare_body
from tests.wiki.inert import assert_inert
from tests.wiki.test_sanitiser import CORPUS
from wiki import markup


def one_pass(html: str, linkify: bool) -> str:
    if linkify:
        return _cleaner().clean(html)
    return _mark_leaving_links(_cleaner(linkify=False).clean(html))


def assert_as_one_pass(html: str) -> None:
    for linkify in (True, False):
        cleaned = sanitise_html(html, linkify=linkify)
        assert cleaned == one_pass(html, linkify), (html, linkify)
        assert_inert(cleaned)


PLAIN = "<p>Volunteers met in the hall, as the council said.<br>\nThey stayed late.</p>"
HOSTILE_SOURCES = [case.values[0] for case in CORPUS]


@pytest.mark.parametrize("source", HOSTILE_SOURCES)
def test_hostile_html_between_plain_paragraphs_is_cleaned_as_in_one_pass(source):
    assert_as_one_pass(source)
    assert_as_one_pass(f"{PLAIN}\n{source}\n{PLAIN}\n{PLAIN}\n")
    assert_as_one_pass(f"{PLAIN}\n{PLAIN}\n<p>{source}</p>\n{PLAIN}\n{PLAIN}")


@pytest.mark.parametrize(
    "html",
    [
        # A "plain paragraph" inside an attribute, a comment, a raw-text element, a <pre> or an
        # open element is not plain: the piece before it comes back changed from bleach.
        f'<p><a href="/x" title="\n{PLAIN}\n{PLAIN}\n">y</a></p>\n{PLAIN}',
        f"<!--\n{PLAIN}\n{PLAIN}\n-->\n{PLAIN}",
        f"<script>\n{PLAIN}\n{PLAIN}\n</script>\n{PLAIN}",
        f"<textarea>\n{PLAIN}\n{PLAIN}\n</textarea><img src=x onerror=alert(1)>\n{PLAIN}",
        f"<pre>\n{PLAIN}\n{PLAIN}\n</pre>\n{PLAIN}",
        f"<blockquote>\n{PLAIN}\n{PLAIN}\n</blockquote>\n{PLAIN}",
        f"<em>\n{PLAIN}\n{PLAIN}\n</em>\n{PLAIN}",
        f"<table>\n{PLAIN}\n{PLAIN}\n</table>\n{PLAIN}",
        f'<a href="javascript:alert(1)">\n{PLAIN}\n{PLAIN}\n</a>\n{PLAIN}',
        f"<p x='\n{PLAIN}\n{PLAIN}\n' onclick=alert(1)>z</p>\n{PLAIN}",
        f"<svg><style>\n{PLAIN}\n{PLAIN}\n</style><img src=x onerror=alert(1)></svg>\n{PLAIN}",
        f"<noscript>\n{PLAIN}\n{PLAIN}\n</noscript>\n{PLAIN}",
        f"{PLAIN}\n<p>&lt;script&gt; <b>bold</b></p>\n{PLAIN}\n{PLAIN}",
        f"{PLAIN}\r\n{PLAIN}\x0c\n{PLAIN}\n",
    ],
)
def test_plain_paragraphs_inside_open_markup_are_not_taken_as_plain(html):
    assert_as_one_pass(html)


@pytest.mark.parametrize(
    "text",
    [
        "Plain words, quotes \" and ' and a > sign.",
        "Two paragraphs\n\nof a comment",
        "Controls bleach rewrites: bell\x07 form feed\x0c separator\x1c del\x7f c1\x85 nul\x00",
        "Carriage\r\nreturns\r",
        "Odd code points: \ud800 \ufdd0 \ufffe \U0001fffe \u2028 \u00a0",
        "Entities: &amp; &copy; &#46; & alone &#x3c;script&#x3e;",
        "An address: example.com, www.example.org/path?a=1 and http://x.example/",
        "An address written oddly: example&#46;com and www.example.org&#46;",
        "Addresses split by tags: www.example.<script></script>org and x.<b></b>com",
        "Mail: mailto:someone@example.org",
        "Sentences end. Then the next starts.",
        "",
    ],
)
def test_text_without_markup_is_escaped_as_bleach_would(text):
    assert_as_one_pass(text)
    assert_as_one_pass(f"<p>{text}</p>")


def test_text_without_markup_or_address_never_reaches_bleach(monkeypatch):
    # Not a mock of behaviour: bleach is taken away to prove the shortcut does not need it.
    monkeypatch.setattr("core.sanitise._cleaner", None)
    assert sanitise_html('Meet at 7 > 6 o\'clock, as "they" said.') == (
        'Meet at 7 &gt; 6 o\'clock, as "they" said.'
    )
    assert sanitise_html(f"{PLAIN}\n{PLAIN}", linkify=False) == f"{PLAIN}\n{PLAIN}"


def test_addresses_are_still_linked():
    cleaned = sanitise_html("Read example.org/guide. Then www.example.com.")
    assert '<a href="http://example.org/guide" rel="nofollow ugc noopener">' in cleaned
    assert '<a href="http://www.example.com" rel="nofollow ugc noopener">' in cleaned


def test_wordpress_bodies_clean_as_in_one_pass():
    raw = (
        "First paragraph, plain.\nWith a line break.\n\n"
        '[caption id="a" align="alignleft"]<img src="http://x.example/a.jpg" alt="A" /> A '
        "caption[/caption]\n\nSecond, plain.\n\n"
        '<a href="http://other.example/page" target="_blank" onclick="x()">a link</a> and '
        "<strong>bold</strong>\n\nThird, plain.\n\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n\n"
        "Fourth, plain &amp; an entity.\n\n<!-- a comment -->\n\nFifth, plain."
    )
    body = prepare_body(raw)[0]
    assert_as_one_pass(body)
    assert_as_one_pass(body.replace("Third, plain.", "Third <em>unclosed"))


LINKS = [
    '<a href="http://bsn.example/2010/05/01/post-1/">Can the Big Society work?</a>',
    '<a href="/posts/a-local-post/">here</a>',
    '<a href="https://x.example/?p=3#more">by id</a>',
    '<a href="http://localhost/x">no dot in the host</a>',
    '<a href="//x.example/y">scheme-relative</a>',
    '<a href="https://x.example/a%20b(c)!$*+,;=@~">odd but fine characters</a>',
    '<a href="http://x.example/">',  # not closed
    '<a href="http://[::1/x">a broken address</a>',
    '<a href="http://x.example/?a=1&amp;b=2">an entity in the address</a>',
    '<a href="http://x.example/?a=1&b=2">a bare ampersand</a>',
    "<a href='http://x.example/'>single quotes</a>",
    '<A HREF="http://x.example/">upper case</A>',
    '<a href="http://x.example/" title="t">a title</a>',
    '<a href="http://x.example/" rel="me">its own rel</a>',
    '<a href="javascript:alert(1)">script</a>',
    '<a href="jav&#x09;ascript:alert(1)">script, hidden</a>',
    '<a href="http://x.example/"><b>bold</b> inside</a>',
    '<a href="http://x.example/">a &gt; b</a>',
    '<a href="http://x.example/">across<br>\na line</a>',
    '<a href="http://x.example/">one</a><a href="/two/">two</a>',
    '<a href="http://x.example/">outer <a href="/inner/">inner</a></a>',
    '<a href="http://x.example/ ">a space</a>',
    '<a href="">empty</a>',
]


@pytest.mark.parametrize("link", LINKS)
def test_paragraphs_with_links_clean_as_in_one_pass(link):
    assert_as_one_pass(f"{PLAIN}\n<p>See {link} again.</p>\n{PLAIN}\n{PLAIN}")
    assert_as_one_pass(f"<p>{link}</p>\n{PLAIN}\n<p>Also {link}</p>")


def test_paragraphs_with_plain_links_never_reach_bleach(monkeypatch):
    monkeypatch.setattr("core.sanitise._cleaner", None)
    html = f'{PLAIN}\n<p>See <a href="http://x.example/a/">this</a> and <a href="/b/">that</a>.</p>'
    assert sanitise_html(html, linkify=False) == html.replace(
        '"http://x.example/a/"', '"http://x.example/a/" rel="nofollow ugc noopener"'
    )


# Heading text a table of contents carries: escaped signs, references, addresses, hostile markup.
HEADING_WORDS = [
    "Hello", "<b>", "&", '"x"', "'", "example.com", "http://a.example/c", "&copy;", "&#60;",
    "&amp;", "&quot;", "`code`", "*em*", "[[Foo|bar]]", "[x](javascript:alert(1))", "<script>",
    "é", "\u200b", "&gt;", ">", "<", "\x85", "\ufffe", "😀", "{#id}", "[^1]", "<!-- c -->",
    "www.x.org",
]  # fmt: skip


def test_tables_of_contents_clean_as_in_one_pass():
    rng = random.Random(26)
    plain = 0
    for _ in range(400):
        headings = [
            rng.choice(["#", "##", "###", "####"]) + " " + " ".join(rng.sample(HEADING_WORDS, 3))
            for _ in range(rng.randint(3, 6))
        ]
        toc = markup._convert("\n\n".join(headings), None)[2]
        assert_as_one_pass(toc)
        plain += bool(_PLAIN_TOC_RE.fullmatch(toc))
    assert plain > 20  # the shortcut was taken, and not only for tables of contents that fit it


@pytest.mark.parametrize(
    "toc",
    [
        '<div class="toc">\n</ul>\n</div>\n',
        '<div class="toc">\n<ul>\n<li><a href="#md-a">a</a><li><a href="#md-b">b</a></ul>\n'
        "</div>\n",
        '<div class="toc">\n<li><a href="#md-a">a</a></li>\n</div>\n',
        '<div class="toc">\n<ul>\n<li><a href="#md-a">a</a></li>\n</div>\n',
        '<div class="toc">\n<ul>\n<li><a href="#top">a</a></li>\n</ul>\n</div>\n',
        '<div class="toc">\n<ul>\n<li><a href="#md-a">&quot;a&copy;</a></li>\n</ul>\n</div>\n',
    ],
)
def test_tables_of_contents_out_of_shape_are_cleaned_by_bleach(toc):
    assert_as_one_pass(toc)


def test_plain_tables_of_contents_never_reach_bleach(monkeypatch):
    toc = markup._convert("## One\n\n### Two & a <b>\n\n## Three example.com\n", None)[2]
    monkeypatch.setattr("core.sanitise._cleaner", None)
    assert sanitise_html(toc) == toc


def _resolve(link):
    # As wiki.links resolves them, without a database: every other link is to a missing page.
    exists = len(link.target) % 2 == 0
    title = link.target if exists else "Page does not exist yet — create it"
    url = f"/wiki/{link.target.lower().replace(' ', '-')}/"
    return markup.ResolvedLink(
        url=url if exists else url + "edit/?title=x", exists=exists, title=title
    )


def test_pages_of_headings_paragraphs_and_wiki_links_clean_as_in_one_pass():
    rng = random.Random(26)
    words = [*HEADING_WORDS, "**strong**", "_em_", "[[A page]]", "[[Tom & Jerry]]", "[[a/b?c]]"]
    words += ['[[A "quoted" <b>]]', "[x](/local/)", "[x](http://a.example/)", "line\nbreak"]
    plain = 0
    for _ in range(300):
        blocks = [
            rng.choice(["", "", "## ", "### ", "#### "]) + " ".join(rng.sample(words, 5))
            for _ in range(rng.randint(1, 6))
        ]
        if rng.random() < 0.2:
            blocks.append(rng.choice(HOSTILE_SOURCES))
        html = markup._convert("\n\n".join(blocks), _resolve)[0]
        assert_as_one_pass(html)
        plain += bool(_PLAIN_BLOCKS_RE.fullmatch(html))
    assert plain > 10  # the shortcut was taken


@pytest.mark.parametrize(
    "html",
    [
        "<p>a<p>b</p>",
        "<p>a</p>\n<h2>b</h2>",
        '<h2 id="title">b</h2>',
        '<p><a class="wikilink" href="//evil.example/" title="t">x</a></p>',
        '<p><a class="wikilink" href="/a" title="t" title="u">x</a></p>',
        '<p><a class="wikilink" href="/a" title="a &amp; b">x</a></p>',
        "<p><em>a</strong></p>",
        "<p>a &copy; b</p>",
    ],
)
def test_blocks_out_of_shape_are_cleaned_by_bleach(html):
    assert_as_one_pass(html)


def test_plain_pages_never_reach_bleach(monkeypatch):
    html = markup._convert(
        "## One\n\nSee [[A page]], *this* and `that`.\n\nTwo & three.", _resolve
    )[0]
    monkeypatch.setattr("core.sanitise._cleaner", None)
    assert sanitise_html(html) == html
    assert sanitise_html(html, linkify=False) == html
