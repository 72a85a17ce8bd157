"""export_wiki writes MediaWiki's export-0.11 dump (validated against its published XSD), and
import_wiki reads it back into an empty site: every revision, authors, moves, talk pages."""

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from lxml import etree

from community.models import Notification, Review, TalkComment, TalkThread, Watch
from community.talk import post_comment
from community.targets import Target
from dumps.mediawiki import mediawiki_sha1
from wiki.models import Page, PageRedirect, Revision
from wiki.services import create_page, move_page, save_revision

SCHEMAS = Path(__file__).parent / "schemas"
MW = "{http://www.mediawiki.org/xml/export-0.11/}"

pytestmark = pytest.mark.django_db


class _LocalXmlSchema(etree.Resolver):
    """export-0.11.xsd imports the W3C's xml.xsd by URL: answer with the local copy."""

    def resolve(self, url, pubid, context):
        if url.endswith("xml.xsd"):
            return self.resolve_filename(str(SCHEMAS / "xml.xsd"), context)
        return None


def mediawiki_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalXmlSchema())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "export-0.11.xsd"), parser))


def export(*args, **options) -> str:
    out = io.StringIO()
    call_command(
        "export_wiki", *[str(a) for a in args], stdout=out, stderr=io.StringIO(), **options
    )
    return out.getvalue()


@pytest.fixture
def wiki(django_user_model, make_topic):
    ann = django_user_model.objects.create_user("ann", password="x-ann-9")
    bob = django_user_model.objects.create_user("bob", password="x-bob-9")
    make_topic("Localism")
    hall = create_page(title="Village hall", text="One.", author=ann).page
    save_revision(
        page=hall, text="One. Two.", author=bob, summary="more", minor=True, base_revision=1
    )
    save_revision(page=hall, text="One. Two. [[Localism]]", author=None, base_revision=2)
    create_page(title="Localism", text="The topic's *entry*.", author=bob)
    moved = create_page(title="Old name", text="Moving soon.", author=ann).page
    move_page(page=moved, new_title="New name", author=ann, reason="Clearer name")
    post_comment(target=Target(page=hall), author=ann, text="Is it open?", title="Opening hours")
    thread = TalkThread.objects.get()
    post_comment(target=Target(page=hall), author=bob, text="Weekdays.", thread=thread)
    return {"ann": ann, "bob": bob}


def snapshot():
    revisions = sorted(
        (r.page.title, r.number, r.text, r.author.username if r.author else None, r.summary,
         r.minor, r.created_at.replace(microsecond=0))
        for r in Revision.objects.select_related("page", "author")
    )  # fmt: skip
    pages = sorted((p.title, p.slug, p.topic_id is not None) for p in Page.objects.all())
    redirects = sorted(PageRedirect.objects.values_list("old_slug", "page__title"))
    comments = sorted(
        (c.thread.title, c.text, c.author.username, c.created_at.replace(microsecond=0))
        for c in TalkComment.objects.select_related("thread", "author")
    )
    return revisions, pages, redirects, comments


def empty_the_wiki():
    # What the fixture's edits announced goes with them (the review queue points at revisions).
    Review.objects.all().delete()
    Notification.objects.all().delete()
    Watch.objects.all().delete()
    TalkComment.objects.all().delete()
    TalkThread.objects.all().delete()
    PageRedirect.objects.all().delete()
    Page.objects.update(current_revision=None)
    Revision.objects.update(parent=None)
    Revision.objects.all()._raw_delete(Revision.objects.db)
    Page.objects.all().delete()


def test_the_dump_validates_against_mediawikis_export_0_11_schema(wiki, tmp_path):
    target = tmp_path / "wiki.xml"
    export(target)
    document = etree.parse(str(target))
    schema = mediawiki_schema()
    assert schema.validate(document), schema.error_log
    root = document.getroot()
    assert root.get("version") == "0.11"
    hall = next(p for p in root.iter(f"{MW}page") if p.findtext(f"{MW}title") == "Village hall")
    revisions = hall.findall(f"{MW}revision")
    assert len(revisions) == 3
    second = revisions[1]
    assert second.findtext(f"{MW}parentid") == revisions[0].findtext(f"{MW}id")
    assert second.find(f"{MW}minor") is not None and second.findtext(f"{MW}comment") == "more"
    assert second.findtext(f"{MW}contributor/{MW}username") == "bob"
    assert second.findtext(f"{MW}model") == "markdown"
    assert second.findtext(f"{MW}format") == "text/markdown"
    assert second.findtext(f"{MW}sha1") == mediawiki_sha1("One. Two.")
    redirect = next(p for p in root.iter(f"{MW}page") if p.find(f"{MW}redirect") is not None)
    assert redirect.find(f"{MW}redirect").get("title") == "New name"
    talk = next(p for p in root.iter(f"{MW}page") if p.findtext(f"{MW}ns") == "1")
    assert talk.findtext(f"{MW}title") == "Talk:Village hall"


