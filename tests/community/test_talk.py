"""Talk pages: threads, replies, sanitised Markdown, the edit window, hiding, /recent/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import LogEntry, Notification, TalkComment, TalkThread, Watch
from tests.community.conftest import make_page, make_user

pytestmark = pytest.mark.django_db


def talk(client, slug, text, **more):
    return client.post(f"/wiki/{slug}/talk/", {"text": text, "action": "post", **more})


def test_posting_text_with_action_post_starts_a_thread(alice, topic):
    response = talk(alice, topic.slug, "Is the summary fair to councils?\n\nI wonder.")
    comment = TalkComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/wiki/{topic.slug}/talk/#c{comment.pk}"
    assert comment.thread.title == "Is the summary fair to councils?"
    assert comment.thread.topic == topic


def test_a_reply_joins_its_thread_and_the_page_shows_author_time_and_permalink(alice, bob, topic):
    talk(alice, topic.slug, "First.", title="Fairness")
    thread = TalkThread.objects.get()
    talk(bob, topic.slug, "A *reply*.", thread=thread.pk)
    assert TalkThread.objects.count() == 1 and thread.comments.count() == 2
    html = alice.get(f"/wiki/{topic.slug}/talk/").content.decode()
    reply = TalkComment.objects.get(author__username="bob")
    assert "<em>reply</em>" in html
    assert f'id="c{reply.pk}"' in html and f'href="#c{reply.pk}"' in html
    assert 'href="/users/bob/"' in html and "<time" in html


def test_a_reply_to_another_pages_thread_is_refused(alice, topic):
    page = make_page()
    talk(alice, page.slug, "On the page.")
    thread = TalkThread.objects.get()
    assert talk(alice, topic.slug, "Elsewhere.", thread=thread.pk).status_code == 404


def test_comments_are_sanitised(alice, topic):
    talk(alice, topic.slug, "<script>alert(1)</script> [x](javascript:alert(1)) <b onclick=x>b</b>")
    html = TalkComment.objects.get().html
    assert "<script" not in html and 'href="javascript' not in html and "<b onclick" not in html


def test_an_empty_comment_is_refused(alice, topic):
    assert talk(alice, topic.slug, "   ").status_code == 400
    assert not TalkComment.objects.exists()


def test_anonymous_visitors_read_talk_but_must_log_in_to_post(client, alice, topic):
    talk(alice, topic.slug, "Hello.")
    assert client.get(f"/wiki/{topic.slug}/talk/").status_code == 200
    response = talk(client, topic.slug, "Anon.")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert TalkComment.objects.count() == 1


def test_a_page_talk_and_a_missing_one(alice):
    page = make_page()
    assert alice.get(f"/wiki/{page.slug}/talk/").status_code == 200
    assert alice.get("/wiki/no-such-thing/talk/").status_code == 404


def test_the_author_may_change_a_comment_for_fifteen_minutes(alice, bob, topic):
    talk(alice, topic.slug, "Tpyo.")
    comment = TalkComment.objects.get()
    url = f"/talk/comments/{comment.pk}/edit/"
    assert bob.get(url).status_code == 403
    assert alice.post(url, {"text": "Typo."}).status_code == 302
    comment.refresh_from_db()
    assert comment.text == "Typo." and comment.edited_at is not None
    TalkComment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=16)
    )
    assert alice.post(url, {"text": "Too late."}).status_code == 403
    comment.refresh_from_db()
    assert comment.text == "Typo."


def test_changing_a_comment_spends_from_the_one_budget_of_writes(alice, topic, settings):
    settings.WIKI_EDIT_RATE = "1/600"
    talk(alice, topic.slug, "Tpyo.")
    comment = TalkComment.objects.get()
    response = alice.post(f"/talk/comments/{comment.pk}/edit/", {"text": "Typo."})
    assert response.status_code == 429 and "which is our limit" in response.content.decode()
    comment.refresh_from_db()
    assert comment.text == "Tpyo."


def test_a_moderator_hides_a_comment_with_a_reason_that_is_logged(alice, mona, topic):
    talk(alice, topic.slug, "Something rude.", title="A thread")
    comment = TalkComment.objects.get()
    mona.post(f"/talk/comments/{comment.pk}/hide/", {"reason": ""})
    comment.refresh_from_db()
    assert not comment.is_hidden  # no reason, no hiding
    mona.post(f"/talk/comments/{comment.pk}/hide/", {"reason": "Personal attack"})
    html = alice.get(f"/wiki/{topic.slug}/talk/").content.decode()
    assert "Something rude." not in html and "Personal attack" in html
    entry = LogEntry.objects.get()
    assert (entry.kind, entry.actor.username, entry.reason) == ("hide", "mona", "Personal attack")


def test_a_volunteer_cannot_hide_a_comment(alice, bob, topic):
    talk(alice, topic.slug, "Mine.")
    comment = TalkComment.objects.get()
    assert bob.post(f"/talk/comments/{comment.pk}/hide/", {"reason": "No"}).status_code == 403
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_a_comment_notifies_watchers_and_watches_for_its_author(alice, bob, volunteer, topic):
    Watch.objects.create(user=volunteer, topic=topic)
    talk(bob, topic.slug, "Bob asks.")
    note = Notification.objects.get()
    assert note.recipient == volunteer
    assert note.url.endswith(f"/wiki/{topic.slug}/talk/#c{TalkComment.objects.get().pk}")
    assert Watch.objects.filter(user__username="bob", topic=topic).exists()


def test_talk_comments_show_in_recent_changes_with_a_filter(alice, topic):
    make_page(title="Village hall", text="Text.")
    talk(alice, topic.slug, "Talk row.", title="A thread")
    everything = alice.get("/recent/").content.decode()
    assert "Talk: Localism Bill" in everything and "Village hall" in everything
    talk_only = alice.get("/recent/?show=talk").content.decode()
    assert "Talk: Localism Bill" in talk_only and "Village hall" not in talk_only
    edits_only = alice.get("/recent/?show=edits").content.decode()
    assert "Talk: Localism Bill" not in edits_only and "Village hall" in edits_only


@pytest.mark.parametrize("size", [2, 15])
def test_the_talk_page_and_recent_changes_run_a_fixed_number_of_queries(
    client, topic, size, django_assert_max_num_queries
):
    people = [make_user(f"talker{n}") for n in range(3)]
    for n in range(size):
        thread = TalkThread.objects.create(topic=topic, title=f"T{n}", author=people[0])
        for person in people:
            TalkComment.objects.create(thread=thread, author=person, text="x", html="<p>x</p>")
        make_page(title=f"Page {n}", text="x", author=people[1])
    with django_assert_max_num_queries(4):
        assert client.get(f"/wiki/{topic.slug}/talk/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/recent/").status_code == 200


def test_a_new_comment_shows_at_once_to_anonymous_readers_of_a_cached_page(
    client, alice, topic, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    talk_url = f"/wiki/{topic.slug}/talk/"
    client.get(talk_url)
    assert client.get(talk_url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        talk(alice, topic.slug, "Fresh words.")
    response = client.get(talk_url)
    assert response["X-Page-Cache"] == "miss" and "Fresh words." in response.content.decode()
