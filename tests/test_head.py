"""HEAD answers carry headers and no body, as the WSGI server (gunicorn) writes them."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

pytestmark = pytest.mark.django_db

PATHS = ["/healthz", "/", "/posts/", "/wiki/", "/search/?q=x", "/no-such-page/", "/robots.txt"]


def wsgi_answer(method: str, path: str) -> tuple[str, dict, bytes]:
    """What a WSGI server would send: the status line, the headers and every body byte."""
    url, _, query = path.partition("?")
    environ = RequestFactory()._base_environ(
        REQUEST_METHOD=method, PATH_INFO=url, QUERY_STRING=query
    )
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    result = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()
    return seen["status"], seen["headers"], body


@pytest.mark.parametrize("path", PATHS)
def test_head_answer_has_the_get_status_and_no_body(path):
    get_status, _, get_body = wsgi_answer("GET", path)
    head_status, headers, head_body = wsgi_answer("HEAD", path)
    assert get_body, "the GET answer has a body to leave out"
    assert head_status == get_status
    assert head_body == b""
    assert headers.get("Content-Length", str(len(get_body))) == str(len(get_body))
