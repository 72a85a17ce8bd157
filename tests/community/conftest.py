"""Fixtures for community: the wiki's people and clients, a topic, and the outbox."""

import pytest

from tests.wiki.conftest import (  # noqa: F401 - fixtures used by these tests
    alice,
    bob,
    client_for,
    edit,
    make_page,
    make_user,
    moderator,
    mona,
    other_volunteer,
    volunteer,
)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://wiki.example.org"


@pytest.fixture
def topic(make_topic):
    return make_topic("Localism Bill", description="The bill that became the Localism Act.")


def edit_through_the_site(client, slug, text, *, base=None, title=None):
    """POST the edit form as a browser would; `base` is the revision the editor started from."""
    data = {"text": text, "summary": "", "base_revision": base or 0}
    if not base:
        data["title"] = title or slug.replace("-", " ")
    return client.post(f"/wiki/{slug}/edit/", data)
