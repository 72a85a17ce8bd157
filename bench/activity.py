"""The rows of issue 22: anonymous readers over the wiki's pages while the community is active.

Anonymous wrk over all BENCH_WIKI_PAGES (2,000) wiki pages of bench/wikipages.py (wrk's Lua
script rotates through every address): with no writes, before and after; while a volunteer
saves one edit a second; and while someone toggles a watch twice a second. Each active figure
is set against the no-write one: the target is ≥ 90% (one site-wide generation gave 6–9%).

The writer is a process of its own, a logged-in volunteer doing what a browser does: it loads
the edit form (or the page), posts it with the CSRF token, follows the redirect and checks that
the change shows (the new text, the button's new state). A write that answers anything but a
redirect, or whose change does not show, is a failure. It prints how many writes it made in how
long, so the table shows the rate achieved, not only the one asked for.

    python -m bench.activity write --url URL --session KEY --pages N --kind edit --per-second 1

(run by bench/run.py; it stops at the end of its standard input and prints one JSON line).
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie

from bench.wikipages import TITLE_PREFIX
from core.text import title_slug

ACTIVE_RATIO = 0.9  # of the no-write figure
ACHIEVED_RATIO = 0.9  # of the stated write rate: a slower writer would flatter the row
# (kind, what the row says, writes a second, what one write is called)
WRITERS = (("edit", "1 edit/s", 1.0, "edits"), ("watch", "2 watch toggles/s", 2.0, "toggles"))


def page_paths(pages: int) -> list[str]:
    return [f"/wiki/{title_slug(f'{TITLE_PREFIX} {n}')}/" for n in range(pages)]


# --- The writer (its own process) --------------------------------------------------------------


class WriteFailed(Exception):
    pass


class _Refuse(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 comes back as an HTTPError and is read as the answer


_NO_REDIRECTS = urllib.request.build_opener(_Refuse)


class Volunteer:
    """A logged-in person with a browser's cookies, writing one kind of thing."""

    def __init__(self, base_url: str, session: str, paths: list[str], kind: str):
        self.base_url, self.paths, self.kind = base_url, paths, kind
        self.cookies = {"sessionid": session}
        self.rng = random.Random(22)

    def _open(self, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of a GET, or a POST of `form`, keeping the cookies set."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(
            self.base_url + path, data=data, headers={"Cookie": cookie}
        )
        try:
            response = _NO_REDIRECTS.open(request, timeout=10)
        except urllib.error.HTTPError as answer:
            response = answer
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel.value:
                        self.cookies[name] = morsel.value
                    else:  # deleted (the messages cookie once read)
                        self.cookies.pop(name, None)
            body = response.read().decode("utf-8", "replace")
            return response.getcode(), response.headers.get("Location", ""), body

    def _get(self, path: str) -> str:
        status, _, body = self._open(path)
        if status != 200:
            raise WriteFailed(f"GET {path} answered {status}")
        return body

    def _post(self, path: str, form: dict) -> str:
        """POST as a browser does: the redirect is followed; its page comes back."""
        status, location, _ = self._open(path, form)
        if status != 302:
            raise WriteFailed(f"POST {path} answered {status}, not a redirect")
        return self._get(urllib.parse.urlsplit(location).path)

    @staticmethod
    def _token(page: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not found:
            raise WriteFailed("no CSRF token on the page")
        return found[1]

    def write(self) -> None:
        path = self.rng.choice(self.paths)
        if self.kind == "edit":
            form = self._get(path + "edit/")
            base = re.search(r'name="base_revision" value="(\d*)"', form)[1]
            text = html.unescape(re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", form, re.S)[1])
            stamp = f"Bench edit {time.time():.6f}"
            page = self._post(path + "edit/", {
                "csrfmiddlewaretoken": self._token(form), "base_revision": base,
                "text": f"{text}\n\n{stamp}.", "summary": "bench", "action": "save",
            })  # fmt: skip
            if stamp not in page:
                raise WriteFailed(f"the edit of {path} does not show after saving")
        else:
            page = self._get(path)
            watching = 'value="unwatch"' in page
            action = "unwatch" if watching else "watch"
            after = self._post(
                path + "watch/",
                {"csrfmiddlewaretoken": self._token(page), "action": action, "next": path},
            )
            if ('value="unwatch"' in after) == watching:
                raise WriteFailed(f"{action} of {path} did not change the button")


def write_until_stopped(volunteer: Volunteer, per_second: float, stop: threading.Event) -> dict:
    """Write `per_second` times a second (a missed slot is not made up) until `stop`."""
    interval = 1 / per_second
    writes = failures = 0
    last_error = ""
    started = next_at = time.monotonic()
    while not stop.is_set():
        try:
            volunteer.write()
            writes += 1
        except Exception as error:  # noqa: BLE001 (counted and reported, never hidden)
            failures += 1
            last_error = f"{type(error).__name__}: {error}"
        next_at = max(next_at + interval, time.monotonic() - interval)
        stop.wait(max(0.0, next_at - time.monotonic()))
    seconds = time.monotonic() - started
    return {
        "kind": volunteer.kind,
        "writes": writes,
        "failures": failures,
        "seconds": round(seconds, 2),
        "rate": round(writes / seconds, 3) if seconds else 0.0,
        "last_error": last_error,
    }


def writer_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.activity write")
    parser.add_argument("--url", required=True)
    parser.add_argument("--session", required=True)
    parser.add_argument("--pages", type=int, required=True)
    parser.add_argument("--kind", choices=[writer[0] for writer in WRITERS], required=True)
    parser.add_argument("--per-second", type=float, required=True)
    args = parser.parse_args(argv)
    volunteer = Volunteer(args.url, args.session, page_paths(args.pages), args.kind)
    stop = threading.Event()

    def wait_for_end_of_input() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_end_of_input, daemon=True).start()
    print(json.dumps(write_until_stopped(volunteer, args.per_second, stop)), flush=True)


# --- The rows (in bench/run.py's process) ------------------------------------------------------


def start_writer(env, server_url, session, pages, kind, per_second) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.activity", "write", "--url", server_url,
         "--session", session, "--pages", str(pages), "--kind", kind,
         "--per-second", str(per_second)],
        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def stop_writer(process: subprocess.Popen) -> dict:
    out, _ = process.communicate("", timeout=60)  # end of input: it stops and reports
    if process.returncode:
        sys.exit(f"bench: the {process.args[-3]} writer failed (exit {process.returncode})")
    return json.loads(out.strip().splitlines()[-1])


