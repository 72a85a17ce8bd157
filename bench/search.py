"""Time the search page over whatever archive the database holds, and print a Markdown table.

    DEBUG=0 SECRET_KEY=x ALLOWED_HOSTS=testserver HTTPS=0 python -m bench.search [--rounds 20]

Each query of a fixed mix (rare and common words, phrases, exclusions, OR, a typo, filters) is
requested `--rounds` times through Django's test client (the whole view: parsing, SQL, template),
after one warm-up round. The table gives p50 and p95 per query, the SQL count, the number of
results, and the overall p50/p95 over every request.
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
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigsoc.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from posts.models import Post
    from search.services import trigram_available

    client = Client()
    print(
        f"{Post.objects.count():,} posts; pg_trgm "
        f"{'on' if trigram_available() else 'off (typo tolerance off)'}; "
        f"{args.rounds} rounds\n"
    )
    print("| query | p50 ms | p95 ms | SQL | results |")
    print("| --- | ---: | ---: | ---: | --- |")
    every = []
    for params in MIX:
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
        for _ in range(args.rounds):
            start = time.perf_counter()
            client.get("/search/", params)
            times.append((time.perf_counter() - start) * 1000)
        every += times
        label = " ".join(f"{k}={v}" for k, v in params.items()).replace("|", "\\|")
        print(
            f"| `{label}` | {statistics.median(times):.1f} | {percentile(times, 0.95):.1f} "
            f"| {len(queries)} | {summary} |"
        )
    print(
        f"| **all {len(every)} requests** | **{statistics.median(every):.1f}** "
        f"| **{percentile(every, 0.95):.1f}** | | |"
    )
    return 0


def _summary(html: str) -> str:
    import re

    found = re.search(r'id="search-status"[^>]*>\s*(.*?)</p>', html, re.S)
    text = re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip() if found else "?"
    return text.split(" for ")[0][:40]


if __name__ == "__main__":
    sys.exit(main())
