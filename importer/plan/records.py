"""The first two phases of loading an export or feed (importer.record_import): `scan` the
file and `plan` the load, with what they learn about each post kept in scratch tables
(importer.plan.scratch), never in memory: the importer's memory stays flat however many
posts the file holds.

1. `scan(path, kind, ...)`: read the file once (streaming) and COPY a row per record (its place
   in the file, identity, title, folded key, checksum, topic names) and one per address another
   post may use for it. A file that does not parse fails here, before anything is written.
2. `plan(scan, ...)`: copy in what the database holds of its posts, then decide in SQL which
   post each record is (by guid, then permalink, then, for a post a text listing brought in,
   its folded title); claim ids, keys and slugs for new ones a chunk at a time; build the link
   map (every address of every post -> its id and page). Memory keeps only the title index for
   mentions (`PhraseMatcher`) and the topics.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from core.text import fold
from importer.errors import Progress
from importer.plan import Plan
from importer.plan.scratch import Scratch, signed, unsigned
from importer.plan.slugs import claim_slug, own_slug_base, post_slug_base, slug_candidates
from importer.prepare.records import (
    TITLE_MAX,
    fingerprint,
    identity_of,
    mining_text,
    people_of,
    short_title,
    topic_names,
)
from importer.readers import ArchiveSource, open_records
from importer.readers.links import link_key, link_keys
from importer.topic_book import TopicBook
from importer.topics import (
    AliasIndex,
    PhraseMatcher,
    PhraseMiner,
    VocabularyTopic,
    title_tokens,
    topic_key,
    vocabulary_matcher,
)
from importer.write.writer import reserve_post_ids
from posts.models import Post, Topic

KEY_MAX = 500
PLAN_CHUNK = 5000  # new posts per round of slug and key checks
COPY_ROWS = 2000  # records held before they are copied to the scratch tables


def short_checksum(hex_digest: str) -> bytes:
    return bytes.fromhex(hex_digest)[:16]


@dataclass
class Scan:
    """What the scan keeps in memory: the blog, the topic names and the mined phrases. The
    records are in the scratch tables."""

    source: ArchiveSource
    records: int
    name_sets: list[tuple[str, ...]]
    phrases: list[str]
    skipped: int
    posts: int = 0  # distinct posts (the last copy of each wins), counted by `plan`
    shortened: int = 0  # records whose title was over TITLE_MAX (prepare.records.short_title)

    @property
    def duplicates(self) -> int:
        return self.records - self.posts


def scan(
    path: Path,
    kind: str,
    vocabulary: list[VocabularyTopic],
    progress: Progress,
    scratch: Scratch,
) -> Scan:
    """Phase 1: read the file once; copy a row per record and per address to `scratch`; keep
    the topic names and mined phrases."""
    miner = PhraseMiner(exclude=vocabulary_matcher(vocabulary))
    name_index: dict[tuple[str, ...], int] = {}
    records: list[tuple] = []
    addresses: list[tuple] = []
    seq = count = shortened = 0
    size = path.stat().st_size

    def flush() -> None:
        scratch.copy(
            "records", "ordinal, identity, title, key, checksum, names, slug, legacy", records
        )
        scratch.copy("addresses", "seq, address, identity", addresses)
        records.clear()
        addresses.clear()

    with open(path, "rb") as stream:
        reader = open_records(stream, kind)
        for ordinal, post in enumerate(reader):
            identity = signed(identity_of(post))
            names = name_index.setdefault(topic_names(post), len(name_index))
            title = short_title(post.title)
            if len(post.title) > TITLE_MAX:
                shortened += 1
            key = fold(title)[:KEY_MAX]
            checksum = short_checksum(post.checksum())
            records.append(
                (ordinal, identity, title, key, checksum, names, post.slug, legacy_identity(post))
            )
            for address in link_keys(post, reader.source.link):
                seq += 1
                addresses.append((seq, signed(fingerprint(address)), identity))
            miner.feed(mining_text(post), people_of(post))
            count = ordinal + 1
            if len(records) == COPY_ROWS:
                flush()
            if ordinal % 500 == 499:
                progress("scan bytes", reader.bytes_read, size)
    flush()
    return Scan(
        reader.source, count, list(name_index), miner.phrases(), reader.skipped,
        shortened=shortened,
    )  # fmt: skip


def _copy_held(scratch: Scratch, matcher: PhraseMatcher) -> None:
    """The posts the database holds, into `held` and `held_links`; their titles to `matcher`."""
    held: list[tuple] = []
    links: list[tuple] = []
    seq = 0

    def flush() -> None:
        scratch.copy("held", "pk, slug, checksum, guid, permalink, key, seq, legacy", held)
        scratch.copy("held_links", "seq, address, pk", links)
        held.clear()
        links.clear()

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, key, slug, guid, permalink, checksum, title FROM {_table()}")
        while rows := cursor.fetchmany(5000):
            for pk, key, slug, guid, permalink, checksum, title in rows:
                seq += 1
                held.append((
                    pk, slug, short_checksum(checksum) if checksum else b"",
                    signed(fingerprint(guid)) if guid else None,
                    signed(fingerprint(permalink)) if permalink else None,
                    None if guid or permalink else key, seq, not is_scoped(guid),
                ))  # fmt: skip
                for i, address in enumerate((guid, permalink)):
                    if address and (k := link_key(address)):
                        links.append((2 * seq + i, signed(fingerprint(k)), pk))
                if toks := title_tokens(title):
                    matcher.add(toks, pk)
            flush()


def _table() -> str:
    return connection.ops.quote_name(Post._meta.db_table)


def is_scoped(guid: str | None) -> bool:
    """Whether a held post's stored identity is scoped to its blog and post ID (ArchivePost.
    identity); a post imported before identities were scoped holds its bare guid."""
    return bool(guid) and ("#wp=" in guid or "#blog=" in guid)


def legacy_identity(post) -> int | None:
    """The identity an unscoped import gave this post (its bare guid, else permalink), when it
    differs from the scoped one: how a post imported before scoping is found again."""
    base = post.guid or post.permalink
    if not base or base == post.identity:
        return None
    return signed(fingerprint(base))


# Which held post each record is: by guid or permalink (the first post holding it); else, for a
# post imported before identities were scoped, by its bare guid or permalink (one record each:
# the first in the file); else by the folded title of a post with neither (one a text listing
# brought in). The last copy of a record in the file wins.
MATCH = """
CREATE INDEX ON records (identity, ordinal);
CREATE INDEX ON held (key) WHERE key IS NOT NULL;
CREATE INDEX ON held (guid) WHERE legacy;
CREATE INDEX ON held (permalink) WHERE legacy;
ANALYZE records; ANALYZE held;
CREATE TEMPORARY TABLE latest AS
    SELECT DISTINCT ON (identity) * FROM records ORDER BY identity, ordinal DESC;
