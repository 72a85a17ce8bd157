"""Recent changes, a volunteer's contributions and the A-Z list of pages."""

import pytest

from tests.wiki.conftest import edit, make_page

pytestmark = pytest.mark.django_db


def test_recent_changes_lists_edits_newest_first(client, volunteer, other_volunteer):
    page = make_page(title="Alpha", text="a", author=volunteer, summary="alpha begins")
    make_page(title="Beta", text="b", author=other_volunteer, summary="beta begins")
    edit(page, "a2", author=other_volunteer, summary="alpha tidied", minor=True)
    html = client.get("/recent/").content.decode()
    assert html.index("alpha tidied") < html.index("beta begins") < html.index("alpha begins")


def test_recent_changes_filter_by_user(client, volunteer, other_volunteer):
    make_page(title="Alpha", text="a", author=volunteer, summary="by alice")
    make_page(title="Beta", text="b", author=other_volunteer, summary="by bob")
    html = client.get("/recent/?user=bob").content.decode()
    assert "by bob" in html and "by alice" not in html


def test_recent_changes_can_hide_minor_edits(client, volunteer):
    page = make_page(title="Alpha", text="a", author=volunteer, summary="major one")
    edit(page, "a2", author=volunteer, summary="typo fix", minor=True)
    assert "typo fix" in client.get("/recent/").content.decode()
    html = client.get("/recent/?hide_minor=1").content.decode()
    assert "typo fix" not in html and "major one" in html


def test_user_contributions_lists_only_their_edits(client, volunteer, other_volunteer):
    make_page(title="Alpha", text="a", author=volunteer, summary="alice wrote")
    make_page(title="Beta", text="b", author=other_volunteer, summary="bob wrote")
    response = client.get("/users/alice/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Contributions of alice" in html
    assert "alice wrote" in html and "bob wrote" not in html
    assert client.get("/users/nobody/").status_code == 404


def test_page_index_lists_pages_a_to_z(client):
    for title in ("zebra crossings", "Allotments", "mutual aid"):
        make_page(title=title, text="t")
    html = client.get("/wiki/").content.decode()
    assert html.index("Allotments") < html.index("mutual aid") < html.index("zebra crossings")


def test_missing_page_offers_to_create_it(client):
    response = client.get("/wiki/no-such-thing/")
    assert response.status_code == 404
    assert "/accounts/login/?next=/wiki/no-such-thing/edit/" in response.content.decode()
