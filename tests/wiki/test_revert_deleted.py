"""Reverting a deleted page asks for it to be restored first and adds nothing."""

import pytest

from tests.wiki.conftest import edit, make_page
from wiki.models import Page
from wiki.services import PageError, delete_page, revert_to

pytestmark = pytest.mark.django_db


def test_reverting_a_deleted_page_asks_to_restore_it_first(mona, moderator):
    page = make_page(title="Localism", text="First words.")
    edit(page, "Vandalised.")
    delete_page(page=page, actor=moderator, reason="Vandalism")
    response = mona.post(f"/wiki/{page.slug}/revert/1/", {"reason": "Undo vandalism"}, follow=True)
    assert "restore it first" in response.content.decode()
    assert page.revisions.count() == 2
    assert Page.objects.get(pk=page.pk).is_deleted


def test_the_revert_service_refuses_a_deleted_page(moderator):
    page = make_page(title="Localism", text="First words.")
    edit(page, "Second words.")
    delete_page(page=page, actor=moderator, reason="Vandalism")
    with pytest.raises(PageError, match="restore it first"):
        revert_to(revision=page.revisions.get(number=1), author=moderator, reason="Undo")
    assert page.revisions.count() == 2
