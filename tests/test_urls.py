"""Every named URL that takes no arguments answers 200 with exactly one <h1>, debug off."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# The admin is Django's own, tested there and behind a login; tests/posts/test_views.py covers ours.
SKIPPED_NAMESPACES = {"admin"}
# Machine-readable endpoints, not pages: tested in their own modules.
NOT_PAGES = {
    "healthz",
    "robots_txt",
    "favicon",
    "sitemap",
    "recent_feed",
    "changes_feed",
    "log_feed",
}


def named_urls_without_arguments(patterns=None, namespace=""):
    """Names ("posts:home") of every URL pattern that can be reversed with no arguments."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.pattern.regex.groups:
                continue
            yield from named_urls_without_arguments(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.regex.groups:
            if entry.name in NOT_PAGES:
                continue
            yield f"{namespace}{entry.name}"


# The JSON API answers JSON (tests/api); its documentation is a page like any other.
NAMES = sorted(
    name
    for name in set(named_urls_without_arguments())
    if not name.startswith("api:") or name == "api:docs"
)


def test_the_walk_finds_the_reading_pages():
    assert {"posts:home", "posts:topic_list"} <= set(NAMES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_named_url_answers_with_one_h1(client, settings, django_user_model, name):
    settings.DEBUG = False
    url = reverse(name)
    response = client.get(url)
    if response.status_code == 405:
        # An action such as log-out: only POST changes anything, so GET must be refused.
        assert "POST" in response["Allow"]
        return
    if response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL):
        # A page for volunteers: a logged-in volunteer sees it.
        client.force_login(django_user_model.objects.create_user("walker", password="x-walk-9"))
        response = client.get(url)
    assert response.status_code == 200
    assert len(re.findall(r"<h1[\s>]", response.content.decode())) == 1
    assert re.search(r"<title>[^<]+</title>", response.content.decode())
