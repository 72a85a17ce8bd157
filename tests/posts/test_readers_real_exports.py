"""What real exporters write, read as WordPress's own importer reads it. No database.

Each fixture under fixtures/ is our own file, shaped like a real export; its opening comment
names the exporter or importer source the shape comes from."""

import io
from dataclasses import replace
from pathlib import Path

import pytest

from importer.readers import ReaderError, detect, open_records

FIXTURES = Path(__file__).parent / "fixtures"


def read(data: bytes):
    reader = open_records(io.BytesIO(data), detect(data))
    return reader, list(reader)


def wxr(binding: str, items: str = "", channel: str = "") -> bytes:
    # The header wp-admin/includes/export.php writes, with the wp binding under test.
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        f'\txmlns:wp="{binding}"\n>\n<channel><title>Blog</title>'
        f"<link>http://blog.example.net</link>{channel}\n{items}\n</channel></rss>"
    ).encode()


POST = (
    "<item><title>{title}</title><guid>http://blog.example.net/?p={id}</guid>"
    "<content:encoded><![CDATA[Body]]></content:encoded><wp:post_id>{id}</wp:post_id>"
    "<wp:post_date_gmt>2012-06-20 10:00:00</wp:post_date_gmt>"
    "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>"
)
PAGE = (
    "<item><title>About</title><guid>http://blog.example.net/?page_id=2</guid>"
    "<wp:post_id>2</wp:post_id><wp:status>publish</wp:status><wp:post_type>page</wp:post_type>"
    "</item>"
)


@pytest.mark.parametrize(
    "binding",
    [
        "http://wordpress.org/export/1.2/",
        "https://wordpress.org/export/1.2/",
        "https://wordpress.org/export/1.1/",
        "http://wordpress.org/export/1.0/",
    ],
)
def test_the_wp_namespace_is_known_by_its_binding_http_or_https(binding):
    data = wxr(binding, POST.format(title="Kept", id=5) + PAGE)
    assert detect(data) == "wxr"
    reader, posts = read(data)
    assert [p.title for p in posts] == ["Kept"] and reader.skipped == 1
    assert posts[0].wp_id == "5" and reader.source.notes == ()


def test_an_export_using_wp_undeclared_is_still_a_wordpress_export():
    data = (
        b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>B</title>'
        b"<link>http://blog.example.net</link>"
        + POST.format(title="Kept", id=5).encode()
        + PAGE.encode()
        + b"</channel></rss>"
    )
    assert detect(data) == "wxr"
    reader, posts = read(data)
    assert [p.title for p in posts] == ["Kept"] and reader.skipped == 1
    assert reader.source.notes == (
        "undeclared prefixes read as their usual namespaces: content, wp",
    )


def test_an_unknown_wxr_version_is_read_as_the_nearest_known_with_a_note():
    reader, posts = read(wxr("https://wordpress.org/export/1.3/", POST.format(title="T", id=1)))
    assert [p.title for p in posts] == ["T"]
    assert reader.source.version == "1.2"
    assert reader.source.notes == ("WordPress export version 1.3 read as 1.2, the nearest known",)


def test_a_wordpress_com_export_with_undeclared_atom_is_read_with_a_note():
    reader, posts = read((FIXTURES / "wpcom-2011.wxr.xml").read_bytes())
    assert [p.title for p in posts] == ["The ferry is back"]
    assert reader.source.title == "Harbour Notes"
    assert any("atom" in note and "undeclared" in note for note in reader.source.notes)


def test_every_post_type_but_post_and_every_status_but_publish_is_skipped():
    reader, posts = read((FIXTURES / "wpcom-2011.wxr.xml").read_bytes())
    # attachment, nav_menu_item, page, revision, wp_block, wp_template, wp_navigation, a custom
    # type; draft, pending, private, future, trash, auto-draft, inherit.
    assert len(posts) == 1 and reader.skipped == 15


