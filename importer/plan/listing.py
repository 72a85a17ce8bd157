"""A listing's first two stages (importer.listing_import runs the third, the load): `scan` the
file once (parsing it, in a process of its own when it is big), then `plan`: the topics, the
posts already in the database, and the plan the load follows. Each hands the next an immutable
record (`Scanned`, `Planned`); the helpers are functions of values.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import connection
from django.utils import timezone

from importer.errors import ArchiveError
from importer.plan import Plan
from importer.plan.slugs import claim_slug, post_slug_base, slug_candidates
from importer.prepare.listing import (
    ParsedHere,
    ParsingFailed,
    ParsingProcess,
    PostFacts,
    prepared,
)
from importer.readers.listing_parser import ArchiveHeader
from importer.topic_book import TopicBook, preferred_name
from importer.topics import (
    AliasIndex,
    PhraseMatcher,
    PhraseMiner,
    VocabularyTopic,
    title_tokens,
    topic_key,
    vocabulary_matcher,
)
from importer.write.records import POST_COLUMNS, post_values
from importer.write.writer import Writer, copy_job, reserve_post_ids, table
from posts.models import Archive, Post, Topic

# Files this big are parsed in a process of their own beside the rest of the first pass (see
# importer.prepare.listing); below it, starting a process costs more than it saves.
PARSE_APART_BYTES = 4 << 20

HEADER_TOPIC_KINDS = {"search", "tag", "category"}
# Slugs per query when the import checks which of its new posts' slugs are taken.
PLAN_CHUNK = 20_000


def archive_header(header: ArchiveHeader | None) -> str:
    return (header.text if header else "")[:500]


@dataclass(slots=True)  # one per post of the file: slots keep 100,000 of them small
class Winner:
    ordinal: int
    score: int
    checksum: str
    categories: tuple[str, ...]


def header_topic(
    book: TopicBook, header: ArchiveHeader | None, winners: dict[str, Winner]
) -> int | None:
    """The topic the archive's header names (a search, tag or category page), if any."""
    if header is None or header.kind not in HEADER_TOPIC_KINDS:
        return None
    # The header's phrase reaches a topic; it never names one when the archive's own
    # categories spell it ("Localism Bill", not the header's "localism bill").
    name = preferred_name(header.phrase, (c for w in winners.values() for c in w.categories))
    return book.ensure([name], Topic.Source.ARCHIVE).get(name)


def add_topic_phrases(
    matcher: PhraseMatcher,
    book: TopicBook,
    vocabulary: list[VocabularyTopic],
    phrase_ids: dict[str, int],
) -> set[int]:
    """Vocabulary names and aliases and every phrase topic join the title index, so one
    pass over a post finds both its topics (int ids) and the posts it names (str keys).
    Returns the ids of the topics it added."""
    topic_ids: set[int] = set()
    for entry in vocabulary:
        pk = book.ids.get(topic_key(entry.name))
        if pk is not None:
            for phrase in entry.phrases:
                matcher.add(phrase, pk)
                topic_ids.add(pk)
    for pk, name in Topic.objects.filter(source=Topic.Source.PHRASE).values_list("pk", "name"):
        matcher.add(name, pk)
        topic_ids.add(pk)
    for name, pk in phrase_ids.items():  # a phrase may have matched an older topic
        matcher.add(name, pk)
        topic_ids.add(pk)
    return topic_ids


def read_posts(
    winners: dict[str, Winner], matcher: PhraseMatcher
) -> tuple[set[str], dict[str, tuple[int, str]]]:
    """One pass over the posts already in the database. Their titles join the title index,
    as this file's posts can mention them too. Returns the keys of this file that are not
    in the database yet, and (pk, checksum) by key of those that are."""
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
                    matcher.add(toks, key)
    return new_keys, existing


def archive_row(path: Path, header: ArchiveHeader | None, checksum: str) -> Archive:
    """The file's Archive row, its header and checksum brought up to date."""
    archive, created = Archive.objects.get_or_create(name=path.name)
    if created or archive.checksum != checksum:
        archive.header = archive_header(header)
        archive.checksum = checksum
        archive.imported_at = timezone.now()
        archive.save()
    return archive


