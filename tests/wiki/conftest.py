"""Fixtures for the wiki: people with each role, their logged-in clients, and page helpers."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from accounts.models import VerifiedEmail
from wiki.permissions import MODERATORS_GROUP
from wiki.services import create_page, save_revision


@pytest.fixture(autouse=True)
def _memory_cache(settings):
    # The edit rate limit lives in the cache; each test starts with an empty one.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


def make_user(username, *, moderator=False):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw-x9!k2q")
    # As if they had opened the link mailed on sign-up: their watchlist mail is sent.
    VerifiedEmail.objects.create(user=user, email=user.email)
    if moderator:
        user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return user


@pytest.fixture
def volunteer(db):
    return make_user("alice")


@pytest.fixture
def other_volunteer(db):
    return make_user("bob")


@pytest.fixture
def moderator(db):
    return make_user("mona", moderator=True)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(volunteer):
    return client_for(volunteer)


@pytest.fixture
def bob(other_volunteer):
    return client_for(other_volunteer)


@pytest.fixture
def mona(moderator):
    return client_for(moderator)


def make_page(
    title="Community organisers", text="Organisers help people act together.", author=None, **over
):
    """A page with one revision, saved through the service like any edit."""
    revision = create_page(
        title=title,
        text=text,
        author=author,
        summary=over.pop("summary", "first version"),
        minor=over.pop("minor", False),
    )
    return revision.page


def edit(page, text, author=None, **over):
    page.refresh_from_db()
    return save_revision(
        page=page,
        text=text,
        author=author,
        summary=over.get("summary", ""),
        minor=over.get("minor", False),
        base_revision=page.current_revision.number,
    )
