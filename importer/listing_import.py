"""A text listing's import in three stages, as an export's (importer.record_import): `scan`, then
`plan` (both in importer.plan.listing), then `load` (here), each a function handing the next one
an immutable record (`Scanned`, `Planned`, then `importer.errors.Loaded` for the summary);
importer.pipeline shows the whole.

1. `scan`: parse every post (in a process of its own for a big file), note which copy of each
   title wins (the typographic one), count recurring named phrases, and index titles for
   mentions; the posts (`ArchivePost` records of importer.readers.listing) wait in a spool
   file. A first import into an empty database writes each post as the scan meets it.
2. `plan` (importer.plan.listing): topics, the posts already held, the plan.
3. `load`: read the spool and upsert the winning copies in batches through the `Writer`; tag
   them; then link mentions (importer.write.mentions).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core.text import fold
from importer.errors import ArchiveError, FileResult, Loaded, Progress, file_result, load_progress
from importer.plan.listing import Planned, Scanned, plan, scan
from importer.prepare import spool
from importer.prepare.listing import prepared
from importer.readers.listing_parser import ParseError, legacy_encoding
from importer.readers.records import ArchivePost
from importer.topics import tokens
from importer.write.first_import import first_import_mode
from importer.write.listing import retag_job
from importer.write.mentions import incoming_mention_pairs, link_mentions
from importer.write.records import POST_COLUMNS, post_values, update_job
from importer.write.writer import Writer, archive_links_job, copy_job
from posts.models import Post, TaggedPost


def import_listing(
    path: Path, *, vocabulary, batch_size: int, progress: Progress, digest: str
) -> FileResult:
    """Import one text listing inside the caller's transaction (importer.pipeline): in UTF-8,
    or in Windows-1252 or Latin-1 when its bytes say so unambiguously (with a note); refused
    with the reason when they do not."""
    batch_size = max(1, batch_size)
    try:
        with transaction.atomic():  # a savepoint: a file found not to be UTF-8 is read again
            return _import_listing(path, "utf-8", vocabulary, batch_size, progress, digest)
    except ArchiveError as exc:
        if not exc.not_utf8:
            raise
    try:
        with open(path, "rb") as stream:
            codec, name = legacy_encoding(stream)
    except ParseError as exc:
        raise ArchiveError(path, exc.message, exc.line) from None
    except OSError as exc:
        raise ArchiveError(path, f"cannot read: {exc.strerror or exc}") from None
    result = _import_listing(path, codec, vocabulary, batch_size, progress, digest)
    result.notes.append(f"decoded as {name}")
    return result


def _import_listing(path, encoding, vocabulary, batch_size, progress, digest) -> FileResult:
    # Nothing in the database yet (a new site's first import): the scan writes the posts, and
    # foreign keys are checked once at the end instead of row by row.
    with first_import_mode() as bulk, tempfile.TemporaryFile(prefix="bigsoc-import-") as spooled:
        scanned = scan(path, encoding, spooled, bulk, vocabulary, batch_size, progress)
        planned = plan(path, scanned, vocabulary, digest)
        loaded = load(spooled, scanned, planned, batch_size, progress)
    return file_result(
        path,
        header=scanned.header.text if scanned.header else "",
        posts=len(scanned.winners),
        duplicates=scanned.duplicates,
        loaded=loaded,
        topics_created=planned.topics_created,
    )


# --- the load stage -------------------------------------------------------------------------


def load(spooled, scanned: Scanned, planned: Planned, batch_size: int, progress) -> Loaded:
    """Read the spool and write the winning copies a batch at a time (the writes run in the
    writer's thread beside the Python work), then link mentions."""
    winners, skip = scanned.winners, planned.skip
    report = load_progress(progress, len(winners))
    created = updated = 0
    unchanged = len(skip)
    created_keys: list[str] = []
    mention_pairs: list[tuple[int, str]] = []
    wanted = {w.ordinal for key, w in winners.items() if key not in skip}
    spooled.seek(0)
    batch: list[ArchivePost] = []
    with Writer() as writer:
        writer.mark(len(skip))
        for post in spool.read(spooled, wanted):
            batch.append(post)
            if len(batch) >= batch_size:
                counts = _write(batch, scanned, planned, created_keys, mention_pairs, writer)
                created, updated, unchanged = _add((created, updated, unchanged), counts)
                writer.mark(len(batch))
                batch = []
                report(writer.written)  # the writer may be a batch or two behind
        if batch:
            counts = _write(batch, scanned, planned, created_keys, mention_pairs, writer)
            created, updated, unchanged = _add((created, updated, unchanged), counts)
            writer.mark(len(batch))
    report(writer.written)
    mentions = link_mentions(mention_pairs)
    mentions += link_mentions(incoming_mention_pairs(created_keys, winners))
    return Loaded(created, updated, unchanged, mentions)


def _add(a: tuple[int, int, int], b: tuple[int, int, int]) -> tuple[int, int, int]:
    return a[0] + b[0], a[1] + b[1], a[2] + b[2]


def _write(
    batch: list[ArchivePost], scanned: Scanned, planned: Planned, created_keys: list[str],
    mention_pairs: list[tuple[int, str]], writer: Writer,
) -> tuple[int, int, int]:  # fmt: skip
    """Rows for a batch, built here; their writing handed to the writer. Returns how many
    posts it created, updated and left unchanged; notes created keys and mentions found."""
    now = timezone.now()
    plan_, winners, rewrite = planned.plan, scanned.winners, scanned.rewrite
    new_rows, changed_rows, ids, changed_ids, linked_existing = [], [], {}, [], []
    created: list[int] = []
    unchanged = 0
    keys = [fold(post.title) for post in batch]
    for post, key in zip(batch, keys, strict=True):
        checksum = winners[key].checksum
        if key in plan_.existing:
            pk, old_checksum = plan_.existing[key]
            ids[key] = pk
            if key not in plan_.quiet:
                linked_existing.append(pk)
            if old_checksum == checksum:
                unchanged += 1
                continue
            changed_ids.append(pk)
            changed_rows.append((*_values(post, winners[key], now), pk))
        elif key in plan_.written:
            pk = ids[key] = plan_.written[key]
            created.append(pk)
            created_keys.append(key)
            if key in rewrite:  # a twin that came later won: its text, not the first's
                changed_rows.append((*_values(post, winners[key], now), pk))
        else:
            planned_key, pk, slug = next(plan_.new_posts)
            assert planned_key == key, "posts to create come in load order"
            ids[key] = pk
            new_rows.append((pk, slug, key, now, *_values(post, winners[key], now)))
            created_keys.append(key)
            created.append(pk)

    writer.put(copy_job(Post, ["id", "slug", "key", "created_at", *POST_COLUMNS], new_rows))
    if changed_rows:
        writer.put(update_job(changed_rows, changed_ids))
    writer.put(archive_links_job(planned.archive_id, created, linked_existing))

    found = {}
    quiet, news, topic_ids = plan_.quiet, planned.news, planned.topic_ids
    for p, key in zip(batch, keys, strict=True):
        if key not in quiet:
            found[key] = plan_.matcher.find(tokens(p.title + "\n" + p.text))
        elif news.size:  # tokenising is most of the cost: only when there is news
            found[key] = news.find(tokens(p.title + "\n" + p.text))
    # Topics (int ids) apart from titles (str keys) with set operations, in C: a post finds
    # about twenty topics and a title or two.
    topics = {key: targets & topic_ids for key, targets in found.items()}
    _tag(batch, keys, ids, planned, topics, writer)
    for key, targets in found.items():
        targets -= topics[key]
        targets.discard(key)
        mention_pairs.extend((ids[key], target) for target in targets)
    return len(created), len(changed_ids), unchanged


def _values(post: ArchivePost, winner, now) -> tuple:
    """The POST_COLUMNS values of a listing's post, as every route writes them."""
    row = prepared(
        winner.ordinal, title=post.title, text=post.text, html=post.html, day=post.day,
        is_excerpt=post.is_excerpt, checksum=winner.checksum, categories=post.categories,
    )  # fmt: skip
    return post_values(row, row.html, now)


def _tag(
    batch: list[ArchivePost],
    keys: list[str],
    ids: dict[str, int],
    planned: Planned,
    topics: dict[str, set[int]],
    writer: Writer,
) -> None:
    """Tag the batch. A quiet post (see `Planned.news`) keeps its tags and gains only new
    topics."""
    plan_, header_topic_id = planned.plan, planned.header_topic
    new_pairs: list[tuple[int, int]] = []
    wanted: set[tuple[int, int]] = set()
    touched: list[int] = []
    for post, key in zip(batch, keys, strict=True):
        pk = ids[key]
        topic_ids = topics.get(key, set())
        if key in plan_.quiet:
            if not topic_ids:
                continue
        else:
            topic_ids.update(t for c in post.categories for t in plan_.topic_ids.get(c, ()))
            if header_topic_id:
                topic_ids.add(header_topic_id)
        if key in plan_.existing:
            touched.append(pk)
            wanted.update((pk, tid) for tid in topic_ids)
        else:  # a new post has no tags yet
            new_pairs.extend((pk, tid) for tid in topic_ids)
    new_pairs.sort()
    # New rows by construction, so COPY is safe and several times faster than INSERT for
    # the ~10 tags of every post.
    writer.put(copy_job(TaggedPost, ["content_object_id", "tag_id"], new_pairs))
    if touched:
        writer.put(retag_job(touched, wanted))
