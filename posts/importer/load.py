"""Load parsed archives into the database: idempotent, batched, one transaction per file.

`import_archive(path, ...)` reads a file twice, streaming both times, so memory holds keys and
titles but never the whole file:

1. scan: parse every post, note which copy of each title wins (the typographic one), count
   recurring named phrases, and index titles for mentions. A file that does not parse fails
   here, before anything is written.
2. load: parse again and upsert the winning copies in batches keyed by `Post.key` (the folded
   title). Unchanged posts (same checksum) are not written, so `updated_at` keeps its value;
   changed posts are updated in place, and their slug never changes. When the file was imported
   before under the same rules and header, a post it held with the same text is not tokenised
   or matched again (it keeps its tags and mentions); it is matched only against phrases and
   titles new since then, and only when there are any.

Everything for one file runs inside one `transaction.atomic()`: a failure anywhere (even an
interrupt half-way through) leaves the database as it was.

A file whose bytes match its Archive row's checksum, recorded by a completed import under the same
vocabulary and import rules (`import_digest`), is skipped without parsing: that import already
wrote everything the file would write.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from core.cache import archive_changed
from posts.figures import refresh_topic_figures
from posts.importer import spool
from posts.importer.load_records import import_records
from posts.importer.load_writer import (
    Writer,
    columns,
    copy_job,
    link_archive_job,
    reserve_post_ids,
    table,
)
from posts.importer.parse import (
    ArchiveHeader,
    ArchiveParser,
    LineReader,
    NotUTF8,
    ParsedPost,
    ParseError,
    legacy_encoding,
)
from posts.importer.parsing import ParsingFailed, ParsingProcess, PostFacts, post_facts
from posts.importer.readers import ReaderError, detect
from posts.importer.readers.xmlstream import PROLOG_BYTES
from posts.importer.render import render_blocks
from posts.importer.slugs import claim_slug, post_slug_base, slug_with_hash
from posts.importer.topic_book import TopicBook, preferred_name, sync_vocabulary
from posts.importer.topics import (
    PhraseMatcher,
    PhraseMiner,
    VocabularyTopic,
    title_tokens,
    tokens,
    topic_key,
    vocabulary_matcher,
)
from posts.models import Archive, Post, TaggedPost, Topic

BATCH_SIZE = 1000
# Part of `import_digest`: bump it when a change to parsing, rendering or matching should make
# the next run re-import files that did not change.
IMPORT_RULES = "1"
HEADER_TOPIC_KINDS = {"search", "tag", "category"}
# A file that creates or changes more than ANALYZE_BASE posts plus ANALYZE_SHARE of those the
# database held refreshes the planner's statistics, as autovacuum's defaults would (50, 10%).
ANALYZE_BASE, ANALYZE_SHARE = 50, 0.1
# Files this big are parsed in a process of their own beside the rest of the first pass (see
# posts.importer.parsing); below it, starting a process costs more than it saves.
PARSE_APART_BYTES = 4 << 20
# Slugs per query when the import checks which of its new posts' slugs are taken.
PLAN_CHUNK = 20_000

# progress(stage, done, total): stage "scan" (total unknown, None) or "load" in posts; "scan
# bytes" or "load bytes" in bytes of the file (exports and feeds).
Progress = Callable[[str, int, int | None], None]


class ArchiveError(Exception):
    """An archive file could not be imported; nothing from it was written."""

    def __init__(
        self,
        path: Path,
        message: str,
        line: int | None = None,
        column: int | None = None,
        *,
        not_utf8: bool = False,
    ):
        self.path, self.message, self.line, self.column = Path(path), message, line, column
        self.not_utf8 = not_utf8  # a text listing whose bytes are not UTF-8
        where = f"{self.path.name}, line {line}" if line else self.path.name
        if line and column:
            where += f", column {column}"
        super().__init__(f"{where}: {message}")


@dataclass
class FileResult:
    name: str
    header: str = ""
    posts: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    topics_created: int = 0
    mentions: int = 0
    skipped: bool = False  # unchanged since its last import: not read, nothing written
    notes: list[str] = field(default_factory=list)  # e.g. "decoded as Windows-1252"


def import_digest(vocabulary: list[VocabularyTopic]) -> str:
    """What besides a file's bytes decides what its import writes: the vocabulary and the rules."""
    h = hashlib.sha256(f"rules {IMPORT_RULES}\n".encode())
    for entry in vocabulary:
        h.update(repr((entry.name, entry.description, entry.aliases)).encode())
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
        # The vocabulary's topics are written in the file's transaction: a file that fails
        # leaves no topic behind, and the summary counts only what committed.
        vocabulary_created = sync_vocabulary(vocabulary)
        kind = archive_format(path)
        if kind == "listing":
            result = _import_listing(path, vocabulary, batch_size, progress, digest)
        else:
            result = FileResult(name=path.name)
            try:
                import_records(
                    path,
                    kind,
                    vocabulary=vocabulary,
                    batch_size=batch_size,
                    progress=progress or (lambda stage, done, total: None),
                    result=result,
                    checksum=file_checksum(path),
                )
            except ReaderError as exc:
                raise ArchiveError(path, exc.message, exc.line, exc.column) from None
            except OSError as exc:
                raise ArchiveError(path, f"cannot read: {exc.strerror or exc}") from None
            Archive.objects.filter(name=path.name).update(
                rules_digest=digest,
                imported_posts=result.posts,
                imported_duplicates=result.duplicates,
            )
        result.topics_created += vocabulary_created
        Archive.objects.filter(name=path.name).update(
            rules_digest=digest, imported_posts=result.posts, imported_duplicates=result.duplicates
        )
        refresh_topic_figures()  # any file read may tag a known post: see posts.figures
        if result.created or result.updated or result.topics_created or result.mentions:
            archive_changed()  # once the file commits, cached pages are stale
    if not connection.in_atomic_block and result.created + result.updated > ANALYZE_BASE:
        held = Post.objects.count() - result.created
        if result.created + result.updated > ANALYZE_BASE + ANALYZE_SHARE * held:
            _analyze()
    return result


