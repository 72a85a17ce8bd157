"""Writing through /api/v1/ with a personal access token: the same permissions, blocks, render
budget, rate limit, history, watches and notifications as the site."""

import pytest
from django.contrib.auth.models import Group

from api.models import AccessToken
from community.blocks import block_user
from community.models import Notification, TalkComment, Watch
from wiki.models import Page

pytestmark = pytest.mark.django_db


def test_a_write_token_edits_a_page_into_its_history(send, write_token, make_page, volunteer):
    make_page()
    response = send(
        "PUT",
        "/api/v1/wiki/volunteering/",
        {"text": "Second.", "summary": "tidy", "base_revision": 1},
        token=write_token,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["saved"] and body["revision"] == 2 and body["page"]["text"] == "Second."
    revision = Page.objects.get(slug="volunteering").current_revision
    assert (revision.number, revision.author, revision.summary) == (2, volunteer, "tidy")


def test_a_stale_base_revision_is_409_with_both_texts_and_nothing_saved(
    send, write_token, make_page
):
    make_page(text="Theirs.")
    send(
        "PUT",
        "/api/v1/wiki/volunteering/",
        {"text": "Second.", "base_revision": 1},
        token=write_token,
    )
    response = send(
        "PUT",
        "/api/v1/wiki/volunteering/",
        {"text": "Mine.", "base_revision": 1},
        token=write_token,
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "conflict" and body["detail"]
    assert body["current_text"] == "Second." and body["your_text"] == "Mine."
    assert body["current_revision"] == 2
    assert Page.objects.get(slug="volunteering").current_revision.number == 2


def test_a_put_with_base_zero_creates_the_page_and_post_creates_one_by_title(send, write_token):
    created = send(
        "PUT",
        "/api/v1/wiki/new-page/",
        {"text": "Hello.", "base_revision": 0, "title": "New page"},
        token=write_token,
    )
    assert created.status_code == 201 and created.json()["page"]["title"] == "New page"
    posted = send(
        "POST", "/api/v1/wiki/", {"title": "Another page", "text": "Hi."}, token=write_token
    )
    assert posted.status_code == 201 and posted.json()["page"]["slug"] == "another-page"
    again = send(
        "POST", "/api/v1/wiki/", {"title": "Another page", "text": "Hi."}, token=write_token
    )
    assert again.status_code == 409


def test_writes_need_a_valid_write_token(send, read_token, make_page):
    make_page()
    body = {"text": "x", "base_revision": 1}
    assert send("PUT", "/api/v1/wiki/volunteering/", body).status_code == 401
    assert send("PUT", "/api/v1/wiki/volunteering/", body, token="bsk_made-up").status_code == 401
    refused = send("PUT", "/api/v1/wiki/volunteering/", body, token=read_token)
    assert refused.status_code == 403 and refused.json()["error"] == "scope"


def test_a_revoked_token_or_deactivated_account_no_longer_writes(
    send, write_token, volunteer, make_page
):
    make_page()
    AccessToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    body = {"text": "x", "base_revision": 1}
    assert send("PUT", "/api/v1/wiki/volunteering/", body, token=write_token).status_code == 401
    AccessToken.objects.update(revoked_at=None)
    volunteer.is_active = False
    volunteer.save()
    assert send("PUT", "/api/v1/wiki/volunteering/", body, token=write_token).status_code == 401


def test_a_logged_in_session_without_a_token_cannot_write(client, volunteer, make_page):
    make_page()
    client.force_login(volunteer)
    response = client.put(
        "/api/v1/wiki/volunteering/",
        data='{"text": "x", "base_revision": 1}',
        content_type="application/json",
    )
    assert response.status_code == 401
    assert Page.objects.get(slug="volunteering").current_revision.number == 1


def test_only_the_hash_of_a_token_is_stored(write_token):
    stored = AccessToken.objects.get()
    assert write_token not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64


def test_a_protected_page_is_refused_unless_a_moderator_writes(
    send, write_token, make_page, volunteer
):
    page = make_page()
    Page.objects.filter(pk=page.pk).update(protected=True)
    body = {"text": "x", "base_revision": 1}
    refused = send("PUT", "/api/v1/wiki/volunteering/", body, token=write_token)
    assert refused.status_code == 403 and refused.json()["error"] == "protected"
    volunteer.groups.add(Group.objects.get_or_create(name="moderators")[0])
    assert send("PUT", "/api/v1/wiki/volunteering/", body, token=write_token).status_code == 200


def test_a_blocked_account_cannot_write_with_its_token(
    send, write_token, make_page, volunteer, django_user_model
):
    make_page()
    moderator = django_user_model.objects.create_user("mod", password="x-mod-9")
    block_user(user=volunteer, by=moderator, reason="Vandalism", duration="1 day")
    response = send(
        "PUT", "/api/v1/wiki/volunteering/", {"text": "x", "base_revision": 1}, token=write_token
    )
    assert response.status_code == 403 and "Vandalism" in response.json()["detail"]
    assert send("POST", "/api/v1/wiki/volunteering/watch/", token=write_token).status_code == 403


def test_writes_share_the_sites_rate_limit(send, write_token, make_page, settings):
    make_page()
    settings.WIKI_EDIT_RATE = "1/600"
    send("POST", "/api/v1/wiki/volunteering/watch/", token=write_token)
    response = send(
        "PUT", "/api/v1/wiki/volunteering/", {"text": "x", "base_revision": 1}, token=write_token
    )
    assert response.status_code == 429 and response.json()["error"] == "rate_limited"


def test_a_text_over_the_render_budget_is_refused_with_nothing_saved(send, write_token, make_page):
    make_page()
    text = "[[Link]] " * 5000
    response = send(
        "PUT", "/api/v1/wiki/volunteering/", {"text": text, "base_revision": 1}, token=write_token
    )
    assert response.status_code == 400 and response.json()["error"] == "too_costly"
    assert Page.objects.get(slug="volunteering").current_revision.number == 1


def test_an_edit_notifies_watchers_as_a_site_edit_does(
    send, write_token, make_page, django_user_model
):
    page = make_page()
    watcher = django_user_model.objects.create_user("watcher", "w@example.org", "x-w-9")
    Watch.objects.create(user=watcher, page=page)
    send(
        "PUT",
        "/api/v1/wiki/volunteering/",
        {"text": "Changed.", "base_revision": 1},
        token=write_token,
    )
    assert Notification.objects.filter(recipient=watcher).exists()


def test_watch_unwatch_and_talk(send, write_token, make_page, volunteer):
    make_page()
    assert send("POST", "/api/v1/wiki/volunteering/watch/", token=write_token).json()["watching"]
    assert Watch.objects.filter(user=volunteer).exists()
    assert send("DELETE", "/api/v1/wiki/volunteering/watch/", token=write_token).status_code == 200
    assert not Watch.objects.filter(user=volunteer).exists()
    posted = send(
        "POST",
        "/api/v1/wiki/volunteering/talk/",
        {"text": "A question.", "title": "Q"},
        token=write_token,
    )
    assert posted.status_code == 201
    thread = TalkComment.objects.get().thread_id
    reply = send(
        "POST",
        "/api/v1/wiki/volunteering/talk/",
        {"text": "An answer.", "thread": thread},
        token=write_token,
    )
    assert reply.status_code == 201
    talk = send("GET", "/api/v1/wiki/volunteering/talk/").json()
    assert [len(t["comments"]) for t in talk["threads"]] == [2]
    empty = send("POST", "/api/v1/wiki/volunteering/talk/", {"text": "  "}, token=write_token)
    assert empty.status_code == 400


def test_a_malformed_body_is_a_400_json_error(send, write_token, make_page):
    make_page()
    response = send("PUT", "/api/v1/wiki/volunteering/", {"summary": "no text"}, token=write_token)
    assert response.status_code == 400 and response.json()["error"] == "invalid"
    assert "text" in response.json()["detail"]


def test_a_body_that_is_not_json_is_a_400_json_error(client, write_token, make_page):
    make_page()
    response = client.put(
        "/api/v1/wiki/volunteering/",
        data="{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {write_token}",
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid"


def test_a_put_at_a_topics_slug_writes_the_topics_entry(send, write_token, make_topic):
    topic = make_topic("Localism Bill")
    response = send(
        "PUT", f"/api/v1/wiki/{topic.slug}/", {"text": "The bill.", "base_revision": 0},
        token=write_token,
    )  # fmt: skip
    assert response.status_code == 201
    page = Page.objects.get(slug=topic.slug)
    assert page.topic == topic and page.title == "Localism Bill"
    stale = send(
        "PUT", f"/api/v1/wiki/{topic.slug}/", {"text": "Again.", "base_revision": 0},
        token=write_token,
    )  # fmt: skip
    assert stale.status_code == 409 and stale.json()["current_text"] == "The bill."
