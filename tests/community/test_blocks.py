"""Blocks: moderators block for a time with a reason; blocked accounts read but do not write."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.blocks import BlockError, active_block, parse_duration
from community.models import Block, LogEntry, TalkComment, Watch
from tests.community.conftest import make_page

pytestmark = pytest.mark.django_db


def block(client, username, reason="Vandalism", duration="1 day"):
    return client.post(
        f"/users/{username}/block/", {"reason": reason, "duration": duration, "action": "block"}
    )


def test_durations_are_understood():
    assert parse_duration("1 day") == timedelta(days=1)
    assert parse_duration("2 weeks") == timedelta(weeks=2)
    assert parse_duration("indefinite") is None
    with pytest.raises(BlockError):
        parse_duration("soon")


def test_a_moderator_blocks_an_account_for_a_time_with_a_reason(mona, volunteer):
    response = block(mona, "alice", duration="1 week")
    assert response.status_code == 302
    found = active_block(volunteer)
    assert found.reason == "Vandalism"
    assert timedelta(days=6, hours=23) < found.expires_at - timezone.now() <= timedelta(weeks=1)
    entry = LogEntry.objects.get()
    assert (entry.kind, entry.target, entry.reason) == ("block", "alice", "Vandalism")


def test_an_indefinite_block_has_no_end(mona, volunteer):
    block(mona, "alice", duration="indefinite")
    assert active_block(volunteer).expires_at is None


def test_a_block_needs_a_reason_and_a_known_duration(mona, volunteer):
    assert block(mona, "alice", reason="").status_code == 400
    assert block(mona, "alice", duration="forever-ish").status_code == 400
    assert not Block.objects.exists()


def test_only_moderators_block(alice, other_volunteer):
    assert block(alice, "bob").status_code == 403
    assert not Block.objects.exists()


def test_a_blocked_account_reads_but_its_posts_are_refused(alice, volunteer, moderator, topic):
    page = make_page()
    Block.objects.create(user=volunteer, by=moderator, reason="Spamming links")
    assert alice.get(f"/wiki/{page.slug}/").status_code == 200
    assert alice.get(f"/topics/{topic.slug}/").status_code == 200
    refused = [
        alice.post(f"/wiki/{page.slug}/edit/", {"text": "spam", "base_revision": 1}),
        alice.post(f"/wiki/{topic.slug}/talk/", {"text": "spam", "action": "post"}),
        alice.post(f"/topics/{topic.slug}/watch/", {"action": "watch"}),
        alice.post(f"/wiki/{page.slug}/move/", {"new_title": "Spam", "reason": "x"}),
    ]
    assert [response.status_code for response in refused] == [403] * 4
    assert "Spamming links" in refused[0].content.decode()
    assert "indefinitely" in refused[0].content.decode()
    page.refresh_from_db()
    assert page.current_revision.number == 1
    assert not TalkComment.objects.exists() and not Watch.objects.exists()


def test_the_blocked_editor_sees_why_and_until_when_before_writing(alice, volunteer, moderator):
    page = make_page()
    until = timezone.now() + timedelta(days=1)
    Block.objects.create(user=volunteer, by=moderator, reason="Cool off", expires_at=until)
    response = alice.get(f"/wiki/{page.slug}/edit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Cool off" in html and "until" in html


def test_a_block_ends_when_it_expires(alice, volunteer, moderator, topic):
    Block.objects.create(
        user=volunteer, by=moderator, reason="x", expires_at=timezone.now() - timedelta(1)
    )
    assert alice.post(f"/topics/{topic.slug}/watch/", {"action": "watch"}).status_code == 302


def test_a_moderator_lifts_a_block_with_a_reason(mona, alice, volunteer, topic):
    block(mona, "alice")
    mona.post("/users/alice/block/", {"action": "unblock", "reason": "Apologised"})
    assert active_block(volunteer) is None
    assert list(LogEntry.objects.values_list("kind", flat=True).order_by("id")) == [
        "block",
        "unblock",
    ]
    assert alice.post(f"/topics/{topic.slug}/watch/", {"action": "watch"}).status_code == 302


def test_a_blocked_account_may_still_log_out_and_unsubscribe(alice, volunteer, moderator):
    Block.objects.create(user=volunteer, by=moderator, reason="x")
    assert alice.post("/accounts/preferences/", {"email_mode": "never"}).status_code == 302
    assert alice.post("/accounts/logout/").status_code == 302


@pytest.mark.parametrize("size", [1, 10])
def test_the_block_and_preference_pages_run_a_fixed_number_of_queries(
    mona, alice, moderator, volunteer, size, django_assert_max_num_queries
):
    for n in range(size):
        Block.objects.create(user=volunteer, by=moderator, reason=f"r{n}", lifted_at=timezone.now())
    with django_assert_max_num_queries(5):
        assert mona.get("/users/alice/block/").status_code == 200
    # One more for the volunteer's API tokens (api.templatetags.api_tokens).
    with django_assert_max_num_queries(4):
        assert alice.get("/accounts/preferences/").status_code == 200