def test_a_history_longer_than_a_read_is_written_whole_and_in_order(wiki, tmp_path, monkeypatch):
    # Revisions are read a chunk at a time across pages: a page's history spans chunks.
    monkeypatch.setattr("dumps.mediawiki.CHUNK", 2)
    target = tmp_path / "wiki.xml"
    export(target)
    document = etree.parse(str(target))
    assert mediawiki_schema().validate(document)
    pages = {
        p.findtext(f"{MW}title"): [r.findtext(f"{MW}text") for r in p.findall(f"{MW}revision")]
        for p in document.getroot().iter(f"{MW}page")
    }
    assert pages["Village hall"] == ["One.", "One. Two.", "One. Two. [[Localism]]"]
    assert pages["Localism"] == ["The topic's *entry*."]
    assert len(pages["New name"]) == 2  # created, then moved


def test_a_broken_dump_would_fail_the_schema(wiki, tmp_path):
    target = tmp_path / "wiki.xml"
    export(target)
    document = etree.parse(str(target))
    document.getroot().find(f"{MW}page/{MW}revision/{MW}timestamp").text = "yesterday"
    assert not mediawiki_schema().validate(document)


def test_mediawiki_sha1_is_base36_of_the_texts_sha1():
    # MediaWiki's sha1 of the empty text.
    assert mediawiki_sha1("") == "phoiac9h4m842xq45sp7s6u21eteeq1"


def test_the_dump_reads_back_into_an_empty_site_with_every_revision_author_move_and_talk(
    wiki, tmp_path
):
    before = snapshot()
    target = tmp_path / "wiki.xml"
    export(target)
    empty_the_wiki()
    get_user_model().objects.filter(username="bob").delete()
    out = io.StringIO()
    call_command("import_wiki", str(target), stdout=out)
    assert "Imported 3 pages" in out.getvalue()
    after = snapshot()
    for part_before, part_after in zip(before, after, strict=True):
        assert part_after == part_before
    bob = get_user_model().objects.get(username="bob")
    assert not bob.is_active and not bob.has_usable_password()
    assert get_user_model().objects.get(username="ann").is_active
    assert Page.objects.get(title="Localism").topic.name == "Localism"


def test_an_imported_history_is_not_announced_as_new_edits(wiki, tmp_path):
    target = tmp_path / "wiki.xml"
    export(target)
    empty_the_wiki()
    call_command("import_wiki", str(target), stdout=io.StringIO())
    assert Revision.objects.count() > 3
    assert not Watch.objects.exists()
    assert not Notification.objects.exists()
    assert not Review.objects.exists()


def test_import_refuses_a_site_that_has_pages_and_a_file_that_is_not_a_dump(wiki, tmp_path):
    target = tmp_path / "wiki.xml"
    export(target)
    with pytest.raises(CommandError, match="already has pages"):
        call_command("import_wiki", str(target), stdout=io.StringIO())
    empty_the_wiki()
    junk = tmp_path / "junk.xml"
    junk.write_text("<rss><channel/></rss>")
    with pytest.raises(CommandError, match="not a MediaWiki XML dump"):
        call_command("import_wiki", str(junk), stdout=io.StringIO())
    broken = tmp_path / "broken.xml"
    broken.write_text(target.read_text()[:-200])
    with pytest.raises(CommandError, match="broken"):
        call_command("import_wiki", str(broken), stdout=io.StringIO())
    assert not Page.objects.exists()  # nothing written by the failed import


def test_export_wiki_to_stdout_and_since_a_date(wiki):
    Revision.objects.update(created_at="2001-01-01T00:00:00Z")
    Revision.objects.filter(page__title="Village hall", number=3).update(
        created_at="2020-01-01T00:00:00Z"
    )
    out = export("-", since="2019-01-01")
    root = etree.fromstring(out.encode())
    titles = [
        p.findtext(f"{MW}title") for p in root.iter(f"{MW}page") if p.findtext(f"{MW}ns") == "0"
    ]
    assert "Village hall" in titles and "Localism" not in titles
    hall = next(p for p in root.iter(f"{MW}page") if p.findtext(f"{MW}title") == "Village hall")
    assert len(hall.findall(f"{MW}revision")) == 1