CREATE TEMPORARY TABLE held_ids AS
    SELECT DISTINCT ON (identity) identity, pk, slug, checksum FROM (
        SELECT guid AS identity, pk, slug, checksum, 2 * seq AS o FROM held
        WHERE guid IS NOT NULL
        UNION ALL
        SELECT permalink, pk, slug, checksum, 2 * seq + 1 FROM held
        WHERE permalink IS NOT NULL
    ) AS a ORDER BY identity, o;
CREATE INDEX ON held_ids (identity);
CREATE INDEX ON latest (ordinal);
ANALYZE latest; ANALYZE held_ids;
INSERT INTO plan (ordinal, identity, pk, state, slug, names, via)
    SELECT l.ordinal, l.identity, m.pk,
        CASE WHEN m.checksum = l.checksum THEN 'u' ELSE 'c' END, m.slug, l.names, m.o
    FROM latest l CROSS JOIN LATERAL (
        SELECT pk, slug, checksum, o FROM (
            SELECT pk, slug, checksum, 1 AS o FROM held_ids h WHERE h.identity = l.identity
            UNION ALL
            SELECT pk, slug, checksum, 2 FROM held h WHERE h.legacy AND h.guid = l.legacy
            UNION ALL
            SELECT pk, slug, checksum, 2 FROM held h WHERE h.legacy AND h.permalink = l.legacy
            UNION ALL
            SELECT pk, slug, checksum, 3 FROM held h WHERE h.key = l.key
        ) AS found ORDER BY o LIMIT 1
    ) AS m;
-- Two posts a cloned site gave one guid were one post before scoping: the first keeps it.
DELETE FROM plan p USING plan q
    WHERE p.via = 2 AND q.pk = p.pk AND (q.via <> 2 OR q.ordinal < p.ordinal);
"""

# Every address of every post -> its id and page; where two posts share one, the first the old
# importer indexed wins: held posts (as read), then the file's (in file order).
LINK_MAP = """
ANALYZE plan;
CREATE TEMPORARY TABLE link_map AS
    SELECT DISTINCT ON (address) address, pk, slug FROM (
        SELECT l.address, l.pk, h.slug, l.seq AS o
        FROM held_links l JOIN held h ON h.pk = l.pk
        UNION ALL
        SELECT a.address, p.pk, p.slug, (1::bigint << 50) + a.seq
        FROM addresses a JOIN plan p ON p.identity = a.identity
    ) AS a ORDER BY address, o;
