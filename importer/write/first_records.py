"""A first import of an export or feed, into an empty database: each post is written as the scan
meets it, so PostgreSQL's work on the posts (the search vector above all) runs beside the
preparing and the scan instead of after them, as a first listing import does
(importer.listing_import). Measured at 20,000 posts, the load alone waited on PostgreSQL for
most of its time when every post was written after the scan and the plan.

The preparing process (importer.prepare.records) reads the file once, makes every post safe
and mines the phrases; `scan_and_write` takes its chunks in file order and, for each post:

- copies its record and addresses to the scratch tables, as `plan.records.scan` does;
- the first time it meets the post (by identity), claims its id, key and slug
  (`plan.records.claim`, against the plan so far: the database holds no post), and has the
  writer COPY the post as prepared, with its comments; its plan row says 'w' (written);
- a later copy of a post already met wins, as the last copy does in `plan.records.plan`: the
  post's plan row moves to it, marked 'r', and the load writes it over the first.

What needs the whole file waits for the load (importer.record_import), which goes through
the prepared posts again: links to other posts rewritten (an UPDATE of `body_html` for the posts
that have any), topics, mentions and the archive's links.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from core.text import fold
from importer.errors import Progress
from importer.plan.records import KEY_MAX, Scan, claim
from importer.plan.scratch import Scratch, signed
from importer.prepare.records import PreparedPost, Reading, fingerprint
from importer.topics import PhraseMatcher
from importer.write.records import COMMENT_COLUMNS, POST_COLUMNS, comment_rows, post_values
from importer.write.writer import RESERVE_POST_IDS, Writer, copy_job
from posts.models import Comment, Post

# Jobs the writer may hold: about two batches (a post COPY and a comment COPY each).
WRITER_DEPTH = 4

_MET = "SELECT identity FROM plan WHERE identity = ANY(%s)"
_LATER_COPY = """
UPDATE plan SET ordinal = v.ordinal, names = v.names, state = 'r'
FROM unnest(%s::bigint[], %s::integer[], %s::integer[]) AS v(identity, ordinal, names)
WHERE plan.identity = v.identity
"""


def scan_and_write(
    chunks: Iterable[list[PreparedPost]], reading: Reading, scratch: Scratch, size: int,
    batch_size: int, progress: Progress,
) -> tuple[Scan, PhraseMatcher]:  # fmt: skip
    """Pass 1 of a first import: every post written once, as first met (see the module's
    docstring). Returns the scan and the title index (targets: the posts' ids)."""
    matcher = PhraseMatcher()
    name_index: dict[tuple[str, ...], int] = {}

    def reserve(count: int) -> list[int]:
        # The scratch connection's: sequences are not transactional, and the writer holds
        # Django's connection.
        return [pk for (pk,) in scratch.execute(RESERVE_POST_IDS, [Post._meta.db_table, count])]

    seq = 0
    batch: list[PreparedPost] = []
    with Writer(depth=WRITER_DEPTH) as writer:
        for chunk in chunks:
            batch.extend(chunk)
            if len(batch) >= batch_size:
                seq = _scanned(batch, seq, name_index, matcher, reserve, scratch, writer)
                batch = []
                progress("scan bytes", reading.bytes_read, size)
        if batch:
            _scanned(batch, seq, name_index, matcher, reserve, scratch, writer)
    scan = Scan(
        reading.source, reading.records, list(name_index), reading.phrases or [], reading.skipped,
        shortened=reading.shortened,
    )  # fmt: skip
    scan.posts = scratch.execute("SELECT count(*) FROM plan")[0][0]
    return scan, matcher


def _scanned(batch, seq, name_index, matcher, reserve, scratch: Scratch, writer: Writer) -> int:
    """A batch of the scan: its addresses to the scratch tables, the posts met for the first
    time written; a later copy's plan row moved to it. Returns the address count. (The plan
    rows are all the load needs: the `records` table is for matching held posts.)"""
    records, addresses = [], []
    for post in batch:
        identity = signed(post.identity)
        names = name_index.setdefault(post.names, len(name_index))
        key = fold(post.title)[:KEY_MAX]
        records.append((post.ordinal, identity, post.title, key, names, post.source_slug))
        for address in post.addresses:
            seq += 1
            addresses.append((seq, signed(fingerprint(address)), identity))
    scratch.copy("addresses", "seq, address, identity", addresses)

    met = {i for (i,) in scratch.execute(_MET, [[r[1] for r in records]])}
    fresh: list[tuple] = []
    first: list[PreparedPost] = []
    later: dict[int, tuple[int, int]] = {}  # identity -> the latest copy's ordinal and names
    for post, record in zip(batch, records, strict=True):
        ordinal, identity, _, _, names, _ = record
        if identity in met:
            later[identity] = (ordinal, names)
        else:
            met.add(identity)
            fresh.append(record)
            first.append(post)
    rows = claim(fresh, scratch, matcher, reserve, held=False, state="w")
    scratch.copy("plan", "ordinal, identity, pk, state, key, slug, names", rows)
    if later:
        ordinals, names = zip(*later.values(), strict=True)
        scratch.execute(_LATER_COPY, [list(later), list(ordinals), list(names)])

    now = timezone.now()
    posts, comments = [], []
    for post, (_, _, pk, _, key, slug, _) in zip(first, rows, strict=True):
        posts.append((pk, slug, key, now, *post_values(post, post.html, now)))
        comments.extend(comment_rows(pk, post))
    writer.put(copy_job(Post, ["id", "slug", "key", "created_at", *POST_COLUMNS], posts))
    writer.put(copy_job(Comment, COMMENT_COLUMNS, comments))
    return seq
