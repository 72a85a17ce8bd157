"""A first import of an export into an empty database writes each post as its scan meets it
(importer.write.first_records); any later import plans first and writes after. Both must leave
the same posts, links, topics, mentions and comments, against real PostgreSQL."""

import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from importer import record_import
from posts.models import Archive, Comment, Post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabulary_seeds")]

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Allotment Society</title><link>http://plots.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
"""


def item(wp_id: int, title: str, body: str, *, tag: str = "", comment: str = "") -> str:
    slug = title.lower().replace(" ", "-")
    extra = f'<category domain="post_tag" nicename="t"><![CDATA[{tag}]]></category>' if tag else ""
    if comment:
        extra += (
            "<wp:comment><wp:comment_id>1</wp:comment_id>"
            "<wp:comment_author><![CDATA[A neighbour]]></wp:comment_author>"
            "<wp:comment_author_email>n@example.org</wp:comment_author_email>"
            "<wp:comment_date_gmt>2012-06-01 09:00:00</wp:comment_date_gmt>"
            f"<wp:comment_content><![CDATA[{comment}]]></wp:comment_content>"
            "<wp:comment_approved>1</wp:comment_approved>"
            "<wp:comment_parent>0</wp:comment_parent></wp:comment>"
        )
    return f"""<item><title>{title}</title>
<link>http://plots.example/2012/06/0{wp_id % 9 + 1}/{slug}/</link>
<guid isPermaLink="false">http://plots.example/?p={wp_id}</guid>
<content:encoded><![CDATA[{body}]]></content:encoded>
<wp:post_id>{wp_id}</wp:post_id>
<wp:post_date_gmt>2012-06-0{wp_id % 9 + 1} 10:00:00</wp:post_date_gmt>
<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>{extra}</item>
"""


ITEMS = [
    item(
        1,
        "Water troughs mended",
        "The first copy, with a comment the later copy drops.",
        comment="Who paid for it?",
    ),
    item(
        2,
        "Seed swap in the hall",
        'Bring seeds. After <a href="http://plots.example/?p=3">the shed post</a>\n\n'
        "the Seed Swap Committee met; water troughs mended came up.",
        tag="Seed Swap Committee",
        comment="I will bring beans.",
    ),
    item(3, "The new tool shed", "The Seed Swap Committee paid for it.", tag="Sheds"),
    item(
        1,
        "Water troughs mended",
        'The last copy wins. See <a href="/2012/06/03/seed-swap-in-the-hall/">the swap</a>.',
        tag="Troughs",
        comment="Thanks to the Seed Swap Committee.",
    ),
]


def export(path: Path) -> Path:
    path.write_text(HEAD + "".join(ITEMS) + "</channel></rss>\n", encoding="utf-8")
    return path


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command("import_seeds", *map(str, args), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def written() -> dict[str, tuple]:
    """Every post of the export as the site shows it, by title."""
    return {
        post.title: (
            post.body,
            post.body_html,
            sorted(t.name for t in post.topics),
            sorted(post.mentions.values_list("title", flat=True)),
            [(c.author, c.body_html) for c in Comment.objects.filter(post=post)],
            sorted(post.archives.values_list("name", flat=True)),
        )
        for post in Post.objects.exclude(title="An older post")
    }


@pytest.mark.parametrize("apart", [False, True], ids=["here", "in a process"])
def test_a_first_import_writes_what_an_import_into_a_used_database_writes(
    tmp_path, monkeypatch, apart
):
    if apart:
        monkeypatch.setattr(record_import, "PREPARE_APART_BYTES", 0)
    path = export(tmp_path / "plots.xml")
    out = run(path)
    assert "3 posts created" in out and "1 duplicate merged" in out
    first = written()
    water = Post.objects.get(title="Water troughs mended")
    assert water.body.startswith("The last copy wins")
    assert first["Water troughs mended"][4] == [
        ("A neighbour", "Thanks to the Seed Swap Committee.")
    ]
    assert "Troughs" in first["Water troughs mended"][2]  # the last copy's tags too
    swap = Post.objects.get(title="Seed swap in the hall")
    shed = Post.objects.get(title="The new tool shed")
    assert f'href="/posts/{shed.slug}/"' in swap.body_html  # a link to a later post
    assert f'href="/posts/{swap.slug}/"' in water.body_html  # and to an earlier one
    assert "Seed Swap Committee" in first["The new tool shed"][2]

    Post.objects.all().delete()
    Archive.objects.all().delete()
    older = tmp_path / "older.txt"
    older.write_text("An older post\n\nAbout something else entirely.\n")
    run(older)  # the database now holds a post: the export is planned, then written
    run(path)
    assert written() == first


def test_a_broken_first_import_in_a_process_writes_nothing_and_leaves_no_spool(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(record_import, "PREPARE_APART_BYTES", 0)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    bad = tmp_path / "bad.xml"
    bad.write_text(HEAD + "".join(ITEMS[:3]) + "<item><title>Cut off</titel>", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.xml, line \d+, column \d+: malformed XML"):
        run(bad)
    assert Post.objects.count() == 0 and Comment.objects.count() == 0
    assert not list(tmp_path.glob("bigsoc-prepared-*"))


def test_a_full_disk_under_the_spool_is_named_not_blamed_on_the_archive(tmp_path):
    import multiprocessing
    import pickle

    from importer.prepare.records import _prepare_into

    receive, send = multiprocessing.Pipe(duplex=False)
    # /dev/full refuses every write with "No space left on device", as a full disk would.
    _prepare_into(str(export(tmp_path / "plots.xml")), "wxr", None, None, "/dev/full", send)
    message = receive.recv_bytes()
    assert message[:1] == b"X"
    reason, line, column = pickle.loads(message[1:])
    assert reason.startswith("cannot keep the prepared posts in ") and "No space left" in reason
    assert line is None and column is None
