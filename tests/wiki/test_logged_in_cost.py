"""What a logged-in page reads: the session and the user once, the moderator flag once a
session, no revision count for the history, and a diff's headers from the cache with the diff."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.wiki.conftest import client_for, make_page, make_user
from tests.wiki.test_history import bulk_revisions

HISTORY, DIFF = "/wiki/{slug}/history/", "/wiki/{slug}/diff/?from={old}&to={new}"


def queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured]


def tables(sqls) -> list[str]:
    """The first table each query reads, for readable assertions."""
    return [sql.split(" FROM ", 1)[1].split()[0].strip('"') for sql in sqls if " FROM " in sql]


@pytest.fixture
def pages(volunteer):
    small = make_page(title="Small", text="s", author=volunteer)
    bulk_revisions(small, 2)
    big = make_page(title="Big", text="b", author=volunteer)
    bulk_revisions(big, 299)
    return {3: small, 300: big}


@pytest.mark.parametrize("size", [3, 300])
def test_history_reads_the_page_session_user_and_one_page_of_revisions(alice, pages, size):
    url = HISTORY.format(slug=pages[size].slug)
    queries(alice, url)  # the first view keeps the moderator flag in the session
    read = tables(queries(alice, url))
    assert sorted(read) == sorted(["wiki_page", "django_session", "auth_user", "wiki_revision"])


@pytest.mark.parametrize("size", [3, 300])
def test_diff_headers_and_text_come_from_the_cache_after_the_first_view(alice, pages, size):
    url = DIFF.format(slug=pages[size].slug, old=size - 1, new=size)
    first = tables(queries(alice, url))
    assert "wiki_revision" in first
    again = tables(queries(alice, url))
    assert sorted(again) == sorted(["wiki_page", "django_session", "auth_user"])
    assert len(again) <= 3


def test_a_diff_of_a_revision_not_yet_saved_is_not_kept(alice, pages):
    page = pages[3]
    url = DIFF.format(slug=page.slug, old=3, new=4)
    assert alice.get(url).status_code == 400
    bulk_revisions(page, 1)
    assert alice.get(url).status_code == 200


def test_moderator_flag_is_read_once_a_session(db, pages):
    mona = client_for(make_user("mona", moderator=True))
    url = HISTORY.format(slug=pages[3].slug)
    assert "auth_group" in " ".join(queries(mona, url))
    for _ in range(2):
        sqls = queries(mona, url)
        assert "auth_group" not in " ".join(sqls)
    assert 'id="moderation-heading"' in mona.get(url).content.decode()
