"""Watch buttons, watching by editing, and the watchlist."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import Preference, Watch
from tests.community.conftest import edit_through_the_site, make_page, make_user

pytestmark = pytest.mark.django_db


def test_a_volunteer_watches_and_unwatches_a_topic_with_post(alice, volunteer, topic):
    response = alice.post(f"/topics/{topic.slug}/watch/", {"action": "watch"})
    assert response.status_code == 302
    assert Watch.objects.filter(user=volunteer, topic=topic).exists()
    alice.post(f"/topics/{topic.slug}/watch/", {"action": "unwatch"})
    assert not Watch.objects.filter(user=volunteer, topic=topic).exists()


def test_watching_a_page_by_its_wiki_address(alice, volunteer):
    page = make_page()
    alice.post(f"/wiki/{page.slug}/watch/", {"action": "watch"})
    assert Watch.objects.filter(user=volunteer, page=page).exists()


def test_a_topic_entry_is_watched_through_its_topic(alice, volunteer, topic):
    alice.post(f"/wiki/{topic.slug}/watch/", {"action": "watch"})
    assert Watch.objects.filter(user=volunteer, topic=topic).exists()


def test_watching_needs_a_post_and_a_login(client, alice, topic):
    assert alice.get(f"/topics/{topic.slug}/watch/").status_code == 405
    response = client.post(f"/topics/{topic.slug}/watch/", {"action": "watch"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Watch.objects.exists()


def test_an_unknown_watch_action_is_a_bad_request(alice, topic):
    assert alice.post(f"/topics/{topic.slug}/watch/", {"action": "x"}).status_code == 400


def test_the_watch_button_shows_on_topic_and_page(alice, topic):
    page = make_page()
    assert 'value="watch"' in alice.get(f"/topics/{topic.slug}/").content.decode()
    alice.post(f"/wiki/{page.slug}/watch/", {"action": "watch"})
    assert 'value="unwatch"' in alice.get(f"/wiki/{page.slug}/").content.decode()


def test_editing_a_page_watches_it_by_default(alice, volunteer, topic):
    edit_through_the_site(alice, topic.slug, "The bill, explained.")
    assert Watch.objects.filter(user=volunteer, topic=topic).exists()


def test_the_preference_turns_watching_by_editing_off(alice, volunteer, topic):
    Preference.objects.create(user=volunteer, watch_edits=False)
    edit_through_the_site(alice, topic.slug, "The bill, explained.")
    assert not Watch.objects.filter(user=volunteer).exists()


def test_the_watchlist_shows_edits_talk_and_new_posts_marked_new(
    alice, bob, volunteer, other_volunteer, topic, make_post
):
    alice.post(f"/topics/{topic.slug}/watch/", {"action": "watch"})
    Watch.objects.filter(user=volunteer).update(created_at=timezone.now() - timedelta(hours=1))
    edit_through_the_site(bob, topic.slug, "Bob's summary.")
    bob.post(f"/wiki/{topic.slug}/talk/", {"text": "Is this fair?", "action": "post"})
    make_post("A new post about the bill", topics=[topic])
    html = alice.get("/watchlist/").content.decode()
    assert "edited by bob" in html
    assert "new comment by bob" in html
    assert "1 new archive post since you started watching" in html
    assert html.count("new since your last visit") == 3
    # The second visit has seen them all.
    assert "new since your last visit" not in alice.get("/watchlist/").content.decode()


def test_ones_own_changes_are_never_marked_new(alice, topic):
    edit_through_the_site(alice, topic.slug, "Mine.")
    html = alice.get("/watchlist/").content.decode()
    assert "edited by alice" in html and "new since your last visit" not in html


def _watch_many(user, count, make_topic):
    for number in range(count):
        page = make_page(title=f"Page {number}", text="x", author=user)
        Watch.objects.get_or_create(user=user, page=page)
        watched = make_topic(f"Topic {number}")
        Watch.objects.create(user=user, topic=watched)


@pytest.mark.parametrize("size", [2, 20])
def test_the_watchlist_runs_a_fixed_number_of_queries(
    alice, volunteer, make_topic, size, django_assert_max_num_queries
):
    _watch_many(volunteer, size, make_topic)
    # Session, user, preferences, two kinds of watch, entries, comments, posts, the upsert.
    with django_assert_max_num_queries(9):
        assert alice.get("/watchlist/").status_code == 200


def test_the_watchlist_asks_for_a_login(client):
    response = client.get("/watchlist/")
    assert response.status_code == 302


def test_unwatching_someone_elses_watch_is_impossible(alice, bob, other_volunteer, topic):
    other = make_user("carol")
    Watch.objects.create(user=other, topic=topic)
    bob.post(f"/topics/{topic.slug}/watch/", {"action": "unwatch"})
    assert Watch.objects.filter(user=other, topic=topic).exists()


def test_watching_spends_from_the_one_budget_of_writes(alice, volunteer, topic, settings):
    settings.WIKI_EDIT_RATE = "2/600"
    url = f"/topics/{topic.slug}/watch/"
    alice.post(url, {"action": "watch"})
    alice.post(url, {"action": "unwatch"})
    response = alice.post(url, {"action": "watch"}, follow=True)
    assert "which is our limit" in response.content.decode()
    assert not Watch.objects.filter(user=volunteer, topic=topic).exists()


def test_saving_preferences_spends_from_the_one_budget_of_writes(alice, volunteer, settings):
    settings.WIKI_EDIT_RATE = "1/600"
    form = {"email_mode": "never", "watch_edits": "on"}
    assert alice.post("/accounts/preferences/", form).status_code == 302
    response = alice.post("/accounts/preferences/", {**form, "email_mode": "daily"})
    assert response.status_code == 429
    assert Preference.objects.get(user=volunteer).email_mode == "never"
    assert "which is our limit" in response.content.decode()
