"""History, old revisions, diffs, reverts, and the revision table's guarantees."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.wiki.conftest import edit, make_page
from wiki.diff import hunk_diff, word_diff
from wiki.models import Revision

pytestmark = pytest.mark.django_db


def test_history_lists_every_revision_with_author_summary_and_size_change(client, volunteer):
    page = make_page(text="abc", author=volunteer, summary="first go")
    edit(page, "abcdefgh", author=volunteer, summary="more letters", minor=True)
    html = client.get(f"/wiki/{page.slug}/history/").content.decode()
    assert "first go" in html and "more letters" in html
    assert html.count('href="/users/alice/"') >= 2
    assert '<span class="size-up">+5</span>' in html
    assert '<span class="size-up">+3</span>' in html
    assert 'title="minor edit"' in html
    assert 'name="from" value="1"' in html and 'name="to" value="2"' in html
    # Each row links to its own change.
    assert f'href="/wiki/{page.slug}/diff/?from=1&amp;to=2">diff with previous' in html
    assert f'href="/wiki/{page.slug}/diff/?from=0&amp;to=1">diff with previous' in html


def test_history_is_paginated_fifty_to_a_page(client):
    page = make_page(text="r1")
    bulk_revisions(page, 60)
    first = client.get(f"/wiki/{page.slug}/history/").content.decode()
    second = client.get(f"/wiki/{page.slug}/history/?page=2").content.decode()
    assert first.count('name="to"') == 50
    assert second.count('name="to"') == 11


def test_old_revision_has_its_own_permalink(client):
    page = make_page(text="The first words")
    edit(page, "The second words")
    response = client.get(f"/wiki/{page.slug}/revisions/1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "The first words" in html
    assert "This is an old revision" in html
    assert client.get(f"/wiki/{page.slug}/revisions/9/").status_code == 404


def test_diff_marks_added_and_removed_words(client):
    page = make_page(text="Volunteers ran the hall on Saturday.")
    edit(page, "Volunteers ran the community hall on Sunday.")
    response = client.get(f"/wiki/{page.slug}/diff/?from=1&to=2")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<ins>community </ins>" in html
    # Side by side: the old line marks what went, the new line what came.
    assert "<del>Saturday.</del>" in html and "<ins>Sunday.</ins>" in html


def test_diff_shows_only_changed_lines_with_two_lines_of_context(client):
    lines = [f"Paragraph {n}." for n in range(1, 21)]
    page = make_page(text="\n".join(lines))
    changed = lines.copy()
    changed[9] = "Paragraph 10, rewritten."
    edit(page, "\n".join(changed))
    html = client.get(f"/wiki/{page.slug}/diff/?from=1&to=2").content.decode()
    assert "Change 1 of 1" in html
    for shown in ("Paragraph 8.", "Paragraph 9.", "Paragraph 11.", "Paragraph 12."):
        assert shown in html
    assert "Paragraph 7." not in html and "Paragraph 13." not in html
    assert "<del>10.</del>" in html and "<ins>10, rewritten.</ins>" in html


def test_hunks_pair_replaced_lines_and_list_removed_and_added_ones():
    hunks = hunk_diff("a\nb\nc\nd\ne\nf", "a\nB\nc\nd\ne\nf\ng", context=1)
    assert [h.new_start for h in hunks] == [1, 6]
    kinds = [[row.kind for row in hunk.rows] for hunk in hunks]
    assert kinds == [["context", "change", "context"], ["context", "insert"]]
    assert hunks[1].rows[1].new_number == 7 and hunks[1].rows[1].old_number is None
    assert hunks[0].rows[1].old_html == "<del>b</del>"
    assert hunks[0].rows[1].new_html == "<ins>B</ins>"
    assert hunk_diff("same", "same") == []
    assert hunk_diff("<i>", "")[0].rows[0].old_html == "<del>&lt;i&gt;</del>"


def test_diff_links_the_edits_before_and_after_and_the_next_change(client):
    page = make_page(text="one\n\n\n\n\n\n\nfar away")
    edit(page, "ONE\n\n\n\n\n\n\nfar away")
    edit(page, "ONE\n\n\n\n\n\n\nFAR away")
    edit(page, "ONE\n\n\n\n\n\n\nFAR AWAY")
    html = client.get(f"/wiki/{page.slug}/diff/?from=1&to=3").content.decode()
    assert f'rel="prev" href="/wiki/{page.slug}/diff/?from=0&amp;to=1">‹ Previous edit' in html
    assert f'rel="next" href="/wiki/{page.slug}/diff/?from=3&amp;to=4">Next edit ›' in html
    assert 'href="#change-2">Next change' in html
    latest = client.get(f"/wiki/{page.slug}/diff/").content.decode()
    assert "Next edit" not in latest


def test_diff_escapes_the_text_it_compares():
    assert word_diff("a <b>", "a <i>") == "a <del>&lt;b&gt;</del><ins>&lt;i&gt;</ins>"


def test_diff_of_unknown_revisions_says_so(client):
    page = make_page()
    response = client.get(f"/wiki/{page.slug}/diff/?from=1&to=7")
    assert response.status_code == 400
    assert "Choose two revisions that exist" in response.content.decode()


def test_revert_creates_a_new_revision_with_the_old_text(mona, moderator):
    page = make_page(text="Good text")
    edit(page, "VANDALISM")
    response = mona.post(f"/wiki/{page.slug}/revert/1/", {"reason": "Vandalism"})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.current_revision.number == 3
    assert page.current_revision.text == "Good text"
    assert page.current_revision.author == moderator
    assert page.current_revision.summary == "Reverted to revision 1"
    assert page.revisions.filter(text="VANDALISM").exists()


def test_revert_is_post_only(mona):
    page = make_page()
    edit(page, "two")
    assert mona.get(f"/wiki/{page.slug}/revert/1/").status_code == 405


def test_a_duplicate_revision_number_is_refused_by_the_database():
    page = make_page()
    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.bulk_create([Revision(page=page, number=1, text="dup", html="")])


def test_revisions_cannot_be_changed_or_deleted():
    revision = make_page().current_revision
    revision.text = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        revision.save()
    with pytest.raises(ValueError, match="append-only"):
        revision.delete()
    assert Revision.objects.get(pk=revision.pk).text != "rewritten"


def bulk_revisions(page, count):
    """Add `count` more revisions to `page` in one insert (for size-independence tests)."""
    start = page.current_revision.number
    now = timezone.now()
    revisions = Revision.objects.bulk_create(
        Revision(
            page=page,
            number=start + i,
            text=f"text {i} " * 20,
            html=f"<p>text {i}</p>",
            size=len(f"text {i} " * 20),
            summary=f"edit {i}",
            created_at=now,
        )
        for i in range(1, count + 1)
    )
    page.current_revision = revisions[-1]
    page.save(update_fields=["current_revision"])
    return revisions


@pytest.mark.parametrize(
    "url",
    [
        "/wiki/{slug}/",
        "/wiki/{slug}/history/",
        "/wiki/{slug}/diff/?from=2&to=3",
        "/wiki/{slug}/revisions/2/",
        "/recent/",
        "/users/alice/",
    ],
)
def test_page_views_run_the_same_queries_with_300_revisions_as_with_3(
    url, alice, volunteer, django_assert_max_num_queries
):
    small = make_page(title="Small", text="s", author=volunteer)
    bulk_revisions(small, 2)
    big = make_page(title="Big", text="b", author=volunteer)
    bulk_revisions(big, 299)
    assert big.revisions.count() == 300

    with CaptureQueriesContext(connection) as small_queries:
        assert alice.get(url.format(slug=small.slug)).status_code == 200
    with django_assert_max_num_queries(len(small_queries)):
        assert alice.get(url.format(slug=big.slug)).status_code == 200
    # A first view asks once whether the reader is blocked (then kept in the session).
    assert len(small_queries) <= 9
