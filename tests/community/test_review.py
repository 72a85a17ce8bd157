"""The review queue: new volunteers' edits wait for a moderator; readers never see it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import LogEntry, Review
from tests.community.conftest import edit, edit_through_the_site, make_page, make_user

pytestmark = pytest.mark.django_db


def _seasoned(user):
    user.date_joined = timezone.now() - timedelta(days=30)
    user.save(update_fields=["date_joined"])


def test_a_new_volunteers_edit_is_queued(alice, topic):
    edit_through_the_site(alice, topic.slug, "New volunteer's first words.")
    assert Review.objects.filter(reviewed_at=None).count() == 1


def test_an_old_account_with_many_edits_is_not_queued(alice, volunteer):
    _seasoned(volunteer)
    page = make_page(author=volunteer)
    for n in range(10):
        edit(page, f"Edit {n}", author=volunteer)
    edit_through_the_site(alice, page.slug, "The twelfth.", base=11)
    assert not Review.objects.filter(revision__page=page, revision__number=12).exists()


def test_an_old_account_within_its_first_ten_edits_is_queued(alice, volunteer):
    _seasoned(volunteer)
    page = make_page(author=volunteer)
    edit_through_the_site(alice, page.slug, "The second.", base=1)
    assert Review.objects.filter(revision__page=page, revision__number=2).count() == 1


def test_moderators_edits_are_not_queued(mona, topic):
    edit_through_the_site(mona, topic.slug, "A moderator writes.")
    assert not Review.objects.exists()


def test_a_moderator_sees_the_diff_and_marks_it_reviewed(alice, mona, volunteer):
    page = make_page(text="Old words.")
    edit_through_the_site(alice, page.slug, "New words.", base=1)
    item = Review.objects.get()
    html = mona.get("/review/").content.decode()
    assert "<del>Old</del>" in html and "<ins>New</ins>" in html
    mona.post("/review/", {"review": item.pk, "action": "reviewed"})
    item.refresh_from_db()
    assert item.reviewed_at is not None and item.outcome == "ok"
    assert "Nothing waits for review" in mona.get("/review/").content.decode()


def test_the_queue_shows_only_the_changed_lines_not_the_whole_document(alice, mona):
    lines = [f"Line {n} stays as it was." for n in range(1, 41)]
    page = make_page(text="\n".join(lines))
    changed = lines.copy()
    changed[19] = "Line 20 was rewritten."
    edit_through_the_site(alice, page.slug, "\n".join(changed), base=1)
    html = mona.get("/review/").content.decode()
    assert "Change 1 of 1" in html and "at line" in html
    assert "rewritten" in html
    assert "Line 18 stays" in html  # context around the change
    assert "Line 1 stays" not in html and "Line 40 stays" not in html


def test_a_moderator_reverts_an_edit_in_one_step_with_a_reason(alice, mona):
    page = make_page(text="Good text.")
    edit_through_the_site(alice, page.slug, "Vandalised.", base=1)
    item = Review.objects.get()
    mona.post("/review/", {"review": item.pk, "action": "revert", "reason": ""})
    page.refresh_from_db()
    assert page.current_revision.number == 2  # no reason, no revert
    mona.post("/review/", {"review": item.pk, "action": "revert", "reason": "Vandalism"})
    page.refresh_from_db()
    assert page.current_revision.text == "Good text."
    assert LogEntry.objects.get().kind == "revert"
    item.refresh_from_db()
    assert item.outcome == "reverted"


def test_readers_and_volunteers_never_see_the_queue(client, alice, topic):
    edit_through_the_site(alice, topic.slug, "Secret-ish words.")
    assert client.get("/review/").status_code == 302
    html = alice.get("/review/").content.decode()
    assert "Secret-ish" not in html and "review-item" not in html
    assert alice.post("/review/", {"review": Review.objects.get().pk, "action": "reviewed"})
    assert Review.objects.get().reviewed_at is None
    assert "unreviewed" not in alice.get(f"/topics/{topic.slug}/").content.decode()


@pytest.mark.parametrize("size", [2, 12])
def test_the_review_queue_runs_a_fixed_number_of_queries(mona, size, django_assert_max_num_queries):
    for n in range(size):
        person = make_user(f"newbie{n}")
        make_page(title=f"Page {n}", text="x", author=person)  # queued: a new volunteer's
    assert Review.objects.count() == size
    with django_assert_max_num_queries(7):
        assert mona.get("/review/").status_code == 200
