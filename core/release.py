"""Which release of the code is running, so cached pages never outlive the code that made them.

A cached page (and a kept template fragment) holds HTML rendered by one release's templates and
views, naming its static files by their hashed names. After a deploy that HTML is stale even
though no dependency key changed, and the static files it names may be gone. The page cache and
the fragment cache therefore key their entries by the release: a new release starts with an
empty page cache while sessions, key versions and the data cache carry over.

`RELEASE` in the environment names it (a deploy sets it to the commit it ships, and every app
server of that release agrees). Without it, the release is a digest of the code itself, read
once per process: what a development server or a checkout run by hand needs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

# What a page is made from: the code, its templates and the static files it names.
SOURCE_SUFFIXES = frozenset({".py", ".html", ".txt", ".css", ".js", ".svg", ".toml", ".json"})
SKIPPED_PARTS = frozenset({"tests", "migrations", "__pycache__", "node_modules", "bench"})


def source_digest(root: Path, folders: list[str]) -> str:
    """A short digest of every source file under `root`'s `folders`: paths and contents."""
    digest = hashlib.blake2b(digest_size=8)
    for folder in folders:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix not in SOURCE_SUFFIXES or SKIPPED_PARTS & set(path.parts):
                continue
            if not path.is_file():
                continue
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
