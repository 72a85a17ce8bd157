"""A text listing's import: scan, then plan, then load (see importer.pipeline for the whole).

1. scan: parse every post (in a process of its own for a big file), note which copy of each
   title wins (the typographic one), count recurring named phrases, and index titles for
   mentions; the parsed posts wait in a spool file. A first import into an empty database
   writes each post as the scan meets it.
2. set-up (importer.plan.listing): topics, the posts already held, the plan.
3. load: read the spool and upsert the winning copies in batches through the `Writer`; tag
   them; then link mentions (importer.write.mentions).
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from importer.errors import ArchiveError, FileResult, Progress
from importer.plan import Plan
from importer.plan.listing import (
    Winner,
    add_topic_phrases,
    archive_header,
    archive_row,
    header_topic,
    make_plan,
    read_posts,
)
from importer.plan.slugs import claim_slug, post_slug_base
from importer.prepare import spool
from importer.prepare.listing import ParsingFailed, ParsingProcess, PostFacts, post_facts
from importer.readers.listing_parser import (
    ArchiveHeader,
    ArchiveParser,
    LineReader,
    NotUTF8,
    ParsedPost,
    ParseError,
    legacy_encoding,
)
from importer.topic_book import TopicBook
from importer.topics import (
    PhraseMatcher,
    PhraseMiner,
    title_tokens,
    tokens,
    vocabulary_matcher,
)
from importer.write.first_import import first_import_mode
from importer.write.listing import (
    POST_COPY_FIELDS,
    first_row,
    new_row,
    retag_job,
    update_posts_job,
    update_row,
)
from importer.write.mentions import incoming_mention_pairs, link_mentions
from importer.write.writer import Writer, copy_job, link_archive_job
from posts.models import Archive, Post, TaggedPost, Topic

# Files this big are parsed in a process of their own beside the rest of the first pass (see
# importer.prepare.listing); below it, starting a process costs more than it saves.
PARSE_APART_BYTES = 4 << 20


def import_listing(
    path: Path, *, vocabulary, batch_size: int, progress: Progress, digest: str
) -> FileResult:
    """Import one text listing inside the caller's transaction (importer.pipeline): in UTF-8,
    or in Windows-1252 or Latin-1 when its bytes say so unambiguously (with a note); refused
    with the reason when they do not."""
    try:
        with transaction.atomic():  # a savepoint: a file found not to be UTF-8 is read again
            return ListingImport(path, vocabulary, batch_size, progress, digest).run()
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
    result = ListingImport(path, vocabulary, batch_size, progress, digest, codec).run()
    result.notes.append(f"decoded as {name}")
    return result


class ListingImport:
    """One text listing's import: `ListingImport(path, ...).run()` inside the file's transaction."""

    def __init__(self, path, vocabulary, batch_size, progress, digest, encoding="utf-8"):
        self.path = path
        self.encoding = encoding
        self.digest = digest
        self.vocabulary = vocabulary
        self.batch_size = max(1, batch_size)
        self.progress = progress or (lambda stage, done, total: None)
        self.result = FileResult(name=path.name)
        self.winners: dict[str, Winner] = {}
        self.matcher = PhraseMatcher()
        self.topic_ids: set[int] = set()  # the topics among the matcher's targets
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
            self.bulk = stack.enter_context(first_import_mode())
            with Writer() if self.bulk else nullcontext() as writer:
                header, checksum, phrases = self._scan(spooled, writer)
            self.slugs_taken.clear()
            book = TopicBook()
            self.header_topic = header_topic(book, header, self.winners)
            # A mined phrase joins the index as a topic of its own, or as an older topic of any
            # kind that shares its name; only the phrase topics that are not new were there.
            phrase_topics = set(
                Topic.objects.filter(source=Topic.Source.PHRASE).values_list("pk", flat=True)
            )
            phrase_ids = book.ensure(phrases, Topic.Source.PHRASE)
            self.topic_ids = add_topic_phrases(self.matcher, book, self.vocabulary, phrase_ids)
            new_keys, existing = read_posts(self.winners, self.matcher)
            written: dict[str, int] = {}
            if self.bulk:  # every post in the database is one the scan wrote
                written = {key: pk for key, (pk, _) in existing.items()}
                existing = {}
            prior = Archive.objects.filter(name=self.path.name).first()
            if (
                prior is not None
                and prior.rules_digest == self.digest
                and prior.header == archive_header(header)
            ):
                self.news = PhraseMatcher()
                for name, pk in phrase_ids.items():
                    if pk not in phrase_topics:
                        self.news.add(name, pk)
                for key in new_keys:
                    self.news.add(title_tokens(key), key)
            self.archive = archive_row(self.path, header, checksum)
            plan = make_plan(
                self.winners, existing, written, archive=self.archive, news=self.news, book=book,
                matcher=self.matcher,
            )  # fmt: skip
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

        self.result.mentions += link_mentions(self.mention_pairs)
        incoming = incoming_mention_pairs(self.created_keys, self.winners)
        self.result.mentions += link_mentions(incoming)
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
        `importer.prepare.listing`): its records go to the spool as they come."""
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
            self.winners[key] = Winner(ordinal, score, post.checksum, post.categories)
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
        """A bulk import's post, as the scan first meets it (slugs: `plan.listing.post_slugs`)."""
        slug = claim_slug(post_slug_base(post.key), post.key, self.slugs_taken)
        self.scan_rows.append(first_row(post, slug, timezone.now()))

    def _write_scanned(self, writer: Writer | None) -> None:
        if self.scan_rows:
            writer.put(copy_job(Post, [*POST_COPY_FIELDS], self.scan_rows))
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

    # -- pass 2 --

    def _flush(self, batch: list[ParsedPost], plan: Plan, writer: Writer) -> None:
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
                changed_rows.append(update_row(parsed, checksum, now, pk))
            elif key in plan.written:
                pk = ids[key] = plan.written[key]
                created.append(pk)
                self.created_keys.append(key)
                if key in self.rewrite:  # a twin that came later won: its text, not the first's
                    changed_rows.append(update_row(parsed, checksum, now, pk))
            else:
                planned_key, pk, slug = next(plan.new_posts)
                assert planned_key == key, "posts to create come in load order"
                ids[key] = pk
                new_rows.append(new_row(parsed, pk, slug, checksum, now))
                self.created_keys.append(key)
                created.append(pk)
        self.result.created += len(created)
        self.result.updated += len(changed_ids)

        ArchiveLink = Post.archives.through
        writer.put(copy_job(Post, ["id", *POST_COPY_FIELDS], new_rows))
        if changed_rows:
            writer.put(update_posts_job(changed_rows, changed_ids))
        writer.put(
            copy_job(ArchiveLink, ["post_id", "archive_id"], [(pk, archive_id) for pk in created])
        )
        if linked_existing:
            writer.put(link_archive_job(archive_id, linked_existing))

        found = {}
        quiet, topic_ids = plan.quiet, self.topic_ids
        for p in batch:
            if p.key not in quiet:
                found[p.key] = plan.matcher.find(tokens(p.title + "\n" + p.body))
            elif self.news.size:  # tokenising is most of the cost: only when there is news
                found[p.key] = self.news.find(tokens(p.title + "\n" + p.body))
        # Topics (int ids) apart from titles (str keys) with set operations, in C: a post finds
        # about twenty topics and a title or two.
        topics = {key: targets & topic_ids for key, targets in found.items()}
        self._tag(batch, ids, plan, set(changed_ids), topics, writer)
        for key, targets in found.items():
            targets -= topics[key]
            targets.discard(key)
            self.mention_pairs.extend((ids[key], target) for target in targets)

    def _tag(
        self,
        batch: list[ParsedPost],
        ids: dict[str, int],
        plan: Plan,
        changed_ids: set[int],
        topics: dict[str, set[int]],
        writer: Writer,
    ) -> None:
        """Tag the batch. A quiet post (see `news`) keeps its tags and gains only new topics."""
        new_pairs: list[tuple[int, int]] = []
        wanted: set[tuple[int, int]] = set()
        touched: list[int] = []
        for parsed in batch:
            key = parsed.key
            pk = ids[key]
            topic_ids = topics.get(key, set())
            if key in plan.quiet:
                if not topic_ids:
                    continue
            else:
                topic_ids.update(
                    plan.topic_ids[c] for c in parsed.categories if c in plan.topic_ids
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
            writer.put(retag_job(touched, wanted, changed_ids))
