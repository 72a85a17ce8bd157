"""Time the search page over whatever archive the database holds, and print a Markdown table.

    DEBUG=0 SECRET_KEY=x ALLOWED_HOSTS=testserver HTTPS=0 PAGE_CACHE_SECONDS=0 \
        python -m bench.search [--rounds 20] [--mix wide|site]

Each query of a fixed mix (`wide`: rare and common words, phrases, exclusions, OR, a typo,
filters; `site`: the twenty of `make bench`'s search row, bench.site) is requested `--rounds`
times through Django's test client (the whole view: parsing, SQL, template), after one warm-up
round. The table gives p50 and p95 per query, the CPU each request costs, the SQL count, the
number of results, and the overall figures over every request.

CPU is counted on both sides, because wall time on a shared machine is mostly waiting: "Django
CPU" is this process's `time.process_time()` (view, template, driver), "PG CPU" the database
backend's, read from /proc/<pid>/schedstat (nanoseconds on the CPU) of the server process
serving this connection (`pg_backend_pid()`), so only when PostgreSQL runs on this machine and
its /proc is readable; otherwise the column is blank. Run it with the page cache off
(PAGE_CACHE_SECONDS=0), or repeated searches are answered from the cache.
"""

import argparse
import os
import statistics
import sys
import time

MIX = [
    {"q": "community"},
    {"q": "people"},
    {"q": "volunteering"},
    {"q": "organisers"},
    {"q": '"big society"'},
    {"q": '"knowledge gardening"'},
    {"q": "volunteers -council"},
    {"q": 'innovation hub -"east london"'},
    {"q": "twitter OR nesta"},
    {"q": '"social reporting" OR "social media"'},
    {"q": "social enterprise"},
    {"q": "nat wei"},
    {"q": "canary wharf"},
    {"q": "kevin harris"},
    {"q": "third sector funding"},
    {"q": "open data", "kind": "posts"},
    {"q": "community", "page": "10"},
    {"q": "volnteering"},  # a typo: no full-text hit, so titles like it (pg_trgm, if present)
    {"q": "zebra"},  # nothing anywhere
    {"q": "neighbourhood challenge", "topic": "volunteering"},
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--mix", choices=("wide", "site"), default="wide")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigsoc.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.site import SEARCH_QUERIES
    from posts.models import Post
    from search.services import trigram_available

    mix = MIX if args.mix == "wide" else [{"q": q} for q in SEARCH_QUERIES]

    client = Client()
    print(
        f"{Post.objects.count():,} posts; pg_trgm "
        f"{'on' if trigram_available() else 'off (typo tolerance off)'}; "
        f"{args.rounds} rounds\n"
    )
    backend = _backend_cpu(connection)
    print("| query | p50 ms | p95 ms | Django CPU ms | PG CPU ms | SQL | results |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    every, django_cpu, pg_cpu = [], [], []
    for params in mix:
        response = client.get("/search/", params)  # warm-up
        if response.status_code != 200:
            print(f"{params}: HTTP {response.status_code}", file=sys.stderr)
            return 1
        # Counted with a wrapper: Django empties `connection.queries` as each request starts.
        queries: list[str] = []

        def count(run, sql, *rest, seen=queries):
            seen.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(count):
            client.get("/search/", params)
        html = response.content.decode()
        summary = _summary(html)
        times = []
        cpu0, pg0 = time.process_time(), backend()
        for _ in range(args.rounds):
            start = time.perf_counter()
            client.get("/search/", params)
            times.append((time.perf_counter() - start) * 1000)
        django_cpu.append((time.process_time() - cpu0) * 1000 / args.rounds)
        pg1 = backend()
        pg_cpu.append(None if None in (pg0, pg1) else (pg1 - pg0) * 1000 / args.rounds)
        every += times
        label = " ".join(f"{k}={v}" for k, v in params.items()).replace("|", "\\|")
        print(
            f"| `{label}` | {statistics.median(times):.1f} | {percentile(times, 0.95):.1f} "
            f"| {django_cpu[-1]:.2f} | {_ms(pg_cpu[-1])} | {len(queries)} | {summary} |"
        )
    pg_mean = None if None in pg_cpu else statistics.mean(pg_cpu)
    print(
        f"| **all {len(every)} requests** | **{statistics.median(every):.1f}** "
        f"| **{percentile(every, 0.95):.1f}** | **{statistics.mean(django_cpu):.2f}** "
        f"| **{_ms(pg_mean)}** | | |"
    )
    return 0


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _backend_cpu(connection):
    """A function giving the CPU seconds so far of the PostgreSQL process serving `connection`
    (which the test client keeps open between requests), or None where it cannot be read."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]

    def seconds() -> float | None:
        if connection.connection is None or connection.connection.info.backend_pid != pid:
            return None  # reconnected: another process, whose time is not this one's
        try:
            with open(f"/proc/{pid}/schedstat") as stat:
                return int(stat.read().split()[0]) / 1e9
        except OSError:
            return None

    return seconds


def _summary(html: str) -> str:
    import re

    found = re.search(r'id="search-status"[^>]*>\s*(.*?)</p>', html, re.S)
    text = re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip() if found else "?"
    return text.split(" for ")[0][:40]


if __name__ == "__main__":
    sys.exit(main())