def _import_listing(path, vocabulary, batch_size, progress, digest) -> FileResult:
    """A text listing, in UTF-8, or else in Windows-1252 or Latin-1 when its bytes say so
    unambiguously (with a note); refused with the reason when they do not."""
    try:
        with transaction.atomic():  # a savepoint: a file found not to be UTF-8 is read again
            return _FileImport(path, vocabulary, batch_size, progress, digest).run()
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
    result = _FileImport(path, vocabulary, batch_size, progress, digest, codec).run()
    result.notes.append(f"decoded as {name}")
    return result


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


_POST_COPY_FIELDS = (
    "title",
    "slug",
    "key",
    "body",
    "body_html",
    "published",
    "is_excerpt",
    "checksum",
    "created_at",
    "updated_at",
)


def _archive_header(header: ArchiveHeader | None) -> str:
    return (header.text if header else "")[:500]


@dataclass(slots=True)  # one per post of the file: slots keep 100,000 of them small
class _Winner:
    ordinal: int
    score: int
    checksum: str
    categories: tuple[str, ...]


def _update_row(parsed: ParsedPost, checksum: str, now, pk: int) -> tuple:
    """A row for `_update_posts_job`: the post's new text, in the job's column order."""
    return (
        parsed.title,
        parsed.body,
        render_blocks(parsed.blocks),
        parsed.published,
        parsed.is_excerpt,
        checksum,
        now,
        pk,
    )


def _update_posts_job(rows: list[tuple], pks: list[int]) -> Callable:
    """A writer job: update changed posts in place (`rows` end with the pk) and drop the
    mentions they made, which their new text may no longer make."""
    fields = ["title", "body", "body_html", "published", "is_excerpt", "checksum", "updated_at"]
    sets = ", ".join(f"{columns(Post, [f])} = %s" for f in fields)
    update = f"UPDATE {table(Post)} SET {sets} WHERE id = %s"
    Mention = Post.mentions.through
    forget = f"DELETE FROM {table(Mention)} WHERE {columns(Mention, ['from_post'])} = ANY(%s)"

    def job(cursor) -> None:
        cursor.executemany(update, rows)
        cursor.execute(forget, [pks])

    return job