CREATE UNIQUE INDEX ON link_map (address);
ANALYZE link_map;
"""

FRESH = """
SELECT ordinal, identity, title, key, names, slug FROM latest l
WHERE NOT EXISTS (SELECT FROM plan p WHERE p.ordinal = l.ordinal) ORDER BY ordinal
"""


def plan(
    scan_: Scan, book: TopicBook, vocabulary: list[VocabularyTopic], scratch: Scratch, *,
    same_rules: bool,
) -> Plan:  # fmt: skip
    """Phase 2: which post each record is, new posts' ids, keys and slugs (in the scratch table
    `plan`), the link map (`link_map`), the topics. Reads the database; writes only topics (and
    reserves ids). Unless the file's last import had the `same_rules` (and vocabulary), its
    unchanged posts are read and matched again: their topics may differ now."""
    matcher = PhraseMatcher()
    _copy_held(scratch, matcher)
    scratch.execute(MATCH)
    if not same_rules:
        scratch.execute("UPDATE plan SET state = 't' WHERE state = 'u'")
    scan_.posts = scratch.execute("SELECT count(*) FROM latest")[0][0]
    for chunk in scratch.stream(FRESH, size=PLAN_CHUNK):
        rows = claim(chunk, scratch, matcher, reserve_post_ids)
        scratch.copy("plan", "ordinal, identity, pk, state, key, slug, names", rows)
    return finish_plan(scan_, book, vocabulary, scratch, matcher)


def finish_plan(
    scan_: Scan, book: TopicBook, vocabulary: list[VocabularyTopic], scratch: Scratch,
    matcher: PhraseMatcher,
) -> Plan:  # fmt: skip
    """Once every post of the file has its plan row: the link map, the topics, and the topics'
    phrases in `matcher` beside the titles."""
    scratch.execute(LINK_MAP)
    names = list(dict.fromkeys(n for names in scan_.name_sets for n in names))
    topic_ids = book.categories(names, AliasIndex(vocabulary))
    phrase_ids = book.ensure(scan_.phrases, Topic.Source.PHRASE)
    for entry in vocabulary:
        pk = book.ids.get(topic_key(entry.name))
        if pk is not None:
            for phrase in entry.phrases:
                matcher.add(phrase, f"t{pk}")
    for pk, name in Topic.objects.filter(source=Topic.Source.PHRASE).values_list("pk", "name"):
        matcher.add(name, f"t{pk}")
    for name, pk in phrase_ids.items():
        matcher.add(name, f"t{pk}")
    return Plan(topic_ids, matcher)


def claim(
    chunk: list[tuple], scratch: Scratch, matcher: PhraseMatcher,
    reserve: Callable[[int], list[int]], *, held: bool = True, state: str = "n",
) -> list[tuple]:  # fmt: skip
    """Plan rows for a chunk of new posts (in file order): an id from `reserve`, a key no other
    post has, a free slug. Taken keys and slugs are asked of the plan so far and, when the
    database `held` posts before the import, of the database."""
    # The blog's own slug (wp:post_name) when the record has one, else one from its title.
    bases = [own_slug_base(own) or post_slug_base(fold(title)) for _, _, title, *_, own in chunk]
    wanted = [
        slug
        for (_, identity, *_), base in zip(chunk, bases, strict=True)
        for slug in slug_candidates(base, str(unsigned(identity)))
    ]
    keys = [key for _, _, _, key, *_ in chunk]
    slugs_taken: set[str] = set()
    keys_taken: set[str] = set()
    if held:
        # psycopg's own cursor: = ANY(array), not IN (...), and no copy of 15,000 slugs kept in
        # Django's log of queries (with DEBUG on, it keeps the last 9,000 of them).
        with connection.connection.cursor() as cursor:
            cursor.execute(f"SELECT slug FROM {_table()} WHERE slug = ANY(%s)", [wanted])
            slugs_taken.update(s for (s,) in cursor.fetchall())
            cursor.execute(f"SELECT key FROM {_table()} WHERE key = ANY(%s)", [keys])
            keys_taken.update(k for (k,) in cursor.fetchall())
    slugs_taken.update(s for (s,) in scratch.execute(_TAKEN.format("slug"), [wanted]))
    keys_taken.update(k for (k,) in scratch.execute(_TAKEN.format("key"), [keys]))
    rows = []
    for (ordinal, identity, title, key, names, _), base, pk in zip(
        chunk, bases, reserve(len(chunk)), strict=True
    ):
        fp = unsigned(identity)
        if key in keys_taken:  # another post has this title: told apart by its identity
            key = f"{key[: KEY_MAX - 20]} #{fp:016x}"
        keys_taken.add(key)
        slug = claim_slug(base, str(fp), slugs_taken)
        rows.append((ordinal, identity, pk, state, key, slug, names))
        if toks := title_tokens(title):
            matcher.add(toks, pk)
    return rows


_TAKEN = "SELECT {0} FROM plan WHERE {0} = ANY(%s)"
