"""Volunteers restore an old version: "Edit this version" opens the editor with its text, and
saving it is an ordinary edit (a new revision with its own summary), as on MediaWiki."""

import pytest

from tests.wiki.conftest import edit, make_page
from tests.wiki.test_editing import form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def vandalised(volunteer, other_volunteer):
    page = make_page(title="Village halls", text="Halls that councils let.", author=volunteer)
    edit(page, "BUY CHEAP WATCHES", author=other_volunteer, summary="spam")
    page.refresh_from_db()
    return page


def test_an_old_revision_offers_every_volunteer_edit_this_version(alice, vandalised):
    html = alice.get("/wiki/village-halls/revisions/1/").content.decode()
    assert 'href="/wiki/village-halls/edit/?revision=1"' in html
    assert "Edit this version" in html


def test_the_current_revision_offers_no_edit_this_version(alice, vandalised):
    assert "Edit this version" not in alice.get("/wiki/village-halls/revisions/2/").content.decode()


def test_edit_this_version_opens_the_editor_with_the_old_text_based_on_the_current_one(
    alice, vandalised
):
    response = alice.get("/wiki/village-halls/edit/?revision=1")
    fields = form_fields(response.content.decode())
    assert response.status_code == 200
    assert fields["text"] == "Halls that councils let."
    assert fields["base_revision"] == "2"
    assert fields["summary"] == "Restored revision 1"
    assert "You are editing an old version: revision 1" in response.content.decode()


def test_saving_an_old_version_is_an_ordinary_edit_with_its_own_summary(alice, vandalised):
    response = alice.post(
        "/wiki/village-halls/edit/",
        {
            "text": "Halls that councils let.",
            "summary": "Restored revision 1: spam",
            "base_revision": "2",
            "action": "save",
        },
    )
    assert response.status_code == 302
    vandalised.refresh_from_db()
    current = vandalised.current_revision
    assert (current.number, current.text) == (3, "Halls that councils let.")
    assert current.summary == "Restored revision 1: spam"


@pytest.mark.parametrize("number", ["2", "9", "x"])
def test_a_current_missing_or_odd_revision_number_opens_the_current_text(alice, vandalised, number):
    response = alice.get(f"/wiki/village-halls/edit/?revision={number}")
    assert response.status_code == 200
    assert form_fields(response.content.decode())["text"] == "BUY CHEAP WATCHES"
    assert "old version" not in response.content.decode()


def test_a_revision_number_too_big_for_the_database_opens_the_current_text(alice, vandalised):
    response = alice.get("/wiki/village-halls/edit/?revision=" + "9" * 40)
    assert response.status_code == 200
    assert form_fields(response.content.decode())["text"] == "BUY CHEAP WATCHES"