def _retag_job(pks: list[int], wanted: set[tuple[int, int]], changed: set[int]) -> Callable:
    """A writer job: give posts already in the database the (post, topic) pairs `wanted`.
    Tags only go when a post's own text changed, so a post found in two archives keeps the
    header topics of both."""
    tagged = table(TaggedPost)
    post, tag = columns(TaggedPost, ["content_object"]), columns(TaggedPost, ["tag"])
    select = f"SELECT id, {post}, {tag} FROM {tagged} WHERE {post} = ANY(%s)"

    def job(cursor) -> None:
        cursor.execute(select, [pks])
        have = {(post_id, tag_id): pk for pk, post_id, tag_id in cursor.fetchall()}
        stale = [pk for pair, pk in have.items() if pair[0] in changed and pair not in wanted]
        if stale:
            cursor.execute(f"DELETE FROM {tagged} WHERE id = ANY(%s)", [stale])
        # The rows to add are known only once the current tags are read.
        copy_job(TaggedPost, ["content_object", "tag"], sorted(wanted - have.keys()))(cursor)

    return job


# The tables a first import fills with millions of rows, and the foreign keys that PostgreSQL
# otherwise checks one row at a time (2 million tag rows: two lookups each).
def _bulk_tables() -> list[str]:
    return [m._meta.db_table for m in (TaggedPost, Post.archives.through, Post.mentions.through)]


@contextmanager
def _foreign_keys_checked_at_the_end(bulk: bool):
    """When `bulk`, drop the foreign keys of the bulk tables and add them back at the end, which
    checks every row in one join: PostgreSQL's own advice for populating a database.

    Inside the file's transaction, so a failure restores them as they were. Dropping them locks
    those tables and the posts and topics they point to until commit, so readers wait for the
    import: only done for the first import into an empty database, when there is nothing yet
    to read. An error in the check (a row pointing nowhere) fails the import like any other.
    """
    if not bulk:
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid, conname",
            [_bulk_tables()],
        )
        keys = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


@dataclass
class _Plan:
    """What the load pass needs from the database, read once before it starts, so that the pass
    itself only writes (through the `Writer`) and never waits for the database."""

    existing: dict[str, tuple[int, str]]  # key -> (pk, checksum) of this file's posts in the db
    quiet: set[str]  # keys of posts that are matched only against `news` (see _FileImport)
    # (key, reserved pk, slug) of each post to create, in load order: the load pass takes them
    # one by one, so they are not held in a second dict keyed by title.
    new_posts: Iterator[tuple[str, int, str]]
    category_ids: dict[str, int]
    # key -> pk of posts the scan already wrote (a first import into an empty database)
    written: dict[str, int]


