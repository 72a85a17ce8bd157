"""Importing WordPress exports and feeds through `import_seeds`, against real PostgreSQL."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from posts.models import Archive, Comment, Post, Topic

FIXTURES = Path(__file__).parent / "fixtures"
WXR = FIXTURES / "blog.wxr.xml"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabulary_seeds")]


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_seeds", *[str(a) for a in args], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_wxr_import_keeps_published_posts_with_exact_titles_dates_and_bylines():
    run(WXR)
    titles = set(Post.objects.values_list("title", flat=True))
    assert titles == {
        "Hello “world” — مرحبا 🎉",
        "The second post",
        "Untitled post, 3 March 2011",
        "Members only",
    }
    post = Post.objects.get(title__startswith="Hello")
    assert post.published.isoformat() == "2011-03-03" and post.author == "Jo Bloggs"
    assert not Post.objects.filter(title__in=["A draft", "Private thoughts", "About us"]).exists()


def test_protected_post_text_is_not_stored():
    run(WXR)
    post = Post.objects.get(title="Members only")
    assert post.protected and post.body == "" and post.body_html == ""
    assert not Post.objects.filter(body__contains="secret plan").exists()


def test_only_approved_comments_are_stored_threaded_without_emails():
    run(WXR)
    comments = list(Comment.objects.order_by("number"))
    assert [(c.author, c.number, c.reply_to) for c in comments] == [
        ("Sam", 1, None),
        ("Jo Bloggs", 2, 1),
    ]
    stored = " ".join(c.body_html + c.author for c in comments)
    assert "secret.example" not in stored and "192.0.2.7" not in stored
    assert "onerror" not in stored and "Buy pills" not in stored


def test_categories_with_parents_and_tags_become_topics_but_not_uncategorized():
    run(WXR)
    post = Post.objects.get(title__startswith="Hello")
    names = {t.name for t in post.topics}
    assert {"Policy", "Localism Bill", "Town halls"} <= names
    assert not Topic.objects.filter(name__in=["Uncategorized", "Aside"]).exists()


def test_body_is_sanitised_and_links_to_posts_of_the_archive_are_rewritten_and_counted():
    run(WXR)
    first = Post.objects.get(title__startswith="Hello")
    second = Post.objects.get(title="The second post")
    assert "<script" not in first.body_html and "<iframe" not in first.body_html
    assert f'href="/posts/{second.slug}/"' in first.body_html
    assert f'href="/posts/{first.slug}/"' in second.body_html
    assert list(first.mentions.all()) == [second] and list(second.mentions.all()) == [first]
    assert '<figcaption dir="auto">Our town hall</figcaption>' in first.body_html


def test_reimport_changes_nothing_and_a_later_export_updates_and_adds(tmp_path):
    run(WXR)
    stamps = dict(Post.objects.values_list("pk", "updated_at"))
    out, _ = run(WXR, force=True)
    assert "0 created, 0 updated, 4 unchanged" in out
    assert dict(Post.objects.values_list("pk", "updated_at")) == stamps
    later = tmp_path / "later-export.xml"
    text = WXR.read_text(encoding="utf-8")
    text = text.replace("Back to <a", "Edited: back to <a").replace(
        "<item><title>A draft</title>",
        "<item><title>Brand new</title><guid>http://localism.example/?p=99</guid>"
        "<content:encoded>New!</content:encoded><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type></item><item><title>A draft</title>",
    )
    later.write_text(text, encoding="utf-8")
    out, _ = run(later)
    assert "1 created, 1 updated, 3 unchanged" in out
    assert Post.objects.count() == 5
    assert Post.objects.get(title="The second post").body.startswith("Edited")


def test_old_permalink_answers_301_to_the_post_page(client):
    run(WXR)
    post = Post.objects.get(title__startswith="Hello")
    response = client.get("/2011/03/03/hello-world/")
    assert response.status_code == 301 and response["Location"] == f"/posts/{post.slug}/"
    assert client.get("/2011/03/03/no-such-post/").status_code == 404


def test_post_page_shows_byline_source_comments_and_isolated_title(client):
    run(WXR)
    post = Post.objects.get(title__startswith="Hello")
    page = client.get(f"/posts/{post.slug}/").content.decode()
    assert '<bdi dir="auto">Hello “world” — مرحبا 🎉</bdi>' in page
    assert "Jo Bloggs" in page and "Localism Diary" in page
    assert 'href="http://localism.example/2011/03/03/hello-world/"' in page
    assert "Great post!" in page and "Thanks, Sam." in page
    assert "secret.example" not in page and "blog.wxr.xml" not in page
    protected = client.get(f"/posts/{Post.objects.get(title='Members only').slug}/")
    assert "password-protected" in protected.content.decode()


def test_malformed_xml_fails_with_file_line_and_column_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text(WXR.read_text(encoding="utf-8").replace("</title>", "</titel>", 3))
    with pytest.raises(CommandError, match=r"bad\.xml, line \d+, column \d+: malformed XML"):
        run(bad)
    assert Post.objects.count() == 0 and Topic.objects.count() == 0
    assert Archive.objects.count() == 0


def test_failed_import_writes_no_vocabulary_topics_and_the_summary_counts_only_commits(tmp_path):
    bad = tmp_path / "empty-posts.txt"
    bad.write_text('Search Results for: "x"\n')
    with pytest.raises(CommandError):
        run(bad)
    assert Topic.objects.count() == 0
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_seeds", str(bad), str(WXR), keep_going=True, stdout=out, stderr=io.StringIO()
        )
    summary = out.getvalue().strip().splitlines()[-1]
    assert summary.startswith("Imported 1 file (1 failed): 4 posts created")
    assert f"{Topic.objects.count()} topics ({Topic.objects.count()} new)" in summary


def test_listing_topics_keep_the_archives_capitalisation_not_the_headers(tmp_path):
    listing = tmp_path / "tagged.txt"
    listing.write_text(
        "Tag Archives: localism bill\n\nA post about the bill\n\nThe bill is here. read more »\n"
        "Posted in Localism Bill\n"
    )
    run(listing)
    post = Post.objects.get()
    assert "Localism Bill" in {t.name for t in post.topics}
    assert not Topic.objects.filter(name="localism bill").exists()


def test_directory_imports_exports_by_content_and_dry_run_writes_nothing(tmp_path):
    folder = tmp_path / "archives"
    folder.mkdir()
    shutil.copy(WXR, folder / "export-without-suffix")
    (folder / "notes.md").write_text("# notes")
    out, err = run(folder, dry_run=True)
    assert "Would import 1 file: 4 posts created" in out and "skipped notes.md" in err
    assert Post.objects.count() == 0
    run(folder)
    assert Post.objects.count() == 4


def test_export_shows_a_byte_progress_bar_on_a_terminal_only(tmp_path):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    items = "".join(
        f"<item><title>Post {i}</title><guid>http://b.example/?p={i}</guid>"
        f"<content:encoded>Body {i}</content:encoded><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type></item>"
        for i in range(1200)
    )
    path = tmp_path / "many.xml"
    path.write_text(
        '<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        f'xmlns:wp="http://wordpress.org/export/1.2/"><channel>{items}</channel></rss>'
    )
    err = Terminal()
    call_command("import_seeds", str(path), stdout=io.StringIO(), stderr=err)
    assert "\rmany.xml: reading [" in err.getvalue() and " MB" in err.getvalue()
    assert Post.objects.count() == 1200
    _, plain = run(path, force=True)
    assert "\r" not in plain


@pytest.mark.parametrize(
    ("encoding", "name", "text"),
    [
        ("cp1252", "Windows-1252", "It\u2019s the \u201cBig Society\u201d"),
        ("latin-1", "Latin-1", "Caf\u00e9 society"),
    ],
)
def test_windows_1252_and_latin1_listings_are_decoded_with_a_note(tmp_path, encoding, name, text):
    path = tmp_path / "old.txt"
    path.write_bytes(f"{text}\n\nThe body of {text}. read more »\n".encode(encoding))
    _, err = run(path)
    assert f"old.txt: decoded as {name}" in err
    post = Post.objects.get()
    assert post.title == text and text in post.body


def test_big_listing_in_windows_1252_is_decoded_in_the_parsing_process_too(tmp_path):
    path = tmp_path / "big.txt"
    posts = "".join(
        f"Caf\u00e9 number {i}\u2019s story\n\nBody {i}. read more »\n\n" for i in range(60000)
    )
    path.write_bytes(posts.encode("cp1252"))
    _, err = run(path)
    assert "decoded as Windows-1252" in err
    assert Post.objects.filter(title="Caf\u00e9 number 7\u2019s story").exists()


def test_a_listing_links_but_never_rewrites_a_post_an_export_brought_in(tmp_path):
    run(WXR)
    listing = tmp_path / "search.txt"
    listing.write_text("The second post\n\nJust the teaser. read more »\n")
    run(listing)
    post = Post.objects.get(title="The second post")
    assert post.body.startswith("Back to") and not post.is_excerpt
    assert set(post.archives.values_list("name", flat=True)) == {"blog.wxr.xml", "search.txt"}


def test_an_export_completes_a_post_a_listing_brought_in_first(tmp_path):
    listing = tmp_path / "search.txt"
    listing.write_text("The second post\n\nJust the teaser. read more »\n")
    run(listing)
    pk = Post.objects.get().pk
    run(WXR)
    post = Post.objects.get(title="The second post")
    assert post.pk == pk and post.body.startswith("Back to") and post.guid


def test_a_big_export_is_prepared_in_a_process_of_its_own_with_the_same_result(monkeypatch):
    from importer import record_import

    monkeypatch.setattr(record_import, "PREPARE_APART_BYTES", 0)
    run(WXR)
    first = Post.objects.get(title__startswith="Hello")
    second = Post.objects.get(title="The second post")
    assert f'href="/posts/{second.slug}/"' in first.body_html
    assert list(first.mentions.all()) == [second]
    assert Comment.objects.count() == 2


def test_new_preparation_rules_rewrite_posts_whose_export_did_not_change(monkeypatch):
    from importer import pipeline
    from importer.readers import records

    run(WXR)
    assert "unchanged since last import" in run(WXR)[0]
    monkeypatch.setattr(pipeline, "IMPORT_RULES", pipeline.IMPORT_RULES + "-next")
    monkeypatch.setattr(records, "PREPARE_RULES", records.PREPARE_RULES + "-next")
    out, _ = run(WXR)
    assert "4 updated" in out and "unchanged since" not in out
    assert "4 unchanged" in run(WXR, force=True)[0]
