"""Shared fixtures. Tests talk to a real PostgreSQL (DATABASE_URL, or the embedded one)."""

import pytest
from django.core.cache import cache

# The archive data helpers, for tests outside tests/posts too (browser, security).
from tests.posts.conftest import make_archive, make_post, make_topic  # noqa: F401


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The hashed-name storage needs `collectstatic`; tests render templates without running it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production hashing is slow on purpose; tests create many users and need no such protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_memory_cache(settings):
    # Each test starts with an empty cache in memory (no cache table needed). The page cache is
    # off: page tests write through the ORM between requests, which bumps no generation.
    # tests/test_page_cache.py turns it on.
    settings.PAGE_CACHE_SECONDS = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


# The page cache on, as in production (tests/test_page_cache.py, tests/test_logged_in_kept.py).
@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    return settings


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Tests run inside a transaction that never commits: run the on-commit bumps at once."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
