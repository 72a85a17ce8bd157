"""Load parsed archives into the database: idempotent, batched, one transaction per file.

`import_archive(path, ...)` is the entry point for every format: exports and feeds go to
importer.record_import, text listings to importer.listing_import; both go through the same
three stages, scan, plan and load, streaming, so memory holds keys and titles but never the
whole file. For a listing:

1. scan: parse every post, note which copy of each title wins (the typographic one), count
   recurring named phrases, and index titles for mentions. A file that does not parse fails
   here, before anything is written.
2. plan: topics, the posts already held, ids and slugs for the new ones.
3. load: read the parsed posts back from a spool file and upsert the winning copies in batches
   keyed by `Post.key` (the folded title). Unchanged posts (same checksum) are not written, so
   `updated_at` keeps its value; changed posts are updated in place, and their slug never
   changes. When the file was imported before under the same rules and header, a post it held
   with the same text is not tokenised or matched again (it keeps its tags and mentions); it is
   matched only against phrases and titles new since then, and only when there are any.

Everything for one file runs inside one `transaction.atomic()`: a failure anywhere (even an
interrupt half-way through) leaves the database as it was.

A file whose bytes match its Archive row's checksum, recorded by a completed import under the same
vocabulary and import rules (`import_digest`), is skipped without parsing: that import already
wrote everything the file would write.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.db import connection, transaction

from core.cache import archive_changed
from importer.errors import ArchiveError, FileResult, Progress
from importer.listing_import import import_listing
from importer.readers import ReaderError, detect
from importer.readers.xmlstream import PROLOG_BYTES
from importer.record_import import import_records
from importer.topic_book import sync_vocabulary
from importer.topics import VocabularyTopic
from importer.write.writer import table
from posts.changes import keys_changed_in_this_transaction
from posts.figures import PAIR_TOPICS, crowded_posts, refresh_topic_figures
from posts.models import Archive, Post, TaggedPost

__all__ = ["ArchiveError", "FileResult", "import_archive"]

BATCH_SIZE = 1000
# Part of `import_digest`: bump it when a change to parsing, rendering or matching should make
# the next run re-import files that did not change.
# 3: identities scoped to the blog, local dates, players, code, galleries; 4: acronyms as
# written, tags reaching their vocabulary topic; 5: short aliases exactly as written, no phrases
# from code or an author archive's byline
IMPORT_RULES = "5"
# A file that creates or changes more than ANALYZE_BASE posts plus ANALYZE_SHARE of those the
# database held refreshes the planner's statistics, as autovacuum's defaults would (50, 10%).
ANALYZE_BASE, ANALYZE_SHARE = 50, 0.1


def import_digest(vocabulary: list[VocabularyTopic]) -> str:
    """What besides a file's bytes decides what its import writes: the vocabulary and the rules."""
    h = hashlib.sha256(f"rules {IMPORT_RULES}\n".encode())
    for entry in vocabulary:
        h.update(repr((entry.name, entry.description, entry.aliases, entry.context)).encode())
    return h.hexdigest()


