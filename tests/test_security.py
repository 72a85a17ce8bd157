"""Security checks that need no browser: hostile addresses and production cookie flags.

Every query parameter the reading pages read, and every slug, is fed SQL-ish, oversized,
malformed and repeated values: each answer is a normal page or a 4xx, never a 500, and a value
reflected into a link is escaped.
"""

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.processes import PRODUCTION_LIKE, run_manage
from wiki.services import create_page, save_revision

ROOT = Path(__file__).resolve().parent.parent

# Every query parameter a view reads, plus one no view reads (unknown ones must be harmless).
QUERY_PARAMETERS = [
    "page", "sort", "q", "user", "hide_minor", "title", "next", "from", "to", "show", "kind",
    "target", "revision",
]  # fmt: skip

HOSTILE_VALUES = {
    "sql": "' OR 1=1 --",
    "sql-union": "1 UNION SELECT password FROM auth_user",
    "nul": "\x00",
    "long": "x" * 10_000,
    "negative": "-1",
    "zero": "0",
    "huge": "9" * 40,
    "fraction": "1.5",
    "exponent": "1e308",
    "markup": '"><script>alert(1)</script>',
    "path": "../../etc/passwd",
    "unicode": "\u00fcmlaut \u202e \U0001d518",
    "empty": "",
}

# Query strings a form would never send: repeated keys, PHP-style arrays, broken UTF-8.
RAW_QUERIES = [
    "page=1&page=2",
    "page[]=1",
    "sort[]=size&page[]=2",
    "page=%ff",
    "sort=%ED%A0%80",
    "page=2&sort=size&sort=%00",
    "%00=1",
    "page",
    "=&&=",
]

# 302: an anonymous visitor is sent to log in (the edit form of a missing page).
ACCEPTABLE = {200, 302, 400, 404}


@pytest.fixture
def reading_pages(make_topic, make_post):
    """Address of each reading page, with enough posts that the topic page has a page 2."""
    topic = make_topic("Localism Bill")
    other = make_topic("Big Society Network")
    posts = [make_post(f"Localism post {n}", topics=[topic, other]) for n in range(25)]
    volunteer = get_user_model().objects.create_user("vera")
    page = create_page(
        title="How to join in", text="Version 0 of the page.", author=volunteer, summary="edit 0"
    ).page
    for n in range(1, 3):
        page = save_revision(
            page=page,
            text=f"Version {n} of the page.",
            author=volunteer,
            summary=f"edit {n}",
            minor=False,
            base_revision=page.current_revision.number,
        ).page
    return {
        "home": "/",
        "topic list": "/topics/",
        "topic": topic.get_absolute_url(),
        "post": posts[0].get_absolute_url(),
        "wiki index": "/wiki/",
        "wanted": "/wiki/wanted/",
        "wiki page": f"/wiki/{page.slug}/",
        "history": f"/wiki/{page.slug}/history/",
        "diff": f"/wiki/{page.slug}/diff/",
        "missing page": "/wiki/no-such-page/edit/",
        "recent": "/recent/",
        "talk": f"/wiki/{page.slug}/talk/",
        "log": "/log/",
        "log feed": "/log/feed/",
        "contributions": "/users/vera/",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
    }


@pytest.fixture
def client():
    # A 500 must show up as a status to assert on, not as an exception out of the test client.
    return Client(raise_request_exception=False)


def parameters_read_by_views() -> set[str]:
    """Names passed to request.GET in the project's Python code."""
    found = set()
    for folder in ("bigsoc", "posts", "wiki", "community"):
        for source in (ROOT / folder).rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            found |= set(re.findall(r"\bGET(?:\.get|\.getlist|\[)\(?\s*[\"'](\w+)[\"']", text))
            # Small helpers that read a named parameter: _int_param(request, "to").
            found |= set(re.findall(r"_param\(request, [\"'](\w+)[\"']", text))
    return found


def test_every_parameter_a_view_reads_is_fed_hostile_values():
    # Fails when a view starts reading a new parameter this module does not yet attack.
    assert parameters_read_by_views() <= set(QUERY_PARAMETERS)
    assert {"page", "sort"} <= parameters_read_by_views()


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_hostile_query_values_give_a_page_or_4xx(client, reading_pages, value):
    answers = {
        (page, parameter): client.get(address, {parameter: value})
        for page, address in reading_pages.items()
        for parameter in QUERY_PARAMETERS
    }
    unexpected = {
        key: r.status_code for key, r in answers.items() if r.status_code not in ACCEPTABLE
    }
    assert not unexpected
    for response in answers.values():
        assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", RAW_QUERIES)
def test_malformed_query_strings_give_a_page_or_4xx(client, reading_pages, query):
    statuses = {
        page: client.get(f"{address}?{query}").status_code
        for page, address in reading_pages.items()
    }
    assert set(statuses.values()) <= ACCEPTABLE, statuses


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
@pytest.mark.parametrize("prefix", ["/topics/", "/posts/"])
def test_hostile_slugs_give_a_4xx(client, reading_pages, prefix, value):
    response = client.get(f"{prefix}{quote(value, safe='')}/")
    assert response.status_code in {400, 404}
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.django_db
def test_nul_in_an_address_is_a_bad_request_with_the_site_page(client, reading_pages):
    response = client.get("/topics/%00/")
    assert response.status_code == 400
    assert "We couldn’t understand that request" in response.content.decode()
    assert client.get(reading_pages["topic"], {"page": "\x00"}).status_code == 400


@pytest.mark.django_db
def test_hostile_values_leave_real_pages_working(client, reading_pages):
    # The guards above must not catch ordinary requests: page 2 and the size sort still work.
    assert client.get(reading_pages["topic"], {"page": "2"}).status_code == 200
    response = client.get("/topics/", {"sort": "size"})
    assert response.status_code == 200
    assert "Localism Bill" in response.content.decode()


def test_production_cookies_are_secure_httponly_and_samesite():
    names = [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
    ]
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = run_manage("shell", "-c", code, **PRODUCTION_LIKE)
    assert result.returncode == 0, result.stdout + result.stderr
    flags = json.loads(result.stdout.strip().splitlines()[-1])
    assert flags["SESSION_COOKIE_SECURE"] is True
    assert flags["SESSION_COOKIE_HTTPONLY"] is True
    assert flags["CSRF_COOKIE_SECURE"] is True
    assert flags["CSRF_COOKIE_HTTPONLY"] is True
    assert flags["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert flags["CSRF_COOKIE_SAMESITE"] in {"Lax", "Strict"}
