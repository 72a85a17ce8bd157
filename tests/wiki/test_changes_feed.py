"""The Atom feed of recent wiki changes, parsed back: one entry per revision, newest first."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.wiki.conftest import edit, make_page, make_user
from wiki.feeds import FEED_CHANGES, SYSTEM_AUTHOR
from wiki.models import Revision
from wiki.services import delete_page, move_page

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = reverse("wiki:changes_feed")
BASE = "http://testserver"


def feed_entries(client) -> list[ET.Element]:
    response = client.get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == BASE + reverse("wiki:recent")
    return root.findall(f"{ATOM}entry")


def field(entry, path) -> str:
    return entry.find(path.replace("atom:", ATOM)).text


def test_each_revision_is_an_entry_newest_first_with_title_author_summary_and_permalink(
    client, volunteer
):
    page = make_page("Community organisers", author=volunteer, summary="first version")
    second = edit(page, "Organisers help people organise.", author=volunteer, summary="clearer")
    found = feed_entries(client)
    assert [field(e, "atom:title") for e in found] == ["Community organisers"] * 2
    newest, oldest = found
    assert field(newest, "atom:author/atom:name") == volunteer.username
    assert "<p>clearer</p>" in field(newest, "atom:summary")
    assert "first version" in field(oldest, "atom:summary")
    permalink = reverse("wiki:revision", args=[page.slug, second.number])
    assert newest.find(f"{ATOM}link").get("href") == BASE + permalink
    published = datetime.datetime.fromisoformat(field(newest, "atom:published"))
    assert published == second.created_at


def test_entry_ids_are_distinct_and_survive_a_move_of_the_page(client, volunteer, moderator):
    page = make_page("Old title", author=volunteer)
    edit(page, "More text.", author=volunteer)
    before = [field(e, "atom:id") for e in feed_entries(client)]
    assert len(set(before)) == 2 and all(i.startswith("tag:testserver,") for i in before)
    move_page(page=page, new_title="New title", author=moderator, reason="Clearer")
    after = [field(e, "atom:id") for e in feed_entries(client)]
    assert set(before) < set(after)


def test_hostile_titles_and_summaries_are_escaped(client, volunteer):
    title = '<script>alert("t")</script> & Co'
    summary = '<img src=x onerror="alert(1)"> & more'
    make_page(title, author=volunteer, summary=summary)
    response = client.get(FEED)
    raw = response.content.decode()
    assert "<script>" not in raw and "<img" not in raw
    entry = feed_entries(client)[0]
    assert field(entry, "atom:title") == title
    # The summary is HTML: the volunteer's text arrives escaped inside it, never as markup.
    assert escape(summary) in field(entry, "atom:summary")


def test_imported_revisions_are_credited_to_the_system(client):
    make_page("Imported", author=None)
    assert field(feed_entries(client)[0], "atom:author/atom:name") == SYSTEM_AUTHOR


def test_revisions_of_deleted_pages_are_left_out(client, volunteer, moderator):
    make_page("Kept", author=volunteer)
    gone = make_page("Gone", author=volunteer)
    delete_page(page=gone, actor=moderator, reason="Spam")
    assert [field(e, "atom:title") for e in feed_entries(client)] == ["Kept"]


def test_feed_holds_only_the_newest_changes(client, volunteer):
    page = make_page("Busy page", author=volunteer)
    start = timezone.now()
    Revision.objects.bulk_create(
        Revision(
            page=page,
            number=n,
            text=f"text {n}",
            html=f"<p>text {n}</p>",
            summary=f"edit {n}",
            created_at=start + datetime.timedelta(minutes=n),
        )
        for n in range(2, FEED_CHANGES + 12)
    )
    found = feed_entries(client)
    assert len(found) == FEED_CHANGES
    assert f"edit {FEED_CHANGES + 11}" in field(found[0], "atom:summary")


def test_recent_changes_page_links_the_feed_in_its_head(client):
    html = client.get(reverse("wiki:recent")).content.decode()
    head = html[: html.index("</head>")]
    assert f'type="application/atom+xml" title="Wiki changes (Atom feed)" href="{FEED}"' in head


@pytest.mark.parametrize("pages", [2, 20])
def test_changes_feed_runs_one_query(client, django_assert_max_num_queries, pages):
    authors = [make_user(f"writer{n}") for n in range(3)]
    for n in range(pages):
        make_page(f"Page {n}", author=authors[n % 3])
    with django_assert_max_num_queries(1):
        assert len(feed_entries(client)) == pages