def activity_rows(env, server_url, session, pages, wrk, seconds, connections, cache) -> list:
    """Rows of bench/run.py's table: no writes (before and after the writers, their spread),
    while each writer writes, the ratio to no writes and the write rate achieved."""
    from bench.run import Row, combine, say
    from bench.wrk import run_wrk

    paths = page_paths(pages)

    def load():
        return run_wrk(wrk, server_url, paths, seconds=seconds, connections=connections)

    say(f"{cache}: {pages:,} wiki pages, no writes …")
    quiet = [load()]
    active = []
    for kind, label, per_second, noun in WRITERS:
        say(f"{cache}: {pages:,} wiki pages, while {label} …")
        writer = start_writer(env, server_url, session, pages, kind, per_second)
        try:
            result = load()
        except BaseException:  # wrk's failure ends the bench: the writer goes with it
            writer.kill()
            raise
        active.append((label, per_second, noun, result, stop_writer(writer)))
    say(f"{cache}: {pages:,} wiki pages, no writes again …")
    quiet.append(load())
    base, spread = combine(quiet)
    mode = f"anonymous, {cache}"
    rows = [
        Row(f"{pages:,} wiki pages, no writes", mode, f"{base.rate:,.0f}", f"{base.p50:.1f}",
            f"{base.p95:.1f}", f"{base.p99:.1f}", str(base.errors), spread=spread,
            meets="2 runs, before and after the writers")
    ]  # fmt: skip
    for label, per_second, noun, result, wrote in active:
        ratio = result.rate / base.rate if base.rate else 0.0
        checks = [
            ratio >= ACTIVE_RATIO,
            result.errors == 0,
            wrote["failures"] == 0,
            wrote["rate"] >= ACHIEVED_RATIO * per_second,
        ]
        cost = (
            f"{wrote['writes']} {noun} in {wrote['seconds']:.1f} s: "
            f"{wrote['rate']:.2f}/s achieved, {wrote['failures']} failed"
        )
        if wrote["last_error"]:
            cost += f" ({wrote['last_error']})"
        rows.append(
            Row(f"{pages:,} wiki pages, while {label}", mode, f"{result.rate:,.0f}",
                f"{result.p50:.1f}", f"{result.p95:.1f}", f"{result.p99:.1f}",
                str(result.errors), cost=cost,
                meets=f"{'✓' if all(checks) else '✗'} ≥ {ACTIVE_RATIO:.0%} of no writes "
                f"({ratio:.0%}), ≥ {ACHIEVED_RATIO * per_second:g} writes/s, none failed")
        )  # fmt: skip
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] != ["write"]:
        sys.exit(__doc__)
    writer_main(sys.argv[2:])
