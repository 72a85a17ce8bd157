"""The pure readers: WXR, RSS and Atom in, ArchivePost records out. No database."""

import io
from pathlib import Path

import pytest

from importer.prepare.wpbody import autop, prepare_body
from importer.readers import ReaderError, detect, open_records

FIXTURES = Path(__file__).parent / "fixtures"


def read(data: bytes, kind: str | None = None):
    kind = kind or detect(data)
    reader = open_records(io.BytesIO(data), kind)
    return reader, list(reader)


def wxr(items: str, version: str = "1.2") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:wp="http://wordpress.org/export/{version}/">\n<channel><title>Blog</title>'
        f"<link>http://blog.example</link>\n{items}\n</channel></rss>"
    ).encode()


def test_wxr_reader_yields_only_published_posts():
    reader, posts = read((FIXTURES / "blog.wxr.xml").read_bytes())
    titles = [p.title for p in posts]
    assert titles == [
        "Hello “world” — مرحبا 🎉",
        "The second post",
        "Untitled post, 3 March 2011",
        "Members only",
    ]
    assert reader.source.title == "Localism Diary" and reader.source.version == "1.2"


def test_protected_post_keeps_title_and_date_but_not_its_text():
    _, posts = read((FIXTURES / "blog.wxr.xml").read_bytes())
    protected = posts[-1]
    assert (
        protected.protected and protected.html == "" and protected.day.isoformat() == "2011-04-01"
    )


def test_comments_are_approved_threaded_and_carry_no_email_or_ip():
    _, posts = read((FIXTURES / "blog.wxr.xml").read_bytes())
    comments = posts[0].comments
    assert [(c.author, c.parent) for c in comments] == [("Sam", ""), ("Jo Bloggs", "1")]
    assert "secret.example" not in repr(comments) and "192.0.2.7" not in repr(comments)


def test_categories_carry_parents_and_tags_without_uncategorized_or_formats():
    _, posts = read((FIXTURES / "blog.wxr.xml").read_bytes())
    assert posts[0].categories == ("Policy", "Localism Bill")
    assert posts[0].tags == ("Town halls",)
    assert posts[0].author == "Jo Bloggs"


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_wxr_version_is_read(version):
    item = (
        f"<item><title>T {version}</title><guid>http://blog.example/?p=1</guid>"
        "<content:encoded><![CDATA[Body]]></content:encoded>"
        "<wp:post_date_gmt>2010-06-20 10:00:00</wp:post_date_gmt>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>"
    )
    data = wxr(item, version)
    assert detect(data) == "wxr"
    _, posts = read(data)
    assert posts[0].title == f"T {version}" and posts[0].day.isoformat() == "2010-06-20"


def test_entity_declarations_are_refused_before_anything_is_expanded():
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<rss><channel><item><title>&b;</title>'
        b"</item></channel></rss>"
    )
    with pytest.raises(ReaderError, match="declares entities") as exc:
        read(bomb, "rss")
    assert exc.value.line == 2


def test_external_entity_is_refused():
    data = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss/>'
    with pytest.raises(ReaderError, match="entities"):
        read(data, "rss")


def test_malformed_xml_names_the_line_and_column_where_the_bad_construct_starts():
    data = wxr("<item><title>Broken</titel></item>")
    with pytest.raises(ReaderError) as exc:
        read(data)
    assert exc.value.line == 4 and exc.value.column == 20  # the "</titel>", not its end
    assert "malformed XML" in exc.value.message


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x00\x01binary", "binary"),
        (b'<?xml version="1.0"?><html><body/></html>', "unknown XML"),
    ],
)
def test_detect_refuses_what_is_no_archive_with_one_line(data, reason):
    with pytest.raises(ReaderError, match=reason):
        detect(data)


def test_rss_feed_is_read_with_its_dates_and_authors_but_no_email():
    data = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Feed &amp; co</title>
    <link>http://feed.example/</link>
    <item><title>Caf&amp;eacute; talk</title><link>http://feed.example/cafe</link>
    <guid>http://feed.example/cafe</guid><pubDate>Thu, 03 Mar 2011 12:00:00 GMT</pubDate>
    <author>me@feed.example (Ann Writer)</author><category>Localism</category>
    <description>&lt;p&gt;Hello&lt;/p&gt;</description></item></channel></rss>"""
    assert detect(data) == "rss"
    reader, posts = read(data)
    post = posts[0]
    assert post.title == "Café talk" and post.author == "Ann Writer"
    assert post.day.isoformat() == "2011-03-03" and post.html == "<p>Hello</p>"
    assert reader.source.title == "Feed & co"


# Blogger writes long category URIs on one line.
def test_blogger_atom_export_reads_posts_only_and_skips_drafts():  # noqa: E501
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:app="http://purl.org/atom/app#">
<title type="text">My Blogger</title><link rel="alternate" href="http://b.example/"/>
<entry><id>tag:blogger.com,1999:blog-1.post-1</id><published>2011-03-03T10:00:00.000Z</published>
<category scheme="http://schemas.google.com/g/2005#kind" term="http://schemas.google.com/blogger/2008/kind#post"/>
<category scheme="http://www.blogger.com/atom/ns#" term="Volunteering"/>
<title type="text">A Blogger post</title><content type="html">&lt;b&gt;bold&lt;/b&gt;</content>
<link rel="alternate" type="text/html" href="http://b.example/2011/03/a.html"/>
<author><name>Bea</name><email>bea@b.example</email></author></entry>
<entry><id>tag:blogger.com,1999:blog-1.post-2</id><published>2011-03-04T10:00:00Z</published>
<category scheme="http://schemas.google.com/g/2005#kind" term="http://schemas.google.com/blogger/2008/kind#post"/>
<app:control><app:draft>yes</app:draft></app:control>
<title>Draft</title><content type="html">x</content></entry>
<entry><id>tag:blogger.com,1999:blog-1.settings</id>
<category scheme="http://schemas.google.com/g/2005#kind" term="http://schemas.google.com/blogger/2008/kind#settings"/>
<title>setting</title></entry></feed>"""
    assert detect(data) == "atom"
    reader, posts = read(data)
    assert [p.title for p in posts] == ["A Blogger post"]
    post = posts[0]
    assert post.author == "Bea" and post.categories == ("Volunteering",)
    assert post.day.isoformat() == "2011-03-03" and post.html == "<b>bold</b>"
    assert post.permalink == "http://b.example/2011/03/a.html"