def test_undeclared_prefixes_are_bound_even_in_a_plain_feed_but_entities_never_expand():
    data = (
        b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>F</title>'
        b'<atom:link href="http://f.example/feed" rel="self"/>'
        b"<item><title>One</title><link>http://f.example/1</link><dc:creator>Kim</dc:creator>"
        b"</item></channel></rss>"
    )
    reader, posts = read(data)
    assert posts[0].author == "Kim"
    assert reader.source.notes == ("undeclared prefixes read as their usual namespaces: atom, dc",)
    bomb = b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "x">]>\n<rss><atom:link/></rss>'
    with pytest.raises(ReaderError, match="declares entities"):
        read(bomb)


def test_an_unknown_prefix_is_still_refused_where_it_stands():
    data = wxr(
        "http://wordpress.org/export/1.2/",
        "<item>\n  <title>x</title><zz:thing>1</zz:thing></item>",
    )
    with pytest.raises(ReaderError, match="zz") as exc:
        read(data)
    assert exc.value.line == 9


def test_an_undefined_entity_is_refused_at_the_place_it_starts():
    data = wxr("http://wordpress.org/export/1.2/", "<item>\n  <title>Caf&eacute;</title></item>")
    with pytest.raises(ReaderError, match="&eacute;") as exc:
        read(data)
    assert (exc.value.line, exc.value.column) == (9, 13)


def test_entities_inside_cdata_are_text_not_errors():
    item = POST.format(title="Fish &amp; chips", id=3).replace("Body", "&nbsp;caf&eacute;")
    _, posts = read(wxr("http://wordpress.org/export/1.2/", item))
    assert posts[0].title == "Fish & chips" and posts[0].html == "&nbsp;caf&eacute;"


@pytest.mark.parametrize("encoding", ["UTF-7", "utf-32", "EBCDIC-US", "x-mac-roman"])
def test_an_xml_file_in_another_encoding_is_refused_with_a_clear_message(encoding):
    data = wxr("http://wordpress.org/export/1.2/", POST.format(title="T", id=1))
    data = data.replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode())
    with pytest.raises(ReaderError, match="UTF-8, UTF-16, ISO-8859-1 or Windows-1252") as exc:
        read(data)
    assert encoding in exc.value.message and exc.value.line == 1


@pytest.mark.parametrize("encoding", ["UTF-8", "utf-8", "ISO-8859-1", "windows-1252"])
def test_the_four_encodings_real_exports_use_are_read(encoding):
    data = wxr("http://wordpress.org/export/1.2/", POST.format(title="Caf\xe9", id=1))
    data = data.replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode())
    if encoding.lower() != "utf-8":
        data = data.decode().encode("latin-1")
    _, posts = read(data)
    assert posts[0].title == "Café"


def test_two_posts_with_one_guid_but_two_post_ids_are_two_posts():
    _, posts = read((FIXTURES / "cloned-guids.wxr.xml").read_bytes())
    assert [p.guid for p in posts] == ["http://template.example.org/?p=1"] * 2
    assert posts[0].identity != posts[1].identity


def test_identity_is_scoped_to_the_blog_even_on_localhost():
    item = POST.format(title="Hello", id=1).replace("blog.example.net", "localhost")
    one = wxr("http://wordpress.org/export/1.2/", item).replace(b"blog.example.net", b"localhost")
    two = one.replace(b"<title>Blog</title>", b"<title>Another blog</title>")
    three = one.replace(b"http://localhost</link>", b"http://news.example.org</link>")
    identities = {read(data)[1][0].identity for data in (one, two, three)}
    assert len(identities) == 3
    assert read(one)[1][0].identity == read(one)[1][0].identity


def test_blogger_legacy_export_reads_published_posts_with_their_comments():
    reader, posts = read((FIXTURES / "blogger-legacy.atom.xml").read_bytes())
    assert [p.title for p in posts] == ["Workshop 'reshape' & more"]
    post = posts[0]
    assert post.permalink == "http://island-workshop.blogspot.com/2012/02/workshop-reshape.html"
    assert post.categories == ("Workshops",) and post.author == "Mei"
    assert [(c.author, c.html) for c in post.comments] == [
        ("Ravi", "Lovely &amp; warm"),
        ("Lin", "Second comment"),
    ]
    assert "ravi@mail.example" not in repr(post)
    # settings, template, the draft and the page
    assert reader.skipped == 4


