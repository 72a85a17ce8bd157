"""The site as production runs it, for the failure drills: gunicorn processes and plain HTTP.

- `drill_env(database_url, **extra)`: the environment of a production-like child process (DEBUG
  off, HTTPS=0 on loopback) pointed at one database.
- `database_url(settings_dict)`: a `DATABASE_URL` for the database Django is connected to, so a
  child process reaches the test database (a Unix-socket host is percent-encoded).
- `AppServer`: one gunicorn serving bigsoc on 127.0.0.1, started and stopped by the test.
- `Visitor`: one person's browser without the browser: keep-alive connections, cookies, the
  CSRF token, redirects not followed.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import psutil

from tests.processes import ROOT

SECRET_KEY = "drill-" + "k" * 60
HOST = "127.0.0.1"
# Variables of the test run that a production-like child must not inherit.
NOT_INHERITED = {"DEBUG", "HTTPS", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"}


def database_url(settings_dict: dict, name: str | None = None) -> str:
    """`postgres://user:password@host:port/name` for a Django database settings dict."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}" if password else user
    host = quote(settings_dict.get("HOST") or "", safe="")  # "/run/pg" → "%2Frun%2Fpg"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    at = f"{credentials}@" if credentials else ""
    return f"postgres://{at}{host}{port}/{name or settings_dict['NAME']}"


def drill_env(database_url: str, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return {
        **base,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "HTTPS": "0",
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    """Run `manage.py *args` in a child process; its output, or an error that shows it."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class AppServer:
    """gunicorn serving bigsoc on 127.0.0.1:`port`, with its log in `log_path`."""

    def __init__(self, env: dict[str, str], log_path: Path, *, workers: int = 2, threads: int = 4):
        self.env = env
        self.log_path = log_path
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 30) -> AppServer:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "bigsoc.wsgi",
            f"--bind={HOST}:{self.port}",
            f"--workers={self.workers}",
            "--worker-class=gthread",
            f"--threads={self.threads}",
            "--keep-alive=5",
            "--graceful-timeout=5",
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited at start:\n{self.log()}")
            with contextlib.suppress(OSError):
                if Visitor(self).get("/healthz").status == 200 and len(self.worker_pids()) == (
                    self.workers
                ):
                    return self
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"gunicorn did not answer within {timeout} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        with contextlib.suppress(psutil.NoSuchProcess):
            return sorted(child.pid for child in psutil.Process(self.process.pid).children())
        return []

    def rss_mb(self) -> dict[int, float]:
        """Resident memory of each worker, in MB."""
        sizes = {}
        for pid in self.worker_pids():
            with contextlib.suppress(psutil.NoSuchProcess):
                sizes[pid] = psutil.Process(pid).memory_info().rss / 2**20
        return sizes

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    def form_value(self, name: str) -> str | None:
        """The value of the first form field called `name` (hidden inputs, mostly)."""
        match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', self.text) or re.search(
            rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', self.text
        )
        return match.group(1) if match else None

    def textarea(self) -> str | None:
        import html

        match = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", self.text, re.S)
        return html.unescape(match.group(1)) if match else None


class Visitor:
    """A person at one server. `at(other)` is the same person (same cookies) at another server;
    browsers scope cookies by host, not port, so two servers on one host share them."""

    def __init__(self, server: AppServer, cookies: dict[str, str] | None = None, timeout=30):
        self.server = server
        self.cookies = cookies if cookies is not None else {}
        self.timeout = timeout
        self._connection: http.client.HTTPConnection | None = None

    def at(self, server: AppServer) -> Visitor:
        return Visitor(server, self.cookies, self.timeout)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Response:
        """POST `form`, with the CSRF token: Django accepts the cookie's secret as the token."""
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
        return self.request(
            "POST",
            path,
            body=urlencode(data).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def request(self, method: str, path: str, body: bytes | None = None, headers=None) -> Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            reused = self._connection is not None
            if self._connection is None:
                self._connection = http.client.HTTPConnection(
                    HOST, self.server.port, timeout=self.timeout
                )
            try:
                self._connection.request(method, path, body=body, headers=headers)
                raw = self._connection.getresponse()
                text = raw.read().decode("utf-8", errors="replace")
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                # A kept-alive connection the server closed while idle: nothing was sent to
                # the application, so one retry on a fresh connection is safe.
                if reused and attempt == 1:
                    continue
                raise
            except Exception:
                self.close()
                raise
            if raw.will_close:
                self.close()
            self._remember_cookies(raw.headers)
            return Response(raw.status, raw.headers, text)
        raise AssertionError("unreachable")

    def log_in(self, username: str, password: str, *, next_url: str = "") -> Response:
        self.get("/accounts/login/")
        return self.post(
            "/accounts/login/", {"username": username, "password": password, "next": next_url}
        )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _remember_cookies(self, headers: http.client.HTTPMessage) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


class Reader(threading.Thread):
    """Loads `path` again and again, every `pause` seconds, counting the answers' statuses and
    the connection failures, until `done` is set: a reader who keeps coming through a drill."""

    def __init__(self, server: AppServer, path: str = "/", *, pause: float = 0.05):
        super().__init__(daemon=True)
        self.visitor = Visitor(server, timeout=10)
        self.path, self.pause = path, pause
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                self.statuses[self.visitor.get(self.path).status] += 1
            except OSError as error:
                self.failures.append(repr(error))
            time.sleep(self.pause)
