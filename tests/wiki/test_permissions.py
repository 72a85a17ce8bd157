"""Who may do what: anonymous visitors read, volunteers edit, moderators protect and delete."""

import pytest

from tests.wiki.conftest import make_page
from wiki.models import Page

pytestmark = pytest.mark.django_db

EDIT_POST = {"text": "Changed", "summary": "", "base_revision": "1", "action": "save"}


def test_anonymous_visitor_reads_pages_and_history(client):
    page = make_page(text="Readable")
    assert "Readable" in client.get(f"/wiki/{page.slug}/").content.decode()
    assert client.get(f"/wiki/{page.slug}/history/").status_code == 200
    assert client.get(f"/wiki/{page.slug}/revisions/1/").status_code == 200


@pytest.mark.parametrize("path", ["edit/", "move/"])
def test_anonymous_visitor_is_sent_to_log_in_and_back(client, path):
    page = make_page()
    response = client.get(f"/wiki/{page.slug}/{path}")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/wiki/{page.slug}/{path}"


def test_anonymous_visitor_cannot_save(client):
    page = make_page(text="Original")
    response = client.post(f"/wiki/{page.slug}/edit/", EDIT_POST)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert page.revisions.count() == 1


def test_volunteer_edits_an_unprotected_page(alice):
    page = make_page()
    assert alice.post(f"/wiki/{page.slug}/edit/", EDIT_POST).status_code == 302
    assert page.revisions.count() == 2


def test_volunteer_cannot_edit_protected_page(alice):
    page = make_page(text="Original")
    Page.objects.filter(pk=page.pk).update(protected=True)
    form = alice.get(f"/wiki/{page.slug}/edit/")
    assert form.status_code == 403
    assert "only moderators can edit" in form.content.decode()
    assert alice.post(f"/wiki/{page.slug}/edit/", EDIT_POST).status_code == 403
    assert page.revisions.count() == 1


def test_moderator_protects_and_edits_a_protected_page(mona, alice):
    page = make_page()
    assert (
        mona.post(
            f"/wiki/{page.slug}/protect/", {"protected": "1", "reason": "Vandalism"}
        ).status_code
        == 302
    )
    page.refresh_from_db()
    assert page.protected
    assert mona.post(f"/wiki/{page.slug}/edit/", EDIT_POST).status_code == 302
    assert alice.get(f"/wiki/{page.slug}/edit/").status_code == 403
    mona.post(f"/wiki/{page.slug}/protect/", {"protected": "0", "reason": "Calm again"})
    page.refresh_from_db()
    assert not page.protected


@pytest.mark.parametrize("action", ["protect/", "delete/", "restore/", "revert/1/"])
def test_volunteer_cannot_use_moderator_actions(alice, action):
    page = make_page()
    response = alice.post(f"/wiki/{page.slug}/{action}", {"protected": "1"})
    assert response.status_code == 403
    page.refresh_from_db()
    assert not page.protected and not page.is_deleted and page.revisions.count() == 1


def test_moderator_deletes_and_restores_a_page(mona, client):
    page = make_page(title="Spam page", text="buy cheap pills")
    assert mona.post(f"/wiki/{page.slug}/delete/", {"reason": "Spam"}).status_code == 302
    gone = client.get(f"/wiki/{page.slug}/")
    assert gone.status_code == 404
    assert "was deleted" in gone.content.decode()
    assert "cheap pills" not in gone.content.decode()
    assert client.get(f"/wiki/{page.slug}/revisions/1/").status_code == 404
    assert "cheap pills" in mona.get(f"/wiki/{page.slug}/revisions/1/").content.decode()
    assert "Spam page" not in client.get("/wiki/").content.decode()
    assert mona.post(f"/wiki/{page.slug}/restore/", {"reason": "Not spam"}).status_code == 302
    assert client.get(f"/wiki/{page.slug}/").status_code == 200


def test_moderator_sees_moderation_tools_and_volunteer_does_not(mona, alice):
    page = make_page()
    assert "Moderation" in mona.get(f"/wiki/{page.slug}/history/").content.decode()
    assert "Moderation" not in alice.get(f"/wiki/{page.slug}/history/").content.decode()


def test_moderators_group_exists():
    from django.contrib.auth.models import Group

    assert Group.objects.filter(name="moderators").exists()


def test_revisions_are_read_only_in_the_admin(db, django_user_model):
    from django.test import Client

    admin = django_user_model.objects.create_superuser("root", "r@example.org", "pw-x9!k2q")
    page = make_page()
    client = Client()
    client.force_login(admin)
    revision = page.current_revision
    assert client.get("/admin/wiki/revision/").status_code == 200
    detail = client.get(f"/admin/wiki/revision/{revision.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.get("/admin/wiki/revision/add/").status_code == 403
    assert client.get(f"/admin/wiki/revision/{revision.pk}/delete/").status_code == 403
    assert client.get("/admin/wiki/page/").status_code == 200