def test_blogger_takeout_export_reads_live_posts_with_permalink_from_the_filename():
    reader, posts = read((FIXTURES / "blogger-takeout.atom.xml").read_bytes())
    assert [p.title for p in posts] == ["Spring 'king' tides"]
    post = posts[0]
    assert post.permalink == "https://tide-tables.blogspot.com/2019/03/spring-king-tides.html"
    assert post.published.isoformat() == "2019-03-21T08:00:00+00:00"
    comments = post.comments
    assert [(c.author, c.html) for c in comments] == [
        ("Reader One", "Great table."),
        ("Sol", "Thank you!"),
    ]
    assert comments[1].parent == comments[0].id  # a reply stays a reply; spam is not kept
    assert reader.skipped == 2  # the draft and the page


def test_feedburner_origlink_is_the_permalink_and_relative_links_resolve():
    _, posts = read((FIXTURES / "feedburner.rss.xml").read_bytes())
    post = posts[0]
    assert post.permalink == "https://allotment.example.org/2011/06/12/beans-at-last/"
    assert 'href="https://allotment.example.org/2011/05/seeds/"' in post.html
    assert 'src="https://allotment.example.org/wp-content/beans.jpg"' in post.html
    assert post.published.utcoffset().total_seconds() == 3600  # the offset it gave


def test_a_feed_items_wordpress_guid_gives_its_post_id_but_not_its_identity():
    _, posts = read((FIXTURES / "feedburner.rss.xml").read_bytes())
    assert posts[0].source_id == 88  # its guid, https://allotment.example.org/?p=88
    assert posts[0].identity.startswith("https://allotment.example.org/?p=88#blog=")
    assert "wp=" not in posts[0].identity  # a feed's identity stays its guid on its blog
    elsewhere = replace(posts[0], guid="https://other.example.org/?p=88")
    assert elsewhere.source_id is None  # another host's post ID is not this blog's


def test_rss_1_0_feed_is_read_like_rss_2_0():
    data = (FIXTURES / "rss1.rdf.xml").read_bytes()
    assert detect(data) == "rss"
    reader, posts = read(data)
    assert reader.source.title == "Parish Pump" and reader.source.link == "http://mt.example.com/"
    post = posts[0]
    assert post.title == "Fête & fair" and post.author == "Vicar Ames"
    assert post.html == "<p>The whole village came.</p>" and post.categories == ("Village",)
    assert post.published.isoformat() == "2004-07-10T16:20:00+01:00"
    assert post.permalink == post.guid == "http://mt.example.com/archives/000123.html"


def test_atom_content_src_keeps_the_summary_as_an_excerpt_and_xml_base_resolves_links():
    _, posts = read((FIXTURES / "atom-src.atom.xml").read_bytes())
    elsewhere, here = posts
    assert elsewhere.is_excerpt and not here.is_excerpt
    assert elsewhere.permalink == "https://notes.example.net/blog/elsewhere.html"
    assert 'href="https://notes.example.net/blog/more/"' in elsewhere.html
    assert here.permalink == "https://notes.example.net/other/here/"
    assert 'src="https://notes.example.net/other/pic.png"' in here.html
    assert 'href="#top"' in here.html
    assert here.published.isoformat() == "2020-02-03T10:00:00+09:00"


def test_an_rss_item_without_a_link_is_at_its_permalink_guid_only():
    data = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
        b"<link>http://f.example/</link>"
        b"<item><title>A</title><guid>http://f.example/a</guid></item>"
        b'<item><title>B</title><guid isPermaLink="false">http://f.example/?p=2</guid></item>'
        b"</channel></rss>"
    )
    _, posts = read(data)
    assert [p.permalink for p in posts] == ["http://f.example/a", ""]
