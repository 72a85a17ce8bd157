"""The "create pages vs django-wiki" row: the same generated pages created in django-wiki 0.13
and in bigsoc, in-process, one transaction a page; both rates and their ratio.

    python -m bench.djangowiki [--pages 500]   # prints one JSON line

Run by bench/run.py against the bench database (DATABASE_URL). django-wiki is installed by this
module into a throwaway virtualenv in a temporary folder (pip, the package `wiki`), and writes
into a database of its own on the same server (DATABASE_URL's name + "_djangowiki"), dropped
afterwards; bench/djangowiki_worker.py runs there and calls `URLPath.create_urlpath` a page.
bigsoc's side is bench/wikipages.py (`wiki.services.create_page`) with the same texts and seed,
under titles of their own so the pages are new whatever else the bench created.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.wikipages import _title, page_text

ROOT = Path(__file__).resolve().parent.parent
DJANGO_WIKI = "wiki==0.13.0"
PREFIX = "Bench race page"
TARGET_RATIO = 1.2  # issue 26: bigsoc creates pages at least 1.2x django-wiki's rate


def generated_pages(count: int, seed: int) -> list[tuple[str, str, str]]:
    """(slug, title, text) of the pages both wikis create: bench/wikipages.py's, same seed."""
    rng = random.Random(seed)
    pages = []
    for number in range(count):
        text = page_text(number, count, rng, PREFIX)
        pages.append((f"bench-race-page-{number}", _title(number, PREFIX), text))
    return pages


def install_django_wiki(folder: Path) -> Path:
    """A virtualenv in `folder` with django-wiki and the PostgreSQL driver; its python."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", DJANGO_WIKI, "psycopg[binary]"],
        check=True,
    )
    return python


def _database(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + suffix))


def django_wiki_rate(database_url: str, pages: list, folder: Path, python: Path | None) -> dict:
    """django-wiki's run on a fresh database of its own, dropped afterwards; `python`: one of a
    virtualenv where django-wiki is installed already, else one is made in `folder`."""
    from bench.run import drop_database, reset_database

    python = python or install_django_wiki(folder / "venv")
    pages_file = folder / "pages.json"
    pages_file.write_text(json.dumps(pages))
    url = _database(database_url, "_djangowiki")
    reset_database(url)
    try:
        # -I (isolated): the bench's PYTHONPATH names bigsoc's root, whose `wiki` app would
        # shadow django-wiki's package of the same name in the worker.
        done = subprocess.run(
            [str(python), "-I", str(ROOT / "bench" / "djangowiki_worker.py"), url,
             str(pages_file)],
            capture_output=True, text=True, cwd=folder,
        )  # fmt: skip
        if done.returncode:
            sys.exit(f"bench: django-wiki's run failed:\n{done.stderr}")
        out = done.stdout
    finally:
        drop_database(url)
    return json.loads(out.strip().splitlines()[-1])


def bigsoc_rate(count: int, seed: int) -> dict:
    """bench/wikipages.py in a process of its own, against DATABASE_URL."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.wikipages", "--pages", str(count), "--seed", str(seed),
         "--prefix", PREFIX],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:
        sys.exit(f"bench: bigsoc's run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--python", type=Path, help="a virtualenv's python with django-wiki (skips installing it)"
    )
    args = parser.parse_args(argv)
    pages = generated_pages(args.pages, args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-django-wiki-") as folder:
        theirs = django_wiki_rate(os.environ["DATABASE_URL"], pages, Path(folder), args.python)
    ours = bigsoc_rate(args.pages, args.seed)
    theirs["rate"] = round(theirs["pages"] / theirs["seconds"], 1)
    result = {
        "pages": args.pages,
        "bigsoc": ours,
        "django_wiki": theirs,
        "ratio": round(ours["rate"] / theirs["rate"], 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