def file_checksum(path: Path) -> str:
    """SHA-256 of the file's bytes, as `LineReader.checksum` computes it while parsing."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                h.update(chunk)
    except OSError as exc:
        raise ArchiveError(path, f"cannot read: {exc.strerror or exc}") from None
    return h.hexdigest()


def unchanged_since_last_import(path: Path, digest: str) -> FileResult | None:
    """The result of a file whose last completed import saw the same bytes under the same
    vocabulary and rules, or None when it must be imported."""
    archive = Archive.objects.filter(name=path.name, rules_digest=digest).first()
    if archive is None or not archive.checksum or file_checksum(path) != archive.checksum:
        return None
    return FileResult(
        name=path.name,
        header=archive.header,
        posts=archive.imported_posts,
        unchanged=archive.imported_posts,
        duplicates=archive.imported_duplicates,
        skipped=True,
    )


# --- The import ------------------------------------------------------------------------------


def import_archive(
    path: Path,
    *,
    vocabulary: list[VocabularyTopic],
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    force: bool = False,
) -> FileResult:
    """Import one archive file in one transaction. Raises `ArchiveError` (nothing written).

    A file unchanged since its last import is skipped (`FileResult.skipped`) unless `force`."""
    path = Path(path)
    digest = import_digest(vocabulary)
    if not force and (skipped := unchanged_since_last_import(path, digest)):
        return skipped
    with transaction.atomic():
        # An import can be run again at no cost, so it need not wait at commit for its write-
        # ahead log to reach the disk (PostgreSQL's own guarantee stays: a crash loses at most
        # the last moment's commits, never consistency). At 20,000 posts the wait was a fifth
        # of the import's time.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            # Foreign keys are checked as each statement ends, in the writer's thread beside the
            # parsing (see `Writer`), instead of all at once at commit: for 2 million tag rows
            # that tail was a sixth of the import.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # Bodies, their HTML and search vectors are compressed as they are stored: lz4
            # (where the server has it) does that in a fraction of the default pglz's time.
            cursor.execute(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
                " WHERE name = 'default_toast_compression'"
            )
            if (row := cursor.fetchone()) and row[0]:
                cursor.execute("SET LOCAL default_toast_compression TO lz4")
        # The vocabulary's topics are written in the file's transaction: a file that fails
        # leaves no topic behind, and the summary counts only what committed.
        vocabulary_created = sync_vocabulary(vocabulary)
        kind = archive_format(path)
        progress = progress or _no_progress
        if kind == "listing":
            result = import_listing(
                path, vocabulary=vocabulary, batch_size=batch_size, progress=progress, digest=digest
            )
        else:
            result = import_records(
                path, kind, vocabulary=vocabulary, batch_size=batch_size, progress=progress,
                checksum=file_checksum(path), digest=digest,
            )  # fmt: skip
        result.topics_created += vocabulary_created
        Archive.objects.filter(name=path.name).update(
            rules_digest=digest, imported_posts=result.posts, imported_duplicates=result.duplicates
        )
        retagged = refresh_topic_figures()  # any file read may tag a known post
        result.notes.extend(
            f"“{title}” has {topics} topics: its first {PAIR_TOPICS} count towards related topics"
            for title, topics in crowded_posts(path.name)
        )
        if result.created or result.updated or result.topics_created or result.mentions or retagged:
            # Once the file commits, the pages of the posts and topics it changed are stale
            # (every page when it only gave known posts topics: which ones, it cannot say).
            rewrote = result.created or result.updated
            archive_changed(keys_changed_in_this_transaction() if rewrote else None)
    if not connection.in_atomic_block and result.created + result.updated > ANALYZE_BASE:
        held = Post.objects.count() - result.created
        if result.created + result.updated > ANALYZE_BASE + ANALYZE_SHARE * held:
            _analyze()
    return result


def _no_progress(stage: str, done: int, total: int | None) -> None:
    pass


def archive_format(path: Path) -> str:
    """ "listing" for text, else the XML format `detect` finds. Text files keep the listing
    parser's own messages (empty, binary, not UTF-8), which name the line."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(PROLOG_BYTES)
    except OSError as exc:
        raise ArchiveError(path, f"cannot open: {exc.strerror or exc}") from None
    if not head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
        return "listing"
    try:
        return detect(head)
    except ReaderError as exc:
        raise ArchiveError(path, exc.message, exc.line, exc.column) from None


def _analyze() -> None:
    """Refresh the planner's statistics of the tables an import fills. Without them, a new
    site's first pages after a big import are planned from default guesses (autovacuum may be
    off, or not have come round yet)."""
    with connection.cursor() as cursor:
        for model in (Post, TaggedPost, Post.archives.through, Post.mentions.through):
            cursor.execute(f"ANALYZE {table(model)}")
