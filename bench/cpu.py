"""CPU per request, in process: each page of a bench plan through Django's test client.

    python -m bench.cpu PLAN.json [--rounds 30]   # PLAN.json from `python -m bench.site prepare`

No server and no wrk: a loop of requests in this process, timed with `time.process_time()` (this
process's CPU: Django, templates, the driver) and `time.perf_counter()` (wall: the same plus
PostgreSQL's and the cache's time, one request at a time). Each page's figure is set against the
6 KB ceiling view's, measured the same way, as `make bench` sets req/s against the ceiling's.
Quick enough to run while changing code (a few seconds), and quiet enough for a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigsoc.settings")
    os.environ["BENCH_CEILING"] = "1"
    import django

    django.setup()


def measure(client, urls: list[str], rounds: int) -> tuple[float, float, int]:
    """(CPU ms, wall ms, SQL queries) per request, the median round of `rounds`."""
    from django.db import connection

    for url in urls:  # warm: templates compiled, fragments and figures cached
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"bench.cpu: {url} answered {response.status_code}")
    # Counted by a wrapper: CaptureQueriesContext's log is emptied when a request starts.
    captured = []
    with connection.execute_wrapper(lambda execute, *a: captured.append(1) or execute(*a)):
        client.get(urls[0])
    cpu, wall = [], []
    for _ in range(rounds):
        c0, w0 = time.process_time(), time.perf_counter()
        for url in urls:
            client.get(url)
        cpu.append((time.process_time() - c0) * 1000 / len(urls))
        wall.append((time.perf_counter() - w0) * 1000 / len(urls))
    cpu.sort()
    wall.sort()
    return cpu[len(cpu) // 2], wall[len(wall) // 2], len(captured)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--logged-in-only", action="store_true")
    args = parser.parse_args(argv)
    _setup()
    from django.conf import settings
    from django.test import Client

    with open(args.plan) as f:
        plan = json.load(f)
    from django.contrib.auth import get_user_model

    from bench.site import USERNAME

    anonymous, volunteer = Client(), Client()
    # A fresh login, so the session names this code's own authentication backend.
    volunteer.force_login(get_user_model().objects.get(username=USERNAME))
    ceiling_cpu, ceiling_wall, _ = measure(anonymous, ["/bench/ceiling/"], args.rounds * 5)
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"cache: {cache}; ceiling {ceiling_cpu:.2f} ms CPU, {ceiling_wall:.2f} ms wall")
    print("| page | mode | CPU ms | wall ms | SQL | vs ceiling (CPU) | vs ceiling (wall) |")
    print("|---|---|---|---|---|---|---|")
    modes = [("logged in", volunteer)]
    if not args.logged_in_only:
        modes.insert(0, ("anonymous", anonymous))
    for name, urls in plan["rows"]:
        if name.startswith("search"):
            urls = urls[:5]
        for mode, client in modes:
            cpu, wall, sql = measure(client, urls, args.rounds)
            print(
                f"| {name} | {mode} | {cpu:.2f} | {wall:.2f} | {sql} | "
                f"{ceiling_cpu / cpu:.0%} | {ceiling_wall / wall:.0%} |"
            )


if __name__ == "__main__":
    main()