class _FileImport:
    def __init__(self, path, vocabulary, batch_size, progress, digest, encoding="utf-8"):
        self.path = path
        self.encoding = encoding
        self.digest = digest
        self.vocabulary = vocabulary
        self.batch_size = max(1, batch_size)
        self.progress = progress or (lambda stage, done, total: None)
        self.result = FileResult(name=path.name)
        self.winners: dict[str, _Winner] = {}
        self.matcher = PhraseMatcher()
        self.created_keys: list[str] = []
        self.mention_pairs: list[tuple[int, str]] = []
        # Phrases and titles that are new since this file's last import. When the rules and the
        # header are as then, a post it already held with the same text has all its tags and
        # mentions but these, so it is matched against this small index only (None: match all).
        self.news: PhraseMatcher | None = None
        # A first import into an empty database writes each post as the scan first meets it,
        # so PostgreSQL's work on the posts (the search vector above all) runs beside the
        # parsing. A later, typographic twin then rewrites its post in the load pass.
        self.bulk = False
        self.scan_rows: list[tuple] = []
        self.slugs_taken: set[str] = set()
        self.rewrite: set[str] = set()

    def run(self) -> FileResult:
        with ExitStack() as stack:
            result = self._run(stack)
        return result

    def _run(self, stack: ExitStack) -> FileResult:
        with tempfile.TemporaryFile(prefix="bigsoc-import-") as spooled:
            # Nothing in the database yet (a new site's first import): write posts during the
            # scan, and check foreign keys once at the end instead of row by row.
            self.bulk = not Post.objects.exists()
            stack.enter_context(_foreign_keys_checked_at_the_end(self.bulk))
            with Writer() if self.bulk else nullcontext() as writer:
                header, checksum, phrases = self._scan(spooled, writer)
            self.slugs_taken.clear()
            book = TopicBook()
            self.book = book
            self.header_topic = self._header_topic(book, header)
            # A mined phrase joins the index as a topic of its own, or as an older topic of any
            # kind that shares its name; only the phrase topics that are not new were there.
            phrase_topics = set(
                Topic.objects.filter(source=Topic.Source.PHRASE).values_list("pk", flat=True)
            )
            phrase_ids = book.ensure(phrases, Topic.Source.PHRASE)
            self._add_topic_phrases(book, phrase_ids)
            new_keys, existing = self._read_posts()
            written: dict[str, int] = {}
            if self.bulk:  # every post in the database is one the scan wrote
                written = {key: pk for key, (pk, _) in existing.items()}
                existing = {}
            prior = Archive.objects.filter(name=self.path.name).first()
            if (
                prior is not None
                and prior.rules_digest == self.digest
                and prior.header == _archive_header(header)
            ):
                self.news = PhraseMatcher()
                for name, pk in phrase_ids.items():
                    if pk not in phrase_topics:
                        self.news.add(name, pk)
                for key in new_keys:
                    self.news.add(title_tokens(key), key)
            self.archive = self._archive(header, checksum)
            plan = self._plan(existing, written)
            del existing, written

            # A quiet post has nothing to do when no phrase or title is new: it is not read.
            skip = plan.quiet if self.news is None or not self.news.size else set()
            self.result.unchanged += len(skip)
            load = {w.ordinal for key, w in self.winners.items() if key not in skip}
            spooled.seek(0)
            batch: list[ParsedPost] = []
            with Writer() as writer:
                writer.mark(len(skip))
                for post in spool.read(spooled, load):
                    batch.append(post)
                    if len(batch) >= self.batch_size:
                        self._flush(batch, plan, writer)
                        writer.mark(len(batch))
                        batch = []
                        # Posts written, not queued: the writer may be a batch or two behind.
                        self.progress("load", writer.written, self.result.posts)
                if batch:
                    self._flush(batch, plan, writer)
                    writer.mark(len(batch))
            self.progress("load", writer.written, self.result.posts)

        self._link_mentions()
        self._link_incoming_mentions()
        self.result.topics_created = book.created
        return self.result

    # -- pass 1 --

    def _scan(self, spooled, writer: Writer | None) -> tuple[ArchiveHeader | None, str, list[str]]:
        """Parse the file once, keeping small per-title facts in memory and the records in a
        spool file, so the load pass neither parses again nor holds the archive in memory."""
        miner = PhraseMiner(exclude=vocabulary_matcher(self.vocabulary))
        try:
            size = self.path.stat().st_size
        except OSError:
            size = 0  # opening it says what is wrong
        if size >= PARSE_APART_BYTES:
            header, checksum = self._scan_parsed_apart(spooled, writer, miner)
        else:
            header, checksum = self._scan_parsed_here(spooled, writer, miner)
        self._write_scanned(writer)
        self.result.posts = len(self.winners)
        self.result.header = header.text if header else ""
        return header, checksum, miner.phrases()

    def _scan_parsed_here(self, spooled, writer, miner) -> tuple[ArchiveHeader | None, str]:
        with self._open() as stream:
            reader = LineReader(stream, self.encoding)
            parser = ArchiveParser(reader)
            try:
                for ordinal, post in enumerate(parser):
                    spool.write(spooled, post)
                    self._scanned(ordinal, post_facts(post, self.bulk), miner, writer)
            except ParseError as exc:
                raise ArchiveError(
                    self.path, exc.message, exc.line, not_utf8=isinstance(exc, NotUTF8)
                ) from None
            except OSError as exc:
                raise ArchiveError(self.path, f"cannot read: {exc.strerror or exc}") from None
        return parser.header, reader.checksum

    def _scan_parsed_apart(self, spooled, writer, miner) -> tuple[ArchiveHeader | None, str]:
        """As `_scan_parsed_here`, with the parsing in a process of its own (see
        `posts.importer.parsing`): its records go to the spool as they come."""
        ordinal = 0
        try:
            with ParsingProcess(self.path, render=self.bulk, encoding=self.encoding) as parsing:
                for records, facts in parsing.chunks():
                    spooled.write(records)
                    for post in facts:
                        self._scanned(ordinal, post, miner, writer)
                        ordinal += 1
        except ParsingFailed as exc:
            if exc.kind in ("parse", "encoding"):
                raise ArchiveError(
                    self.path, exc.message, exc.line, not_utf8=exc.kind == "encoding"
                ) from None
            verb = "cannot open" if exc.kind == "open" else "cannot read"
            raise ArchiveError(self.path, f"{verb}: {exc.message}") from None
        return parsing.header, parsing.checksum

    def _scanned(self, ordinal: int, post: PostFacts, miner: PhraseMiner, writer) -> None:
        self._note_title(ordinal, post, miner)
        if (ordinal + 1) % self.batch_size == 0:
            self._write_scanned(writer)
            self.progress("scan", ordinal + 1, None)

    def _note_title(self, ordinal: int, post: PostFacts, miner: PhraseMiner) -> None:
        key, score = post.key, post.score
        winner = self.winners.get(key)
        if winner is None:
            self.winners[key] = _Winner(ordinal, score, post.checksum, post.categories)
            miner.feed(post.body)
            toks = title_tokens(post.title)
            if toks:
                self.matcher.add(toks, key)
            if self.bulk:
                self._scanned_row(post)
            return
        self.result.duplicates += 1
        if score > winner.score:  # of two twins, the typographic title wins
            winner.ordinal, winner.score = ordinal, score
            winner.checksum, winner.categories = post.checksum, post.categories
            if self.bulk:
                self.rewrite.add(key)

    def _scanned_row(self, post: PostFacts) -> None:
        """A bulk import's post, as the scan first meets it (slug: see `_post_slugs`)."""
        slug = claim_slug(post_slug_base(post.key), post.key, self.slugs_taken)
        now = timezone.now()
        self.scan_rows.append(
            (
                post.title,
                slug,
                post.key,
                post.body,
                post.html,
                date.fromordinal(post.published) if post.published else None,
                post.is_excerpt,
                post.checksum,
                now,
                now,
            )
        )

    def _write_scanned(self, writer: Writer | None) -> None:
        if self.scan_rows:
            writer.put(copy_job(Post, [*_POST_COPY_FIELDS], self.scan_rows))
            self.scan_rows = []

    @contextmanager
    def _open(self):
        try:
            stream = open(self.path, "rb")  # noqa: SIM115 (closed below, errors reported)
        except OSError as exc:
            raise ArchiveError(self.path, f"cannot open: {exc.strerror or exc}") from None
        try:
            yield stream
        finally:
            stream.close()

    # -- set-up between passes --

    def _header_topic(self, book: TopicBook, header: ArchiveHeader | None) -> int | None:
        if header is None or header.kind not in HEADER_TOPIC_KINDS:
            return None
        # The header's phrase reaches a topic; it never names one when the archive's own
        # categories spell it ("Localism Bill", not the header's "localism bill").
        name = preferred_name(
            header.phrase, (c for w in self.winners.values() for c in w.categories)
        )
        return book.ensure([name], Topic.Source.ARCHIVE).get(name)

    def _add_topic_phrases(self, book: TopicBook, phrase_ids: dict[str, int]) -> None:
        """Vocabulary names and aliases and every phrase topic join the title index, so one
        pass over a post finds both its topics (int ids) and the posts it names (str keys)."""
        matcher = self.matcher
        for entry in self.vocabulary:
            pk = book.ids.get(topic_key(entry.name))
            if pk is not None:
                for phrase in entry.phrases:
                    matcher.add(phrase, pk)
        for pk, name in Topic.objects.filter(source=Topic.Source.PHRASE).values_list("pk", "name"):
            matcher.add(name, pk)
        for name, pk in phrase_ids.items():  # a phrase may have matched an older topic
            matcher.add(name, pk)

    def _read_posts(self) -> tuple[set[str], dict[str, tuple[int, str]]]:
        """One pass over the posts already in the database. Their titles join the title index,
        as this file's posts can mention them too. Returns the keys of this file that are not
        in the database yet, and (pk, checksum) by key of those that are."""
        winners = self.winners
        new_keys = set(winners)
        existing: dict[str, tuple[int, str]] = {}
        with connection.cursor() as cursor:
            # A post an export or feed brought in (it has a guid or permalink) holds more than
            # a listing can say: a listing links it, never rewrites it (as if unchanged).
            cursor.execute(
                f"SELECT key, title, id, checksum, guid <> '' OR permalink <> '' FROM {table(Post)}"
            )
            while rows := cursor.fetchmany(5000):
                for key, title, pk, checksum, exported in rows:
                    if key in winners:
                        new_keys.discard(key)
                        existing[key] = (pk, winners[key].checksum if exported else checksum)
                    elif toks := title_tokens(title):
                        self.matcher.add(toks, key)
        return new_keys, existing

    def _archive(self, header: ArchiveHeader | None, checksum: str) -> Archive:
        archive, created = Archive.objects.get_or_create(name=self.path.name)
        if created or archive.checksum != checksum:
            archive.header = _archive_header(header)
            archive.checksum = checksum
            archive.imported_at = timezone.now()
            archive.save()
        return archive

    def _plan(self, existing: dict[str, tuple[int, str]], written: dict[str, int]) -> _Plan:
        winners = self.winners
        quiet: set[str] = set()
        if self.news is not None and existing:
            ArchiveLink = Post.archives.through
            linked = set(
                ArchiveLink.objects.filter(archive_id=self.archive.pk).values_list(
                    "post_id", flat=True
                )
            )
            quiet = {
                key
                for key, (pk, checksum) in existing.items()
                if pk in linked and checksum == winners[key].checksum
            }
        # New posts in load order, which decides who gets a plain slug when two titles clash.
        new = sorted(
            (key for key in winners if key not in existing and key not in written),
            key=lambda k: winners[k].ordinal,
        )
        loud_categories = (
            c for key, w in winners.items() if key not in quiet for c in w.categories
        )
        return _Plan(
            existing=existing,
            quiet=quiet,
            new_posts=zip(new, reserve_post_ids(len(new)), self._post_slugs(new), strict=True),
            category_ids=self.book.ensure(
                list(dict.fromkeys(loud_categories)), Topic.Source.CATEGORY
            ),
            written=written,
        )

    @staticmethod
    def _post_slugs(keys: list[str]) -> list[str]:
        """Slugs from the folded title; a clash with another title gets a hash of its key."""
        bases = {key: post_slug_base(key) for key in keys}
        wanted = list(
            set(bases.values())
            | {slug_with_hash(b, k) for k, b in bases.items()}
            | {slug_with_hash(b, k, 16) for k, b in bases.items()}
        )
        taken: set[str] = set()
        for start in range(0, len(wanted), PLAN_CHUNK):
            taken.update(
                Post.objects.filter(slug__in=wanted[start : start + PLAN_CHUNK]).values_list(
                    "slug", flat=True
                )
            )
        return [claim_slug(bases[key], key, taken) for key in keys]

    # -- pass 2 --

    def _flush(self, batch: list[ParsedPost], plan: _Plan, writer: Writer) -> None:
        """Turn a batch into rows (here, in Python) and hand their writing to the writer."""
        now = timezone.now()
        archive_id = self.archive.pk
        new_rows, changed_rows, ids, changed_ids, linked_existing = [], [], {}, [], []
        created: list[int] = []
        for parsed in batch:
            key = parsed.key
            checksum = self.winners[key].checksum
            if key in plan.existing:
                pk, old_checksum = plan.existing[key]
                ids[key] = pk
                if key not in plan.quiet:
                    linked_existing.append(pk)
                if old_checksum == checksum:
                    self.result.unchanged += 1
                    continue
                changed_ids.append(pk)
                changed_rows.append(_update_row(parsed, checksum, now, pk))
            elif key in plan.written:
                pk = ids[key] = plan.written[key]
                created.append(pk)
                self.created_keys.append(key)
                if key in self.rewrite:  # a twin that came later won: its text, not the first's
                    changed_rows.append(_update_row(parsed, checksum, now, pk))
            else:
                planned_key, pk, slug = next(plan.new_posts)
                assert planned_key == key, "posts to create come in load order"
                ids[key] = pk
                new_rows.append(
                    (
                        pk,
                        parsed.title,
                        slug,
                        key,
                        parsed.body,
                        render_blocks(parsed.blocks),
                        parsed.published,
                        parsed.is_excerpt,
                        checksum,
                        now,
                        now,
                    )
                )
                self.created_keys.append(key)
                created.append(pk)
        self.result.created += len(created)
        self.result.updated += len(changed_ids)

        ArchiveLink = Post.archives.through
        writer.put(copy_job(Post, ["id", *_POST_COPY_FIELDS], new_rows))
        if changed_rows:
            writer.put(_update_posts_job(changed_rows, changed_ids))
        writer.put(
            copy_job(ArchiveLink, ["post_id", "archive_id"], [(pk, archive_id) for pk in created])
        )
        if linked_existing:
            writer.put(link_archive_job(archive_id, linked_existing))

        found = {}
        quiet = plan.quiet
        for p in batch:
            if p.key not in quiet:
                found[p.key] = self.matcher.find(tokens(p.title + "\n" + p.body))
            elif self.news.size:  # tokenising is most of the cost: only when there is news
                found[p.key] = self.news.find(tokens(p.title + "\n" + p.body))
        self._tag(batch, ids, plan, set(changed_ids), found, writer)
        for key, targets in found.items():
            self.mention_pairs.extend(
                (ids[key], target)
                for target in targets
                if isinstance(target, str) and target != key
            )

    def _tag(
        self,
        batch: list[ParsedPost],
        ids: dict[str, int],
        plan: _Plan,
        changed_ids: set[int],
        found: dict[str, set],
        writer: Writer,
    ) -> None:
        """Tag the batch. A quiet post (see `news`) keeps its tags and gains only new topics."""
        new_pairs: list[tuple[int, int]] = []
        wanted: set[tuple[int, int]] = set()
        touched: list[int] = []
        for parsed in batch:
            key = parsed.key
            pk = ids[key]
            topic_ids = {t for t in found.get(key, ()) if isinstance(t, int)}
            if key in plan.quiet:
                if not topic_ids:
                    continue
            else:
                topic_ids.update(
                    plan.category_ids[c] for c in parsed.categories if c in plan.category_ids
                )
                if self.header_topic:
                    topic_ids.add(self.header_topic)
            if key in plan.existing:
                touched.append(pk)
                wanted.update((pk, tid) for tid in topic_ids)
            else:  # a new post has no tags yet
                new_pairs.extend((pk, tid) for tid in topic_ids)
        new_pairs.sort()
        # New rows by construction, so COPY is safe and several times faster than INSERT for
        # the ~10 tags of every post.
        writer.put(copy_job(TaggedPost, ["content_object_id", "tag_id"], new_pairs))
        if touched:
            writer.put(_retag_job(touched, wanted, changed_ids))

    # -- after pass 2 --

    def _link_mentions(self) -> None:
        """Resolve mentioned titles to posts and link them, in chunks."""
        Through = Post.mentions.through
        # Plain SQL with two arrays: model instances for bulk_create cost more than the rows.
        insert = (
            f"INSERT INTO {table(Through)} ({columns(Through, ['from_post', 'to_post'])}) "
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[]) ON CONFLICT DO NOTHING"
        )
        pairs = self.mention_pairs
        with connection.cursor() as cursor:
            for start in range(0, len(pairs), 5000):
                chunk = pairs[start : start + 5000]
                cursor.execute(
                    f"SELECT key, id FROM {table(Post)} WHERE key = ANY(%s)",
                    [list({k for _, k in chunk})],
                )
                key_ids = dict(cursor.fetchall())
                rows = [(src, key_ids[k]) for src, k in chunk if k in key_ids]
                if rows:
                    sources, targets = zip(*rows, strict=True)
                    cursor.execute(insert, [list(sources), list(targets)])
                self.result.mentions += len(rows)

    def _link_incoming_mentions(self) -> None:
        """Posts from other archives that name a title this file brought in for the first time."""
        if not self.created_keys:
            return
        # Counting is cheap; an anti-join on the fresh archive links is not.
        if Post.objects.count() <= len(self.winners):
            return
        matcher = PhraseMatcher()
        for key in self.created_keys:
            toks = title_tokens(key)
            if toks:
                matcher.add(toks, key)
        pairs = []
        rows = Post.objects.values_list("pk", "key", "title", "body").iterator(chunk_size=2000)
        for pk, key, title, body in rows:
            if key not in self.winners:  # this file's own posts were matched in the load pass
                pairs.extend((pk, k) for k in matcher.find(tokens(title + "\n" + body)))
        self.mention_pairs = pairs
        self._link_mentions()
