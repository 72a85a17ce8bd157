"""The moderation log: every kind recorded with a reason, filters, feed, append-only."""

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, transaction

from community.models import LogEntry
from tests.community.conftest import edit, make_page, make_user
from wiki.permissions import MODERATORS_GROUP

pytestmark = pytest.mark.django_db


def test_a_moderation_action_without_a_reason_does_nothing(mona):
    page = make_page()
    mona.post(f"/wiki/{page.slug}/protect/", {"protected": "1", "reason": "  "})
    page.refresh_from_db()
    assert not page.protected and not LogEntry.objects.exists()


def test_every_page_action_is_logged_with_who_what_and_why(mona, moderator):
    page = make_page(title="Village hall", text="One.")
    edit(page, "Two.")
    slug = page.slug
    mona.post(f"/wiki/{slug}/protect/", {"protected": "1", "reason": "r-protect"})
    mona.post(f"/wiki/{slug}/protect/", {"protected": "0", "reason": "r-unprotect"})
    mona.post(f"/wiki/{slug}/revert/1/", {"reason": "r-revert"})
    mona.post(f"/wiki/{slug}/move/", {"new_title": "Village halls", "reason": "r-move"})
    page.refresh_from_db()
    mona.post(f"/wiki/{page.slug}/delete/", {"reason": "r-delete"})
    mona.post(f"/wiki/{page.slug}/restore/", {"reason": "r-restore"})
    entries = list(LogEntry.objects.order_by("id").values_list("kind", "reason", "actor"))
    assert entries == [
        (kind, f"r-{kind}", moderator.pk)
        for kind in ("protect", "unprotect", "revert", "move", "delete", "restore")
    ]
    html = mona.get("/log/").content.decode()
    assert "r-move" in html and "Village halls" in html and "mona" in html


def test_the_log_refuses_update_and_delete_in_the_database(moderator):
    make_page()
    entry = LogEntry.objects.create(kind="protect", actor=moderator, target="X", reason="why")
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
    assert LogEntry.objects.get().reason == "why"


def test_the_log_refuses_an_empty_reason_in_the_database(moderator):
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.create(kind="protect", actor=moderator, target="X", reason="")


def test_the_log_filters_by_kind_user_and_target(mona, moderator):
    other = make_user("otto", moderator=True)
    LogEntry.objects.create(kind="protect", actor=moderator, target="Alpha", reason="why-a")
    LogEntry.objects.create(kind="delete", actor=other, target="Beta", reason="why-b")
    assert "why-a" not in mona.get("/log/?kind=delete").content.decode()
    assert "why-b" in mona.get("/log/?kind=delete").content.decode()
    assert "why-b" not in mona.get("/log/?user=mona").content.decode()
    by_target = mona.get("/log/?target=bet").content.decode()
    assert "why-a" not in by_target and "why-b" in by_target


def test_the_log_has_an_atom_feed(client, moderator):
    LogEntry.objects.create(kind="block", actor=moderator, target="vandal", reason="Spam")
    response = client.get("/log/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "mona blocked vandal" in response.content.decode()


def test_the_admin_shows_the_log_read_only(moderator, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-x9!k2q")
    client.force_login(admin)
    entry = LogEntry.objects.create(kind="block", actor=moderator, target="v", reason="Spam")
    assert client.get("/admin/community/logentry/").status_code == 200
    assert client.get("/admin/community/logentry/add/").status_code == 403
    assert client.post(f"/admin/community/logentry/{entry.pk}/delete/").status_code == 403
    page = client.get(f"/admin/community/logentry/{entry.pk}/change/")
    assert page.status_code == 200 and 'name="reason"' not in page.content.decode()


def test_a_group_change_in_the_admin_is_logged(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-x9!k2q")
    person = make_user("newmod")
    client.force_login(admin)
    group = Group.objects.get(name=MODERATORS_GROUP)
    response = client.post(
        f"/admin/auth/user/{person.pk}/change/",
        {
            "username": "newmod",
            "email": person.email,
            "is_active": "on",
            "groups": [group.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LogEntry.objects.get()
    assert (entry.kind, entry.target, entry.detail) == ("groups", "newmod", "+moderators")


@pytest.mark.parametrize("size", [3, 30])
def test_the_log_runs_a_fixed_number_of_queries(
    client, moderator, size, django_assert_max_num_queries
):
    for n in range(size):
        LogEntry.objects.create(kind="protect", actor=moderator, target=f"P{n}", reason="r")
    with django_assert_max_num_queries(2):
        assert client.get("/log/").status_code == 200
