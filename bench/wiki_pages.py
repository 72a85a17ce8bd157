"""The wiki-page-creation row: pages per second through `wiki.services.create_page`.

    DATABASE_URL=... python -m bench.wiki_pages [--pages 2000]

Creates PAGES pages of about 600 words each (headings, emphasis, a list, five links to other
pages of the set, half of which do not exist yet when the page is written, and a citation) in
one transaction that is rolled back at the end, so the database is left as it was. Prints the
pages per second, the CPU time of this process and the SQL statements per page.
In-process: no server, no HTTP.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from dataclasses import dataclass

WORDS = [
    "volunteers",
    "council",
    "community",
    "local",
    "power",
    "budget",
    "neighbourhood",
    "charity",
    "network",
    "society",
    "idea",
    "project",
    "people",
    "town",
    "village",
    "hall",
    "library",
    "park",
    "group",
    "meeting",
    "plan",
    "change",
    "action",
    "government",
    "policy",
    "fund",
    "support",
    "service",
    "public",
    "place",
    "street",
    "school",
    "together",
    "help",
]


def page_title(n: int) -> str:
    return f"Bench topic {n:04d} {WORDS[n % len(WORDS)]}"


def page_text(n: int, pages: int, rng: random.Random) -> str:
    def sentence() -> str:
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
        words[0] = words[0].capitalize()
        if rng.random() < 0.3:
            i = rng.randrange(len(words))
            words[i] = f"*{words[i]}*"
        return " ".join(words) + "."

    links = [f"[[{page_title(rng.randrange(pages))}]]" for _ in range(5)]
    paragraphs = []
    for p in range(8):
        body = " ".join(sentence() for _ in range(6))
        if p < len(links):
            body += f" See {links[p]}."
        paragraphs.append(body)
    paragraphs.insert(3, "## What happened")
    paragraphs.insert(6, "- one thing\n- another thing\n- a third thing")
    paragraphs.append("Source: [[post:big-society-launch]].")
    return "\n\n".join(paragraphs)


class _RollBack(Exception):
    pass


@dataclass(frozen=True)
class Creation:
    pages: int
    seconds: float  # wall clock
    cpu_seconds: float  # this process only (PostgreSQL's own CPU is not in it)
    queries: int

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds

    def row(self, words: int) -> str:
        return (
            f"| wiki pages created through the service | {self.pages:,} pages of ~{words} words "
            f"| {self.pages_per_second:.1f} pages/s | {1000 * self.cpu_seconds / self.pages:.1f} "
            f"ms CPU and {self.queries / self.pages:.1f} SQL a page |"
        )


def create_pages(pages: int = 2000, seed: int = 15) -> Creation:
    """Create `pages` pages through the service in one rolled-back transaction."""
    from django.db import connection, transaction

    from wiki.services import create_page

    rng = random.Random(seed)
    texts = [page_text(n, pages, rng) for n in range(pages)]
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    start, cpu = time.perf_counter(), time.process_time()
    try:
        with transaction.atomic(), connection.execute_wrapper(count):
            for n, text in enumerate(texts):
                create_page(title=page_title(n), text=text, author=None, summary="bench")
            result = Creation(
                pages, time.perf_counter() - start, time.process_time() - cpu, len(queries)
            )
            raise _RollBack
    except _RollBack:
        pass
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigsoc.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    words = len(page_text(0, args.pages, random.Random(15)).split())
    print(create_pages(args.pages).row(words))


if __name__ == "__main__":
    main()
