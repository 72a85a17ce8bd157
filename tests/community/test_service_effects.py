"""Each wiki service announces its own change: called directly, as a management command, the API
or a test would, it watches, notifies, queues for review and logs, with no view involved."""

import pytest
from django.db import transaction

from community.models import LogEntry, Notification, Review, Watch
from tests.community.conftest import edit, make_page, make_user
from wiki import seams
from wiki.models import Page
from wiki.services import (
    PageError,
    create_page,
    delete_page,
    move_page,
    restore_page,
    revert_to,
    save_revision,
    set_protected,
)

pytestmark = pytest.mark.django_db


def _watches(user, page) -> bool:
    return Watch.objects.filter(user=user, page=page).exists()


def _log(kind):
    return list(LogEntry.objects.filter(kind=kind).values_list("actor__username", "reason"))


def test_creating_a_page_watches_it_for_its_author_and_queues_a_new_volunteers_page(volunteer):
    revision = create_page(title="Street parties", text="Bunting.", author=volunteer)
    assert _watches(volunteer, revision.page)
    assert Review.objects.filter(revision=revision).exists()


def test_saving_a_revision_notifies_the_pages_other_watchers(volunteer, other_volunteer):
    page = make_page(title="Street parties", text="Bunting.", author=other_volunteer)
    revision = edit(page, "Bunting and cake.", author=volunteer)
    assert _watches(volunteer, page)
    assert Review.objects.filter(revision=revision).exists()
    notice = Notification.objects.get(recipient=other_volunteer)
    assert notice.subject == "alice changed Street parties"
    assert not Notification.objects.filter(recipient=volunteer).exists()


def test_saving_the_same_text_again_announces_nothing(volunteer, other_volunteer):
    page = make_page(title="Street parties", text="Bunting.", author=other_volunteer)
    revision = save_revision(
        page=page, text="Bunting.", author=volunteer, base_revision=page.current_revision.number
    )
    assert revision.number == 1
    assert not _watches(volunteer, page)
    assert not Notification.objects.exists()


def test_a_revert_is_logged_with_its_reason_and_notifies_watchers(moderator, volunteer):
    page = make_page(title="Street parties", text="Bunting.", author=volunteer)
    first = page.current_revision
    edit(page, "Vandalised.", author=make_user("vandal"))
    new = revert_to(revision=first, author=moderator, reason="Vandalism")
    assert new.number == 3 and new.text == "Bunting."
    entry = LogEntry.objects.get(kind="revert")
    assert (entry.actor, entry.reason, entry.detail) == (moderator, "Vandalism", "to revision 1")
    assert Notification.objects.filter(recipient=volunteer, subject__contains="mona").exists()
    assert _watches(moderator, page)


def test_a_move_is_logged_and_its_revision_announced(volunteer, other_volunteer):
    page = make_page(title="Street parties", text="Bunting.", author=other_volunteer)
    move_page(page=page, new_title="Street fairs", author=volunteer, reason="The usual name")
    entry = LogEntry.objects.get(kind="move")
    assert (entry.actor, entry.target, entry.reason) == (
        volunteer,
        "Street fairs",
        "The usual name",
    )
    assert entry.detail == "from “Street parties”"
    assert Notification.objects.filter(recipient=other_volunteer).exists()


def test_protecting_and_unprotecting_are_logged(moderator):
    page = make_page(title="Street parties")
    set_protected(page=page, protected=True, actor=moderator, reason="Edit war")
    assert Page.objects.get(pk=page.pk).protected
    set_protected(page=page, protected=False, actor=moderator, reason="Calm again")
    assert not Page.objects.get(pk=page.pk).protected
    assert _log("protect") == [("mona", "Edit war")]
    assert _log("unprotect") == [("mona", "Calm again")]


def test_deleting_and_restoring_are_logged(moderator):
    page = make_page(title="Street parties")
    delete_page(page=page, actor=moderator, reason="Spam")
    assert Page.objects.get(pk=page.pk).is_deleted
    restore_page(page=page, actor=moderator, reason="Not spam after all")
    assert not Page.objects.get(pk=page.pk).is_deleted
    assert _log("delete") == [("mona", "Spam")]
    assert _log("restore") == [("mona", "Not spam after all")]


@pytest.mark.parametrize(
    "act",
    [
        lambda page, who: delete_page(page=page, actor=who, reason="  "),
        lambda page, who: restore_page(page=page, actor=who, reason=""),
        lambda page, who: set_protected(page=page, protected=True, actor=who, reason=""),
        lambda page, who: move_page(page=page, new_title="Elsewhere", author=who, reason=""),
        lambda page, who: revert_to(revision=page.current_revision, author=who, reason=""),
    ],
    ids=["delete", "restore", "protect", "move", "revert"],
)
def test_a_moderation_service_without_a_reason_writes_nothing(moderator, act):
    page = make_page(title="Street parties")
    with pytest.raises(PageError, match="give a reason"):
        act(page, moderator)
    page.refresh_from_db()
    assert (page.title, page.protected, page.is_deleted) == ("Street parties", False, False)
    assert not LogEntry.objects.exists()


def test_a_change_that_rolls_back_leaves_no_watch_notification_or_review(volunteer):
    with pytest.raises(RuntimeError), transaction.atomic():
        create_page(title="Street parties", text="Bunting.", author=volunteer)
        raise RuntimeError("the caller's transaction fails after the service")
    assert not Page.objects.exists()
    assert not Watch.objects.exists() and not Review.objects.exists()


def test_a_refusing_registrant_refuses_the_action(moderator, monkeypatch):
    page = make_page(title="Street parties")

    def refuse(**kwargs):
        raise PageError("The log is closed.")

    monkeypatch.setitem(seams._registered, "moderated", refuse)
    with pytest.raises(PageError, match="log is closed"):
        delete_page(page=page, actor=moderator, reason="Spam")
    assert not Page.objects.get(pk=page.pk).is_deleted
