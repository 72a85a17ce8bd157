"""Load `ArchivePost` records (WordPress exports, RSS and Atom feeds) into the database.

The loader does not care which reader the records came from. Three phases pass values, not
object state:

1. `scan` and 2. `plan` (importer.plan.records): read the file once, then decide which post
   each record is, claim ids, keys and slugs for new ones and build the link map. What they learn
   about each post is kept in scratch tables (importer.plan.scratch), so memory stays flat
   however big the file.
3. `load(path, kind, plan, ...)`: have the new and changed posts read again and made safe
   (importer.prepare.records: importer.prepare.wpbody, then core.sanitise; in a process of its
   own for a big file) and write them in batches: links to other posts of the archive rewritten
   to their pages here, topics (categories with parents, tags, vocabulary and phrase topics),
   comments, archive links and mentions (those links, and titles named in the text). Each batch
   looks up its posts' plan rows and the pages its links reach in the scratch tables.

Unchanged posts (same checksum) are not written. Runs inside the caller's transaction.

A first import, into a database that holds no post yet, goes another way
(importer.write.first_records): the preparing process reads the file once and prepares every
post, and the scan writes each post as it meets it, so PostgreSQL builds the posts' search
vectors beside the preparing; the plan then only builds the link map and the topics, and the
load goes through the prepared posts again for what needs the whole file (links, topics,
mentions).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.utils import timezone

from importer.errors import ArchiveError, FileResult, Loaded, Progress, file_result, load_progress
from importer.plan.records import Plan, Scan, finish_plan, plan, scan
from importer.plan.scratch import Scratch, signed
from importer.prepare.records import (
    TITLE_MAX,
    Ordinals,
    PreparedHere,
    PreparedPost,
    PreparingProcess,
    Reading,
    fingerprint,
    prepared_posts,
)
from importer.prepare.wpbody import rewrite_links
from importer.readers import ReaderError
from importer.readers.links import link_key
from importer.topic_book import TopicBook
from importer.topics import tokens
from importer.write.first_import import first_import_mode
from importer.write.first_records import scan_and_write
from importer.write.mentions import insert_mentions
from importer.write.records import (
    COMMENT_COLUMNS,
    POST_COLUMNS,
    comment_rows,
    post_values,
    relink_job,
    update_job,
)
from importer.write.writer import (
    Writer,
    archive_links_job,
    copy_job,
    link_archive_job,
)
from posts.models import Archive, Comment, Post, TaggedPost


@dataclass
class Counts:  # the load's tally, as it goes
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)  # posts kept as plain text (preparing)


# Exports this big are prepared in a process of their own (importer.prepare.records); below it,
# starting a process costs more than it saves.
PREPARE_APART_BYTES = 4 << 20
# Jobs the writer may hold (a batch is three or four): two batches or more, so a slow COPY does
# not stall the matching, nor a slow batch the COPY.
WRITER_DEPTH = 10


def load(
    path: Path,
    kind: str,
    scan_: Scan,
    plan_: Plan,
    scratch: Scratch,
    archive_id: int,
    batch_size: int,
    progress: Progress,
    again: Iterable[list[PreparedPost]] | None = None,
) -> Loaded:
    """Phase 3: write new and changed posts, a batch at a time, as they come back prepared
    (importer.prepare.records); the writes run in the writer's thread beside the Python work.
    Unchanged posts are not read again: they are only linked to this archive. After a first
    import's scan (importer.write.first_records), `again` gives the prepared posts once more."""
    counts = Counts()
    # (from, to) pairs as two flat arrays, written once every post exists: 16 bytes a mention.
    mentions = (array("Q"), array("Q"))
    size = path.stat().st_size
    wanted = Ordinals(scan_.records)
    with Writer(depth=WRITER_DEPTH) as writer:
        for rows in scratch.stream("SELECT ordinal, state, pk FROM plan", size=20_000):
            unchanged = [pk for _, state, pk in rows if state == "u"]
            for ordinal, state, _ in rows:
                if state != "u":
                    wanted.add(ordinal)
            counts.unchanged += len(unchanged)
            if unchanged:
                writer.put(link_archive_job(archive_id, unchanged))
        report = load_progress(progress, len(wanted), size)
        batch: list[PreparedPost] = []
        for post in _prepared(path, kind, wanted, size, again, counts.notes):
            batch.append(post)
            if len(batch) >= batch_size:
                _write(batch, scan_, plan_, scratch, archive_id, counts, mentions, writer)
                writer.mark(len(batch))
                batch = []
                report(writer.written)  # the writer may be a batch or two behind
        if batch:
            _write(batch, scan_, plan_, scratch, archive_id, counts, mentions, writer)
            writer.mark(len(batch))
    if wanted:
        report(writer.written)
    sources, targets = mentions
    with connection.cursor() as cursor:
        insert_mentions(cursor, sources, targets)
    return Loaded(
        counts.created, counts.updated, counts.unchanged, mentions=len(sources),
        notes=tuple(counts.notes),
    )  # fmt: skip


