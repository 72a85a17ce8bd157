"""Time the importer's pure Python stages on an archive, without a database; digest the output.

    python -m bench.pipeline ARCHIVE [ARCHIVE ...] [--out digest.txt]

Runs what `importer.pipeline` does per post, minus the SQL: parse every post, note its title
(key, typographic score, winner), mine phrases from the first copy of each title, build the
matcher as `plan.listing.scan` and `plan.listing.add_topic_phrases` do (titles,
vocabulary phrases, mined phrases),
then for every winning post: checksum, body, HTML and the phrases and titles it names. Records
wait on disk between the two passes, as in listing.py, so that memory and garbage collection are
an import's.

It prints CPU seconds per stage and one SHA-256 over every output (post keys, checksums, bodies,
HTML, mined phrases, found sets), so a change to the hot loops can be shown to be faster and to
give byte-identical results. `--out` also writes the outputs line by line, to diff two runs.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from core.text import fold
from importer.prepare import spool
from importer.readers.listing import ListingReader, listing_checksum
from importer.readers.listing_parser import typographic_score
from importer.topics import (
    PhraseMatcher,
    PhraseMiner,
    load_vocabulary,
    title_tokens,
    tokens,
    vocabulary_matcher,
)

ROOT = Path(__file__).resolve().parent.parent


class Stages:
    """Seconds per named stage, summed over calls."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)

    def report(self) -> str:
        total = sum(self.seconds.values())
        lines = [f"{name:<16} {secs:7.2f} s" for name, secs in self.seconds.items()]
        return "\n".join([*lines, f"{'total':<16} {total:7.2f} s"])


def run(path: Path, vocabulary, stages: Stages, emit) -> None:
    with tempfile.TemporaryFile(prefix="bigsoc-pipeline-") as spooled:
        _run(path, vocabulary, stages, emit, spooled)


def _run(path: Path, vocabulary, stages: Stages, emit, spooled) -> None:
    # CPU seconds of this process: other work on a shared machine does not count.
    clock = time.process_time
    t = stages.seconds
    miner = PhraseMiner(exclude=vocabulary_matcher(vocabulary))
    matcher = PhraseMatcher()
    winners: dict[str, list[int]] = {}
    ordinal = -1
    with open(path, "rb") as stream:
        reader = ListingReader(stream)
        parser = reader.records()  # parsed and rendered: the HTML is timed with "parse"
        while True:
            a = clock()
            post = next(parser, None)
            b = clock()
            t["parse"] += b - a
            if post is None:
                break
            ordinal += 1
            spool.write(spooled, post)
            b = clock()
            key = fold(post.title)
            score = typographic_score(post.title)
            c = clock()
            t["key+score"] += c - b
            winner = winners.get(key)
            if winner is None:
                winners[key] = [ordinal, score]
                body = post.text
                d = clock()
                miner.feed(body)
                e = clock()
                toks = title_tokens(post.title)
                if toks:
                    matcher.add(toks, key)
                f = clock()
                t["body"] += d - c
                t["mine.feed"] += e - d
                t["title_tokens+add"] += f - e
            elif score > winner[1]:
                winner[0], winner[1] = ordinal, score
    emit(f"file {path.name} checksum {reader.checksum} posts {ordinal + 1}")

    a = clock()
    phrases = miner.phrases()
    b = clock()
    # Topic ids stand in for primary keys: ints, as load.py's matcher targets are.
    ids: dict[str, int] = {}
    for entry in vocabulary:
        pk = ids.setdefault(" ".join(tokens(entry.name)), len(ids) + 1)
        for phrase in entry.phrases:
            matcher.add(phrase, pk)
    for name in phrases:
        matcher.add(name, ids.setdefault(" ".join(tokens(name)), len(ids) + 1))
    c = clock()
    t["mine.phrases"] += b - a
    t["matcher build"] += c - b
    for name in phrases:
        emit(f"phrase {name}")

    spooled.seek(0)
    for post in spool.read(spooled, {ordinal for ordinal, _ in winners.values()}):
        a = clock()
        checksum = listing_checksum(post)
        b = clock()
        html = post.html
        c = clock()
        toks = tokens(post.title + "\n" + post.text)
        d = clock()
        found = matcher.find(toks)
        e = clock()
        t["checksum"] += b - a
        t["render"] += c - b
        t["tokens"] += d - c
        t["find"] += e - d
        emit(f"post {fold(post.title)!r} {checksum} {post.line}")
        emit(post.text)
        emit(html)
        emit(" ".join(sorted(map(repr, found))))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("archives", nargs="+", type=Path)
    ap.add_argument("--vocabulary", type=Path, default=ROOT / "seeds" / "topics.toml")
    ap.add_argument("--out", type=Path, help="also write every output here, one item a line")
    args = ap.parse_args(argv)

    digest = hashlib.sha256()
    out = open(args.out, "w", encoding="utf-8") if args.out else None  # noqa: SIM115

    def emit(text: str) -> None:
        digest.update(text.encode() + b"\0")
        if out:
            out.write(text + "\n")

    stages = Stages()
    vocabulary = load_vocabulary(args.vocabulary)
    for path in args.archives:
        run(path, vocabulary, stages, emit)
    if out:
        out.close()
    print(stages.report())
    print(f"digest {digest.hexdigest()}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
