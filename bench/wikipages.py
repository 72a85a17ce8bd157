"""The "create wiki pages" row: pages/s for new pages of ~600 words saved through wiki.services.

    python -m bench.wikipages [--pages 2000] [--seed 1]   # prints one JSON line

Run by bench/run.py in a process of its own, against the bench database. The pages are like a
volunteer's: a few sections of prose from the generated archive's vocabulary, each with links to
other pages of the run, some created earlier and some later (so a new title turns "missing"
links into live ones, the case issue 15 measured at 18.6 pages/s). Saved with no author, so the
per-person edit rate limit does not apply; every page is its own transaction, as from the editor.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time

from bench.generate import NAMES, OBJECTS, SUBJECTS, VERBS

WORDS_PER_PAGE = 600
LINKS_PER_PAGE = 6


TITLE_PREFIX = "Bench wiki page"


def _title(number: int, prefix: str = TITLE_PREFIX) -> str:
    return f"{prefix} {number}"


def page_text(number: int, pages: int, rng: random.Random, prefix: str = TITLE_PREFIX) -> str:
    """About WORDS_PER_PAGE words in sections, with links to earlier and later pages."""
    links = [f"[[{_title(rng.randrange(pages), prefix)}]]" for _ in range(LINKS_PER_PAGE)]
    parts = [f"# {_title(number, prefix)}\n"]
    words = 0
    section = 0
    while words < WORDS_PER_PAGE - 60:  # the last section adds about 60
        section += 1
        sentences = []
        for _ in range(6):
            sentence = (
                f"{rng.choice(SUBJECTS).capitalize()} in {rng.choice(NAMES)} "
                f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}, as {rng.choice(NAMES)} said."
            )
            sentences.append(sentence)
            words += len(sentence.split())
        if links:
            sentences.append(f"See {links.pop()}.")
        parts.append(f"## Part {section}\n\n" + " ".join(sentences) + "\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prefix", default=TITLE_PREFIX, help="titles are PREFIX N")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigsoc.settings")
    import django

    django.setup()
    from wiki.services import create_page

    rng = random.Random(args.seed)
    texts = [page_text(n, args.pages, rng, args.prefix) for n in range(args.pages)]
    words = sum(len(text.split()) for text in texts) / max(1, len(texts))
    cpu, start = time.process_time(), time.perf_counter()
    for number, text in enumerate(texts):
        create_page(title=_title(number, args.prefix), text=text, author=None)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    result = {
        "pages": args.pages,
        "words": round(words),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "rate": round(args.pages / seconds, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
