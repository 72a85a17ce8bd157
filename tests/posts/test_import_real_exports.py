"""Real exports' shapes through `import_seeds`, against real PostgreSQL: which posts they are,
and that they stay themselves across imports."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from posts.models import Comment, Post, Topic

FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabulary_seeds")]


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_seeds", *[str(a) for a in args], stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue()


def test_posts_sharing_a_guid_with_different_post_ids_are_two_posts_and_reimport_updates():
    run(FIXTURES / "cloned-guids.wxr.xml")
    assert set(Post.objects.values_list("title", flat=True)) == {
        "Original launch note",
        "A second note from the clone",
    }
    out = run(FIXTURES / "cloned-guids.wxr.xml", force=True)
    assert "0 created, 0 updated, 2 unchanged" in out
    assert Post.objects.count() == 2


def _unscope_identities():
    """Posts as an import before identities were scoped left them: the bare guid."""
    for post in Post.objects.all():
        Post.objects.filter(pk=post.pk).update(guid=post.guid.split("#", 1)[0])


def test_posts_imported_before_identities_were_scoped_are_updated_not_duplicated():
    run(FIXTURES / "blog.wxr.xml")
    before = dict(Post.objects.values_list("pk", "title"))
    _unscope_identities()
    out = run(FIXTURES / "blog.wxr.xml", force=True)
    assert "0 created" in out
    assert dict(Post.objects.values_list("pk", "title")) == before
    assert "0 created" in run(FIXTURES / "blog.wxr.xml", force=True)
    assert dict(Post.objects.values_list("pk", "title")) == before


def test_a_cloned_guid_held_once_before_scoping_keeps_its_post_and_the_clone_is_added():
    run(FIXTURES / "cloned-guids.wxr.xml")
    # Before scoping, the clone had replaced the original: one post held the shared guid.
    Post.objects.filter(title="A second note from the clone").delete()
    kept = Post.objects.get().pk
    _unscope_identities()
    out = run(FIXTURES / "cloned-guids.wxr.xml", force=True)
    assert "1 created" in out
    assert Post.objects.count() == 2
    assert Post.objects.filter(pk=kept).exists()


def test_an_edited_post_of_the_same_site_is_updated_in_place(tmp_path):
    run(FIXTURES / "cloned-guids.wxr.xml")
    pk = Post.objects.get(title="A second note from the clone").pk
    later = tmp_path / "later.xml"
    text = (FIXTURES / "cloned-guids.wxr.xml").read_text(encoding="utf-8")
    later.write_text(text.replace("its own news", "its own news, and more"), encoding="utf-8")
    out = run(later)
    assert "0 created, 1 updated, 1 unchanged" in out
    assert Post.objects.get(pk=pk).body.endswith("and more.")


def test_posts_of_two_blogs_never_replace_each_other(tmp_path):
    item = (
        "<item><title>{title}</title><guid>http://localhost/?p=1</guid>"
        "<link>http://localhost/?p=1</link><content:encoded>{title} body</content:encoded>"
        "<wp:post_id>1</wp:post_id><wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>"
    )
    for blog in ("Knitting circle", "Chess club"):
        path = tmp_path / f"{blog}.xml"
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
            f"<title>{blog}</title><link>http://localhost</link>"
            f"{item.format(title=f'Hello from the {blog.lower()}')}</channel></rss>",
            encoding="utf-8",
        )
        run(path)
    assert sorted(Post.objects.values_list("title", flat=True)) == [
        "Hello from the chess club",
        "Hello from the knitting circle",
    ]


def test_only_the_published_post_of_a_wordpress_com_export_is_imported_with_a_note():
    out = run(FIXTURES / "wpcom-2011.wxr.xml")
    assert list(Post.objects.values_list("title", flat=True)) == ["The ferry is back"]
    assert "undeclared prefixes read as their usual namespaces: atom" in out


def test_blogger_posts_come_with_their_comments_and_pages_drafts_stay_out():
    run(FIXTURES / "blogger-takeout.atom.xml")
    post = Post.objects.get()
    assert post.title == "Spring 'king' tides"
    comments = list(Comment.objects.filter(post=post).order_by("number"))
    assert [c.author for c in comments] == ["Reader One", "Sol"]
    assert comments[1].reply_to == comments[0].number


def test_an_atom_entry_with_content_elsewhere_is_stored_as_an_excerpt():
    run(FIXTURES / "atom-src.atom.xml")
    assert Post.objects.get(title="Elsewhere").is_excerpt
    assert not Post.objects.get(title="Here").is_excerpt


def test_the_authors_categories_keep_their_names_even_when_a_vocabulary_alias_matches(tmp_path):
    # seeds/topics.toml: "Neighbourhood Challenge" has the alias "Neighborhood Challenge".
    path = tmp_path / "aliases.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>B</title>'
        "<link>http://b.example.org</link><item><title>Funding news</title>"
        "<guid>http://b.example.org/?p=1</guid><content:encoded>Money.</content:encoded>"
        '<category domain="category" nicename="nc"><![CDATA[Neighborhood Challenge]]></category>'
        '<category domain="post_tag" nicename="blog"><![CDATA[Blog]]></category>'
        "<wp:post_id>1</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    run(path)
    post = Post.objects.get(title="Funding news")
    names = {t.name for t in post.topics}
    assert {"Neighborhood Challenge", "Blog"} <= names
    assert Topic.objects.filter(name="Neighborhood Challenge").exists()


def test_bylines_and_commenters_names_never_become_topics(tmp_path):
    item = (
        "<item><title>Post {n}</title><guid>http://p.example.org/?p={n}</guid>"
        "<dc:creator>hua</dc:creator><content:encoded>Guest post by Hua Liang about the "
        "Riverside Food Bank. T Parse said so too.</content:encoded>"
        "<wp:post_id>{n}</wp:post_id><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type><wp:comment><wp:comment_id>1</wp:comment_id>"
        "<wp:comment_author>T Parse</wp:comment_author><wp:comment_approved>1"
        "</wp:comment_approved><wp:comment_content>Nice.</wp:comment_content></wp:comment></item>"
    )
    path = tmp_path / "people.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>P</title>'
        "<link>http://p.example.org</link><wp:author><wp:author_login>hua</wp:author_login>"
        "<wp:author_display_name>Hua Liang</wp:author_display_name></wp:author>"
        + "".join(item.format(n=n) for n in (1, 2, 3))
        + "</channel></rss>",
        encoding="utf-8",
    )
    run(path)
    phrases = set(Topic.objects.filter(source=Topic.Source.PHRASE).values_list("name", flat=True))
    assert "Riverside Food Bank" in phrases  # the posts' own subject still is one
    assert "Hua Liang" not in phrases and "T Parse" not in phrases
