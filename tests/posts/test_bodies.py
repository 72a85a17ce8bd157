"""Post bodies as the reader saw them on the old blog: players as linked cards, code as code,
images as one linked figure. No database."""

import io
import re
from pathlib import Path

from core.sanitise import sanitise_html
from importer.prepare.records import prepare
from importer.prepare.wpbody import prepare_body
from importer.readers import detect, open_records

FIXTURES = Path(__file__).parent / "fixtures"


def prepared(title: str):
    data = (FIXTURES / "bodies.wxr.xml").read_bytes()
    reader = open_records(io.BytesIO(data), detect(data))
    post = next(p for p in reader if p.title == title)
    return prepare(0, post, reader.source.link)


def assert_cards_are(html: str, cards: list[tuple[str, str]]) -> None:
    """The body shows exactly these (address, label) media cards, each a plain linked card."""
    for url, label in cards:
        assert (
            f'<div class="media-card"><a href="{url}" rel="nofollow ugc noopener">{label}</a></div>'
            in html
        ), label
    assert html.count('class="media-card"') == len(cards)


def test_every_player_becomes_a_visible_card_linking_to_the_original_and_no_frame():
    html = prepared("Players").html
    assert "<iframe" not in html and "<object" not in html and "<embed" not in html
    cards = [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "Video on YouTube"),
        ("https://vimeo.com/76979871", "Video on Vimeo"),
        ("http://www.youtube.com/watch?v=abcdefghijk&amp;w=425", "Video on YouTube"),
        ("https://www.youtube.com/watch?v=Xy12345abcd", "Video on YouTube"),
        ("https://soundcloud.com/artist/track", "Audio on SoundCloud"),
        ("http://bodies.example.org/wp-content/uploads/talk.mp3", "Audio from bodies.example.org"),
        ("https://www.dailymotion.com/video/x7tgad0", "Video on Dailymotion"),
    ]
    assert_cards_are(html, cards)
    assert "A link to https://youtube.com/watch?v=inline stays text." in html


def test_jetpack_and_core_players_and_oembed_addresses_become_cards_too():
    html = prepared("More players").html
    assert "<iframe" not in html
    cards = [
        ("https://vimeo.com/76979872", "Video on Vimeo"),
        ("http://bodies.example.org/wp-content/uploads/clip.mp4", "Video from bodies.example.org"),
        ("https://videopress.com/embed/AbCd1234", "Video on VideoPress"),
        ("https://wordpress.tv/2019/01/01/a-talk/", "Video on WordPress.tv"),
        ("https://www.youtube.com/watch?v=Zz98765wxyz", "Video on YouTube"),
    ]
    assert_cards_are(html, cards)


def test_source_and_brush_shortcodes_become_code_with_blank_lines_kept():
    html = prepared("More code").html
    assert (
        '<pre><code class="language-cpp">if (a &lt; b &amp;&amp; c)\n    return;</code></pre>'
    ) in html
    assert '<pre><code class="language-cpp">int main() {\n\n  return 0;\n}</code></pre>' in html
    assert "<br>" not in html


def test_code_shortcodes_become_pre_code_with_their_language_and_lines_kept():
    html = prepared("Code").html
    assert (
        '<pre><code class="language-python">def greet(name):\n    if name:\n\n'
        '        return f"hi &lt;{name}&gt;" &amp;&amp; 1</code></pre>'
    ) in html
    assert '<pre><code class="language-csharp">var x = a &lt; b;</code></pre>' in html
    # What a code block holds is text: no image, no player card made of it.
    assert '<pre><code>&lt;img src="x.png"&gt; [youtube abcdefghijk]</code></pre>' in html
    assert "<br>" not in html.split("<pre>")[1]


def test_an_image_block_is_one_figure_and_live_writer_thumbnails_link_the_full_image():
    html = prepared("Pictures").html
    assert html.count("<figure") == 2  # the image block's and the thumbnail's
    assert (
        '<figure><a href="http://bodies.example.org/wp-content/uploads/sea.jpg" '
        'rel="nofollow ugc noopener">Image: The sea</a>'
        '<figcaption dir="auto">Our sea</figcaption></figure>'
    ) in html
    assert 'href="http://bodies.example.org/wp-content/uploads/image_2.png"' in html


def test_the_sanitiser_keeps_only_our_card_class():
    assert sanitise_html('<div class="media-card">x</div>') == '<div class="media-card">x</div>'
    assert sanitise_html('<div class="evil">x</div>') == "<div>x</div>"