def _prepared(
    path: Path, kind: str, wanted: Ordinals, size: int,
    again: Iterable[list[PreparedPost]] | None, notes: list[str],
) -> Iterator[PreparedPost]:  # fmt: skip
    """The wanted posts, prepared: from `again` when the scan had them all prepared, else here
    for a small file, else by a process of their own."""
    if again is not None:
        yield from _wanted(again, wanted)
    elif not wanted:
        return
    elif size < PREPARE_APART_BYTES:
        reading = Reading()
        yield from prepared_posts(path, kind, wanted, reading=reading)
        notes.extend(reading.notes)
    else:
        with PreparingProcess(path, kind, wanted) as preparing:
            yield from _wanted(preparing.chunks(), wanted)
        notes.extend(preparing.reading.notes)


def _wanted(chunks: Iterable[list[PreparedPost]], wanted: Ordinals) -> Iterator[PreparedPost]:
    for chunk in chunks:
        yield from (post for post in chunk if post.ordinal in wanted)


PLAN_ROWS = "SELECT ordinal, pk, state, key, slug, names FROM plan WHERE ordinal = ANY(%s)"
LINKS = "SELECT address, pk, slug FROM link_map WHERE address = ANY(%s)"


def _write(
    batch, scan_: Scan, plan_: Plan, scratch: Scratch, archive_id: int, counts: Counts,
    mentions, writer,
) -> None:  # fmt: skip
    """Rows for a batch of prepared posts, built here; their writing handed to the writer."""
    now = timezone.now()
    facts = {row[0]: row[1:] for row in scratch.execute(PLAN_ROWS, [[p.ordinal for p in batch]])}
    pages = _pages(batch, scratch)
    new_rows, changed_rows, changed, created, linked, comments, tags = [], [], [], [], [], [], []
    rewritten: list[int] = []  # written by the scan, and written over here
    retagged: list[int] = []  # unchanged, matched again under new rules
    relinked: list[tuple[int, str]] = []  # written by the scan; only their links change
    for post in batch:
        if post.ordinal not in facts:
            continue  # not planned: a later copy of this post in the same file wins
        pk, state, key, slug, names = facts[post.ordinal]
        targets: list[int] = []
        body_html, _ = rewrite_links(post.html, _resolver(pages, post.permalink, targets))
        if state == "w":  # the post and its comments are in; its links may not be
            created.append(pk)
            if body_html != post.html:
                relinked.append((pk, body_html))
        elif state == "n":
            new_rows.append((pk, slug, key, now, *post_values(post, body_html, now)))
            created.append(pk)
        else:
            # A post matched again under new rules ('t') is written again like a changed one
            # (its tags, comments and mentions anew, its stamp telling the page cache), but
            # counted as unchanged: its text is.
            changed_rows.append((*post_values(post, body_html, now), pk))
            if state == "r":
                rewritten.append(pk)
                created.append(pk)
            elif state == "t":
                retagged.append(pk)
                linked.append(pk)
            else:
                changed.append(pk)
                linked.append(pk)
        topic_ids = {t for n in scan_.name_sets[names] for t in plan_.topic_ids.get(n, ())}
        for found in plan_.matcher.find(tokens(post.title + "\n" + post.text)):
            if isinstance(found, str):
                topic_ids.add(int(found[1:]))
            elif found != pk:
                targets.append(found)
        for to in sorted(set(targets) - {pk}):  # each post it names or links, once
            mentions[0].append(pk)
            mentions[1].append(to)
        tags.extend((pk, t) for t in sorted(topic_ids))
        if state != "w":
            comments.extend(comment_rows(pk, post))
    counts.created += len(created)
    counts.updated += len(changed)
    counts.unchanged += len(retagged)
    writer.put(copy_job(Post, ["id", "slug", "key", "created_at", *POST_COLUMNS], new_rows))
    if changed_rows:
        writer.put(update_job(changed_rows, changed + rewritten + retagged))
    if relinked:
        writer.put(relink_job(relinked))
    writer.put(copy_job(TaggedPost, ["content_object", "tag"], tags))
    writer.put(copy_job(Comment, COMMENT_COLUMNS, comments))
    writer.put(archive_links_job(archive_id, created, linked))