def test_paragraph_rule_blank_line_paragraph_single_newline_break():
    assert autop("one\ntwo\n\nthree") == "<p>one<br>\ntwo</p>\n<p>three</p>"


def test_gutenberg_comments_dropped_and_backslashes_and_quotes_kept():
    html, _ = prepare_body(
        "<!-- wp:paragraph -->\nHe said \"C:\\\\dir\" & 'it'\n<!-- /wp:paragraph -->"
    )
    assert html == "<p>He said \"C:\\\\dir\" & 'it'</p>"


def test_caption_becomes_a_figure_linking_the_original_image():
    html, _ = prepare_body(
        '[caption id="a" width="300"]<a href="http://x.example/big.jpg">'
        '<img src="http://x.example/s.jpg" alt="Hall" /></a> The hall[/caption]'
    )
    assert html == (
        '<figure><a href="http://x.example/big.jpg">Image: Hall</a>'
        "<figcaption>The hall</figcaption></figure>"
    )


def test_embeds_become_links_and_galleries_are_dropped_but_brackets_in_prose_stay():
    html, _ = prepare_body(
        'A [sic] note. [gallery ids="1,2"]\n\n<iframe src="https://v.example/e/1"></iframe>'
        '\n\n[embed]https://vimeo.com/9[/embed]\n\n<video><source src="https://v.example/m.mp4"></video>'
    )
    assert "[sic]" in html and "gallery" not in html and "iframe" not in html
    assert '<a href="https://v.example/e/1">' in html and '<a href="https://vimeo.com/9">' in html
    assert '<a href="https://v.example/m.mp4">' in html


def test_links_to_posts_of_the_archive_are_rewritten():
    html, found = prepare_body(
        '<a href="http://blog.example/?p=3">x</a> <a href="http://else.example/">y</a>',
        lambda href: "/posts/three/" if href.endswith("p=3") else None,
    )
    assert found == ["/posts/three/"]
    assert '<a href="/posts/three/">x</a>' in html and "else.example" in html


def test_only_web_addresses_are_kept_as_permalinks_and_blog_links():
    item = (
        "<item><title>Sneaky</title><link>javascript:alert(1)</link>"
        "<guid>http://blog.example/?p=1</guid><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type></item>"
    )
    data = wxr(item).replace(b"<link>http://blog.example</link>", b"<link>data:x</link>")
    reader, posts = read(data)
    assert posts[0].permalink == "" and reader.source.link == ""


def test_control_characters_wordpress_writes_into_exports_are_read_as_spaces():
    item = (
        "<item><title>Pasted\x0bfrom Word</title><guid>http://blog.example/?p=1</guid>"
        "<content:encoded>Form\x0cfeed</content:encoded><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type></item>"
    )
    _, posts = read(wxr(item))
    assert posts[0].title == "Pasted from Word" and posts[0].html == "Form feed"


def test_listing_reader_yields_the_same_record_type_and_keeps_refusing_binary():
    reader, posts = read(b"A title here\n\nThe body. read more \xc2\xbb\n", "listing")
    assert posts[0].title == "A title here" and posts[0].html == "<p>The body.</p>"
    with pytest.raises(ReaderError, match="binary"):
        read(b"A title\n\nBody\x00 here\n", "listing")


def test_plain_sanitising_marks_links_that_leave_the_site_like_the_linkifier():
    from core.sanitise import sanitise_html

    html = sanitise_html(
        '<a href="https://x.example/" rel="me">out</a> <a href="/posts/a/">in</a> '
        'https://bare.example <a href="javascript:alert(1)">x</a><script>bad()</script>',
        linkify=False,
    )
    assert '<a href="https://x.example/" rel="nofollow ugc noopener">out</a>' in html
    assert '<a href="/posts/a/">in</a>' in html and "https://bare.example" in html
    assert "javascript" not in html and "<script" not in html


def test_scripts_and_styles_are_dropped_with_their_code_but_noscript_content_stays():
    html, _ = prepare_body(
        "Before.<script type='text/javascript'>var t = '<p>x</p>'; track();</script>\n\n"
        "<STYLE>p { color: red }</STYLE>After.<noscript>No scripts here.</noscript>"
    )
    assert "track" not in html and "color" not in html and "var t" not in html
    assert "Before." in html and "After." in html and "No scripts here." in html


def test_a_figures_caption_is_a_paragraph_of_its_own_in_the_posts_words():
    from importer.prepare.records import plain_text

    assert (
        plain_text(
            '<figure><a href="http://x.example/big.jpg">Image: Hall</a>'
            "<figcaption>The hall</figcaption></figure><p>Next.</p>"
        )
        == "Image: Hall\n\nThe hall\n\nNext."
    )
