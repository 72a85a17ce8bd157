"""The rows of issue 22: anonymous readers over the wiki's pages while the community is active.

Three loads of the same BENCH_WIKI_PAGES (2,000) wiki pages, anonymous, with wrk: with no
writes; while a volunteer saves one edit a second (a page picked at random, through the edit
form over HTTP, as a browser would); and while someone toggles a watch twice a second. Each
active figure is set against the no-write one: the target is ≥ 90% (one site-wide generation
gave 6–9%). Run by bench/run.py after the wiki pages row; the pages are bench.wikipages'.

    python -m bench.activity --smoke   # a few seconds against a kept bench database
"""

from __future__ import annotations

import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie

from core.text import title_slug

ACTIVE_RATIO = 0.9
EDITS_PER_SECOND = 1
WATCH_TOGGLES_PER_SECOND = 2


class _Refuse(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 is raised as an HTTPError and read as the answer


_NO_REDIRECTS = urllib.request.build_opener(_Refuse)


def page_paths(pages: int) -> list[str]:
    return [f"/wiki/{title_slug(f'Bench wiki page {n}')}/" for n in range(pages)]


class Volunteer(threading.Thread):
    """A logged-in person doing `per_second` writes of one kind until stopped."""

    def __init__(self, base_url: str, session: str, paths: list[str], kind: str, per_second):
        super().__init__(daemon=True)
        self.base_url, self.paths, self.kind = base_url, paths, kind
        self.interval = 1 / per_second
        self.done = threading.Event()
        self.writes = self.failures = 0
        self.cookies = {"sessionid": session}
        self.rng = random.Random(22)

    def _open(self, path: str, form: dict | None = None) -> str:
        """GET (or POST `form`) with the person's cookies, keeping any they are given; a
        redirect after a POST is not followed (its page is not part of the write)."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(
            self.base_url + path, data=data, headers={"Cookie": cookie}
        )
        try:
            response = _NO_REDIRECTS.open(request, timeout=10)
        except urllib.error.HTTPError as answer:
            if answer.code != 302:
                raise
            response = answer
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                self.cookies.update({name: morsel.value for name, morsel in jar.items()})
            return response.read().decode("utf-8", "replace")

    def _token(self, html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]

    def write(self) -> None:
        path = self.rng.choice(self.paths)
        if self.kind == "edit":
            form = self._open(path + "edit/")
            base = re.search(r'name="base_revision" value="(\d*)"', form)[1]
            text = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", form, re.S)[1]
            self._open(path + "edit/", {
                "csrfmiddlewaretoken": self._token(form), "base_revision": base,
                "text": f"{text}\n\nBench edit at {time.time():.3f}.", "summary": "bench",
                "action": "save",
            })  # fmt: skip
        else:
            page = self._open(path)
            action = "unwatch" if 'value="unwatch"' in page else "watch"
            self._open(
                path + "watch/", {"csrfmiddlewaretoken": self._token(page), "action": action}
            )

    def run(self) -> None:
        next_at = time.monotonic()
        while not self.done.is_set():
            try:
                self.write()
                self.writes += 1
            except Exception:  # noqa: BLE001 (counted; the row reports them)
                self.failures += 1
            next_at += self.interval
            self.done.wait(max(0.0, next_at - time.monotonic()))


def activity_rows(server_url, session, pages, wrk, run_wrk, seconds, connections, Row):
    """[(name, Load, writes, failures)] for no writes, edits and watch toggles."""
    paths = page_paths(pages)
    # Every worker has drawn and stored every page before the first measured row.
    run_wrk(wrk, server_url, paths, seconds=min(seconds, 3), connections=connections)
    results = [("no writes", run_wrk(wrk, server_url, paths, seconds=seconds,
                                     connections=connections), 0, 0)]  # fmt: skip
    for name, kind, rate in (
        (f"{EDITS_PER_SECOND} edit/s", "edit", EDITS_PER_SECOND),
        (f"{WATCH_TOGGLES_PER_SECOND} watch toggles/s", "watch", WATCH_TOGGLES_PER_SECOND),
    ):
        volunteer = Volunteer(server_url, session, paths, kind, rate)
        volunteer.start()
        try:
            load = run_wrk(wrk, server_url, paths, seconds=seconds, connections=connections)
        finally:
            volunteer.done.set()
            volunteer.join(15)
        results.append((f"while {name}", load, volunteer.writes, volunteer.failures))
    base = results[0][1].rate or 1
    rows = []
    for name, load, writes, failures in results:
        ratio = load.rate / base
        meets = "" if not writes else (
            f"{'✓' if ratio >= ACTIVE_RATIO else '✗'} ≥ {ACTIVE_RATIO:.0%} of no writes"
        )  # fmt: skip
        rows.append(
            Row(f"{pages:,} wiki pages, {name}", "anonymous", f"{load.rate:,.0f}",
                p50=f"{load.p50:.1f}", p95=f"{load.p95:.1f}", p99=f"{load.p99:.1f}",
                errors=str(load.errors + failures), ratio=f"{ratio:.0%}" if writes else "",
                cost=f"{writes} writes" if writes else "", meets=meets)
        )  # fmt: skip
    return rows


def _smoke() -> None:
    """Three one-second rows over 50 pages on a kept bench database (BENCH_DATABASE_URL):
    checks that the writers write and the rows come out, nothing more."""
    import json
    import os
    import subprocess
    import sys

    from bench.run import DEFAULT_DATABASE_URL, ROOT, Row, Server, django_env, manage
    from bench.wrk import ensure_wrk, run_wrk

    env = django_env(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
                     os.environ.get("BENCH_REDIS_URL"))  # fmt: skip
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput")
    held = manage(env, "shell", "-c", "from wiki.models import Page; print(Page.objects.filter("
                  "title__startswith='Bench wiki page ').count())")  # fmt: skip
    if int(held.strip().splitlines()[-1]) < 50:
        subprocess.run([sys.executable, "-m", "bench.wikipages", "--pages", "50"],
                       cwd=ROOT, env=env, check=True, capture_output=True)  # fmt: skip
    session = manage(env, "shell", "-c", (
        "from django.contrib.auth import get_user_model; from django.test import Client; "
        "user, _ = get_user_model().objects.get_or_create(username='bench-activity'); "
        "client = Client(); client.force_login(user); print(client.cookies['sessionid'].value)"
    )).strip().splitlines()[-1]  # fmt: skip
    server = Server(env, 2, 4)
    try:
        server.warm(page_paths(50))
        rows = activity_rows(server.url, session, 50, ensure_wrk(), run_wrk, 2, 4, Row)
    finally:
        server.stop()
    print(json.dumps([row.__dict__ for row in rows], indent=1, ensure_ascii=False))


if __name__ == "__main__":
    _smoke()