def _pages(batch, scratch: Scratch) -> dict[tuple[str, str], tuple[int, str]]:
    """(href, base) -> (id, slug) for the links of a batch that reach a post of the archive,
    asked of the link map in one query. The links are found by a first pass of
    `rewrite_links` that changes nothing."""
    keys: dict[tuple[str, str], int] = {}

    def collect(href: str) -> None:
        if (href, base) not in keys:
            key = link_key(href, base)
            keys[href, base] = signed(fingerprint(key)) if key else 0

    for post in batch:
        base = post.permalink
        rewrite_links(post.html, collect)
    found = {address: (pk, slug) for address, pk, slug in scratch.execute(LINKS, [
        list({a for a in keys.values() if a})
    ])}  # fmt: skip
    return {link: found[a] for link, a in keys.items() if a in found}


def _resolver(
    pages: dict[tuple[str, str], tuple[int, str]], base: str, targets: list[int]
) -> Callable[[str], str | None]:
    """`resolve(href)` for `rewrite_links`: the local page of a post of the archive (noting its
    id in `targets`, a post-to-post mention), or None for any other link."""

    def resolve(href: str) -> str | None:
        page = pages.get((href, base))
        if page is None:
            return None
        targets.append(page[0])
        return f"/posts/{page[1]}/"

    return resolve


def import_records(
    path: Path, kind: str, *, vocabulary, batch_size: int, progress: Progress, checksum: str,
    digest: str,
) -> FileResult:  # fmt: skip
    """Import one export or feed inside the caller's transaction (importer.pipeline). Raises
    `ArchiveError` when the file cannot be read or parsed. `digest`: the vocabulary's and
    rules' (importer.pipeline.import_digest)."""
    try:
        return _import_records(path, kind, vocabulary, batch_size, progress, checksum, digest)
    except ReaderError as exc:
        raise ArchiveError(path, exc.message, exc.line, exc.column) from None
    except OSError as exc:
        raise ArchiveError(path, f"cannot read: {exc.strerror or exc}") from None


def _import_records(path, kind, vocabulary, batch_size, progress, checksum, digest) -> FileResult:
    size = path.stat().st_size
    book = TopicBook()
    # A first import (no post in the database yet) writes each post as its scan meets it
    # (importer.write.first_records), and builds its indexes and checks its keys once, at the end
    # (importer.write.first_import).
    prepared_notes: list[str] = []  # a first import's: its load reads the spool again
    with Scratch() as scratch, first_import_mode() as bulk:
        if bulk:
            apart = size >= PREPARE_APART_BYTES
            Preparing = PreparingProcess if apart else PreparedHere
            with Preparing(path, kind, vocabulary=vocabulary) as preparing:
                scanned, matcher = scan_and_write(
                    preparing.chunks(), preparing.reading, scratch, size, batch_size, progress
                )
                planned = finish_plan(scanned, book, vocabulary, scratch, matcher)
                archive = _archive(path, kind, scanned, checksum)
                loaded = load(
                    path, kind, scanned, planned, scratch, archive.pk, batch_size, progress,
                    again=preparing.replay(),
                )  # fmt: skip
                prepared_notes = list(preparing.reading.notes)
        else:
            scanned = scan(path, kind, vocabulary, progress, scratch)
            # An unchanged post keeps its topics only when they were matched under the same
            # vocabulary and rules: this file's last import's (a listing's plan does as much).
            prior = Archive.objects.filter(name=path.name).first()
            same_rules = prior is None or prior.rules_digest == digest
            planned = plan(scanned, book, vocabulary, scratch, same_rules=same_rules)
            archive = _archive(path, kind, scanned, checksum)
            loaded = load(path, kind, scanned, planned, scratch, archive.pk, batch_size, progress)
    result = file_result(
        path,
        header=scanned.source.title,
        posts=scanned.posts,
        duplicates=scanned.duplicates,
        loaded=loaded,
        topics_created=book.created,
    )
    result.notes.extend(loaded.notes)
    result.notes.extend(prepared_notes)
    if scanned.shortened:
        titles = "title" if scanned.shortened == 1 else "titles"
        result.notes.append(
            f"{scanned.shortened:,} {titles} longer than {TITLE_MAX} characters shortened"
        )
    result.notes.extend(scanned.source.notes)
    return result


def _archive(path: Path, kind: str, scanned: Scan, checksum: str) -> Archive:
    archive, _ = Archive.objects.get_or_create(name=path.name)
    archive.kind = kind
    archive.title = scanned.source.title
    archive.link = scanned.source.link
    archive.language = scanned.source.language
    archive.header = scanned.source.title[:500]
    archive.checksum = checksum
    archive.imported_at = timezone.now()
    archive.save()
    return archive