def test_a_caption_inside_a_figure_makes_one_figure():
    html, _ = prepare_body(
        '<figure class="wp-caption">[caption]<img src="http://x.example/a.jpg" alt="A"> A'
        "[/caption]</figure>"
    )
    assert html.count("<figure") == 1 and "<figcaption>A</figcaption>" in html


def test_each_block_reads_in_its_own_direction_and_the_blog_language_is_kept():
    data = (FIXTURES / "bodies.wxr.xml").read_bytes()
    reader = open_records(io.BytesIO(data), detect(data))
    post = next(p for p in reader if p.title == "سلام دنیا")
    html = prepare(0, post, reader.source.link).html
    assert html == (
        '<p dir="auto">این یک متن فارسی است.</p>\n<p dir="auto">And an English paragraph.</p>'
    )
    assert reader.source.language == "fa-IR"
    code = prepared("Code").html
    assert "<pre dir" not in code  # code reads left to right


def gallery_post(title: str) -> str:
    data = (FIXTURES / "gallery.wxr.xml").read_bytes()
    reader = open_records(io.BytesIO(data), detect(data))
    post = next(p for p in reader if p.title == title)
    return prepare(0, post, reader.source.link).html


def test_a_gallery_is_a_grid_of_linked_figures_with_their_captions():
    html = gallery_post("In bloom")
    grids = html.split('<div class="gallery">')[1:]
    assert len(grids) == 2
    assert grids[0].count("<figure>") == 2 and "plan.pdf" not in html  # images only
    assert 'href="http://garden.example.org/wp-content/uploads/rose.jpg"' in grids[0]
    assert '<figcaption dir="auto">A red rose</figcaption>' in grids[0]
    assert grids[1].count("<figure>") == 1 and "tulip.png" in grids[1]


def uploads(html: str) -> list[str]:
    """The image files a body's figures link to, in order."""
    return re.findall(r'href="http://garden\.example\.org/wp-content/uploads/(\w+)\.\w+"', html)


def test_a_gallery_shows_images_the_export_gives_only_after_its_post_in_the_ids_order():
    assert uploads(gallery_post("Later")) == ["path", "pond"]
    assert '<figcaption dir="auto">The pond</figcaption>' in gallery_post("Later")


def test_a_post_s_own_gallery_is_in_wordpress_order_menu_order_then_id():
    grids = gallery_post("After").split('<div class="gallery">')[1:]
    assert len(grids) == 3
    assert uploads(grids[0]) == ["elm", "ash", "oak"]
    assert uploads(grids[1]) == ["oak", "elm"]  # order="DESC", exclude="33"
    assert uploads(grids[2]) == ["rose", "tulip"]  # id="10": another post's images
    # The caption is the attachment's excerpt, HTML as WordPress stores it: decoded once.
    assert '<figcaption dir="auto">Oak &amp; ivy</figcaption>' in grids[0]
    # Each image's link says what it shows: its alternative text, else its title.
    assert 'rel="nofollow ugc noopener">Image: An old oak</a>' in grids[0]
    assert 'rel="nofollow ugc noopener">Image: elm</a>' in grids[0]


def test_a_gallery_whose_images_the_export_does_not_hold_links_to_the_original_post():
    html = gallery_post("Gone")
    assert (
        '<div class="media-card"><a href="http://garden.example.org/2014/08/gone/" '
        'rel="nofollow ugc noopener">Image gallery on the original post</a></div>'
    ) in html


def test_reading_ahead_for_a_gallery_s_images_leaves_the_reading_where_it_was():
    data = (FIXTURES / "gallery.wxr.xml").read_bytes()
    reader = open_records(io.BytesIO(data), detect(data))
    titles = [post.title for post in reader]
    assert titles == ["In bloom", "Later", "After", "Gone"]
    assert reader.skipped == 8  # the attachments, each counted once
    assert reader.bytes_read == len(data)


def test_an_excerpt_reads_in_its_own_direction_like_a_whole_body():
    data = (FIXTURES / "atom-src.atom.xml").read_bytes()
    reader = open_records(io.BytesIO(data), detect(data))
    post = next(p for p in reader if p.is_excerpt)
    html = prepare(0, post, reader.source.link).html
    assert html.startswith("<p dir=") and "<p>" not in html