def make_plan(
    winners: dict[str, Winner],
    existing: dict[str, tuple[int, str]],
    written: dict[str, int],
    *,
    archive: Archive,
    news: PhraseMatcher | None,
    book: TopicBook,
    matcher: PhraseMatcher,
    aliases: AliasIndex,
) -> Plan:
    """What the load pass needs to know, read from the database before it starts."""
    quiet: set[str] = set()
    if news is not None and existing:
        ArchiveLink = Post.archives.through
        linked = set(
            ArchiveLink.objects.filter(archive_id=archive.pk).values_list("post_id", flat=True)
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
    loud_categories = (c for key, w in winners.items() if key not in quiet for c in w.categories)
    return Plan(
        topic_ids=book.categories(list(dict.fromkeys(loud_categories)), aliases),
        matcher=matcher,
        existing=existing,
        quiet=quiet,
        new_posts=zip(new, reserve_post_ids(len(new)), post_slugs(new), strict=True),
        written=written,
    )


def post_slugs(keys: list[str]) -> list[str]:
    """Slugs from the folded title; a clash with another title gets a hash of its key."""
    bases = {key: post_slug_base(key) for key in keys}
    wanted = list({slug for k, b in bases.items() for slug in slug_candidates(b, k)})
    taken: set[str] = set()
    for start in range(0, len(wanted), PLAN_CHUNK):
        taken.update(
            Post.objects.filter(slug__in=wanted[start : start + PLAN_CHUNK]).values_list(
                "slug", flat=True
            )
        )
    return [claim_slug(bases[key], key, taken) for key in keys]


# --- the scan stage -------------------------------------------------------------------------------


def first_row(ordinal: int, post: PostFacts, slug: str, now) -> tuple:
    """The row of a first import's post (slug, key, created_at, then POST_COLUMNS, as every
    route writes them), written as the scan first meets it (importer.write.first_import)."""
    row = prepared(
        ordinal, title=post.title, text=post.body, html=post.html,
        day=date.fromordinal(post.published) if post.published else None,
        is_excerpt=post.is_excerpt, checksum=post.checksum, categories=post.categories,
    )  # fmt: skip
    return (slug, post.key, now, *post_values(row, row.html, now))


@dataclass(frozen=True)
class Scanned:
    """What the scan learned of the file; its parsed posts wait in the spool."""

    header: ArchiveHeader | None
    checksum: str  # of the file's bytes, as read
    winners: dict[str, Winner]  # the copy of each folded title that wins
    matcher: PhraseMatcher  # the file's titles (the plan adds topics and older titles)
    phrases: list[str]  # recurring named phrases, for phrase topics
    duplicates: int
    # A first import's scan wrote each post as it first met it: `bulk`. A later, typographic
    # twin then rewrites its post in the load (`rewrite`, by key).
    bulk: bool
    rewrite: set[str]


def scan(path, encoding, spooled, bulk, vocabulary, batch_size, progress) -> Scanned:
    """Parse the file once, keeping small per-title facts in memory and the parsed posts in
    the spool, so the load neither parses again nor holds the archive in memory."""
    miner = PhraseMiner(exclude=vocabulary_matcher(vocabulary))
    winners: dict[str, Winner] = {}
    matcher = PhraseMatcher()
    rewrite: set[str] = set()
    duplicates = 0
    rows: list[tuple] = []  # a first import's posts not yet handed to the writer
    slugs_taken: set[str] = set()  # by them (slugs: `plan.listing.post_slugs`)

    with Writer() if bulk else nullcontext() as writer:

        def write_rows() -> None:
            nonlocal rows
            if rows:
                writer.put(copy_job(Post, ["slug", "key", "created_at", *POST_COLUMNS], rows))
                rows = []

        def note(ordinal: int, post: PostFacts) -> None:
            nonlocal duplicates
            key, score = post.key, post.score
            winner = winners.get(key)
            if winner is None:
                winners[key] = Winner(ordinal, score, post.checksum, post.categories)
                miner.feed(post.body)
                if toks := title_tokens(post.title):
                    matcher.add(toks, key)
                if bulk:
                    slug = claim_slug(post_slug_base(key), key, slugs_taken)
                    rows.append(first_row(ordinal, post, slug, timezone.now()))
            else:
                duplicates += 1
                if score > winner.score:  # of two twins, the typographic title wins
                    winner.ordinal, winner.score = ordinal, score
                    winner.checksum, winner.categories = post.checksum, post.categories
                    if bulk:
                        rewrite.add(key)
            if (ordinal + 1) % batch_size == 0:
                write_rows()
                progress("scan", ordinal + 1, None)

        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # opening it says what is wrong
        Parsing = ParsingProcess if size >= PARSE_APART_BYTES else ParsedHere
        header, checksum = _parse(Parsing, path, encoding, spooled, bulk, note)
        write_rows()
    if header is not None and header.kind == "author":  # "Author archives: Hua Liang"
        miner.add_people([header.phrase])
    return Scanned(header, checksum, winners, matcher, miner.phrases(), duplicates, bulk, rewrite)


def _parse(
    Parsing: type[ParsedHere | ParsingProcess], path, encoding, spooled, bulk,
    note: Callable[[int, PostFacts], None],
) -> tuple[ArchiveHeader | None, str]:  # fmt: skip
    """Parse the file (in a process of its own for a big file, see `importer.prepare.listing`):
    each run of its posts' records to the spool as it comes, each post's facts to `note`."""
    ordinal = 0
    try:
        with Parsing(path, render=bulk, encoding=encoding) as parsing:
            for records, facts in parsing.chunks():
                spooled.write(records)
                for post in facts:
                    note(ordinal, post)
                    ordinal += 1
    except ParsingFailed as exc:
        if exc.kind in ("parse", "encoding"):
            raise ArchiveError(
                path, exc.message, exc.line, not_utf8=exc.kind == "encoding"
            ) from None
        verb = "cannot open" if exc.kind == "open" else "cannot read"
        raise ArchiveError(path, f"{verb}: {exc.message}") from None
    return parsing.header, parsing.checksum


# --- the plan stage -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """What the load needs besides the scan: the plan and the topics of the file."""

    plan: Plan
    archive_id: int
    header_topic: int | None  # the topic the archive's header names
    topic_ids: set[int]  # the topics among the matcher's targets
    # Phrases and titles that are new since this file's last import. When the rules and the
    # header are as then, a post it already held with the same text has all its tags and
    # mentions but these, so it is matched against this small index only (None: match all).
    news: PhraseMatcher | None
    skip: set[str]  # quiet posts with nothing to do (no news): not read again
    topics_created: int


def plan(path: Path, scanned: Scanned, vocabulary, digest: str) -> Planned:
    """Topics, the posts already held and the plan, read from the database."""
    book = TopicBook()
    header_topic_id = header_topic(book, scanned.header, scanned.winners)
    # A mined phrase joins the index as a topic of its own, or as an older topic of any kind
    # that shares its name; only the phrase topics that are not new were there.
    phrase_topics = set(
        Topic.objects.filter(source=Topic.Source.PHRASE).values_list("pk", flat=True)
    )
    phrase_ids = book.ensure(scanned.phrases, Topic.Source.PHRASE)
    topic_ids = add_topic_phrases(scanned.matcher, book, vocabulary, phrase_ids)
    new_keys, existing = read_posts(scanned.winners, scanned.matcher)
    written: dict[str, int] = {}
    if scanned.bulk:  # every post in the database is one the scan wrote
        written = {key: pk for key, (pk, _) in existing.items()}
        existing = {}
    news = None
    prior = Archive.objects.filter(name=path.name).first()
    if (
        prior is not None
        and prior.rules_digest == digest
        and prior.header == archive_header(scanned.header)
    ):
        news = PhraseMatcher()
        for name, pk in phrase_ids.items():
            if pk not in phrase_topics:
                news.add(name, pk)
        for key in new_keys:
            news.add(title_tokens(key), key)
    archive = archive_row(path, scanned.header, scanned.checksum)
    plan_ = make_plan(
        scanned.winners, existing, written, archive=archive, news=news, book=book,
        matcher=scanned.matcher, aliases=AliasIndex(vocabulary),
    )  # fmt: skip
    # A quiet post has nothing to do when no phrase or title is new: it is not read.
    skip = plan_.quiet if news is None or not news.size else set()
    return Planned(plan_, archive.pk, header_topic_id, topic_ids, news, skip, book.created)
