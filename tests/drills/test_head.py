"""Drill: a HEAD answer from gunicorn carries headers and no body.

A load balancer's probe or a keep-alive client reads an answer to HEAD as headers only (RFC
9110, 9.3.2); body bytes after them would be read as the start of the next answer on that
connection. Checked on the wire, against gunicorn as production runs it.
"""

import socket
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.drill

PATHS = ["/healthz", "/", "/topics/", "/posts/", "/wiki/", "/search/?q=society", "/nowhere/"]


def _answer_head(sock: socket.socket, host: str, path: str) -> bytes:
    sock.sendall(f"HEAD {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the server closed the connection on HEAD {path}"
        data += chunk
    head, _, extra = data.partition(b"\r\n\r\n")
    # Anything still arriving now would be a body the HEAD answer must not have.
    sock.settimeout(0.5)
    try:
        extra += sock.recv(65536)
    except TimeoutError:
        pass
    finally:
        sock.settimeout(10)
    assert extra == b"", f"HEAD {path} sent {len(extra)} body bytes"
    return head


def test_head_answers_carry_no_body_on_a_kept_alive_connection(start_server, test_database_url):
    server = start_server(test_database_url, workers=1)
    address = urlsplit(server.url)
    host = address.netloc
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        for path in PATHS:
            head = _answer_head(sock, host, path)
            status = head.split(b"\r\n", 1)[0]
            assert status.split()[1] in (b"200", b"301", b"302", b"404"), (path, status)
        # The connection is still in step: a GET on it gets its own whole answer.
        sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
