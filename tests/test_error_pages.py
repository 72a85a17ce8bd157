"""Error pages: the same security headers whatever the status, and no traceback logged for a
request the client got wrong."""

import io
import logging

import pytest
from django.test import Client

from tests.wiki.conftest import make_page

# Headers every page carries; an error page must not be the one that drops them.
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


@pytest.fixture
def failing_views(db, settings):
    settings.ROOT_URLCONF = "tests.error_urls"


def security_headers(response):
    return {name: response.get(name) for name in SECURITY_HEADERS}


def test_every_error_page_carries_the_same_security_headers(failing_views):
    page = make_page("Headers", "A page.")
    expected = security_headers(Client().get(page.get_absolute_url()))
    assert all(expected.values()), expected

    client = Client(raise_request_exception=False)
    csrf_client = Client(enforce_csrf_checks=True)
    answers = {
        400: client.get("/topics/%00/"),
        "400 host": client.get("/", headers={"host": "evil.example.org"}),
        403: client.get("/test-errors/403/"),
        "403 csrf": csrf_client.post("/accounts/login/", {"username": "a", "password": "b"}),
        404: client.get("/wiki/no-such-page-at-all/"),
        500: client.get("/test-errors/500/"),
        503: client.get("/test-errors/503/"),
    }
    for status, response in answers.items():
        assert response.status_code == int(str(status)[:3]), status
        assert security_headers(response) == expected, status


@pytest.fixture
def console_log():
    """What the console handler writes (the log a server keeps), not pytest's capture."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    # Swapped without setStream(), which flushes the old stream: under pytest's capture that
    # may be a file already closed by an earlier test.
    previous, handler.stream = handler.stream, stream
    yield stream
    handler.stream = previous


def test_a_malformed_request_logs_a_line_but_no_traceback(db, console_log):
    client = Client(raise_request_exception=False)
    assert client.get("/topics/%00/").status_code == 400
    assert client.get("/", headers={"host": "evil.example.org"}).status_code == 400
    log = console_log.getvalue()
    assert "NUL character" in log
    assert "Traceback" not in log


def test_a_server_error_still_logs_its_traceback(failing_views, console_log):
    assert Client(raise_request_exception=False).get("/test-errors/500/").status_code == 500
    assert "Traceback" in console_log.getvalue()


def test_the_development_404_page_is_the_sites_own_styled_page(client, settings, db):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "/css/site.css" in html and "We can’t find that page" in html
    assert "no URL pattern matches <code>/no-such-page/</code>" in html
    assert "<style" not in html and "style=" not in html
