"""Load `ArchivePost` records (WordPress exports, RSS and Atom feeds) into the database.

The loader does not care which reader the records came from. Three phases pass values, not
object state:

1. `scan(path, kind)`: read the file once (streaming), keep a few facts per post (`Seen`) and the
   blog's name and address. A file that does not parse fails here, before anything is written.
2. `plan(seen, ...)`: read what the database holds, decide which post each record is (by guid,
   then permalink, then, for a post a text listing brought in, its folded title), claim slugs
   and keys for new ones, and build the link map (every address of every post -> its page).
3. `load(path, kind, plan, ...)`: have the new and changed posts read again and made safe
   (posts.importer.preparing: posts.importer.wpbody, then core.sanitise; in a process of its
   own for a big file) and write them in batches: links to other posts of the archive rewritten
   to their pages here, topics (categories with parents, tags, vocabulary and phrase topics),
   comments, archive links and mentions (those links, and titles named in the text).

Unchanged posts (same checksum) are not written. Runs inside the caller's transaction.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.utils import timezone

from core.text import fold
from posts.importer.load_writer import (
    Writer,
    columns,
    copy_job,
    link_archive_job,
    reserve_post_ids,
    table,
)
from posts.importer.preparing import (
    PreparedPost,
    PreparingProcess,
    fingerprint,
    identity_of,
    plain_text,
    prepared_posts,
)
from posts.importer.readers import ArchiveSource, open_records
from posts.importer.readers.links import link_key, link_keys, old_path
from posts.importer.slugs import claim_slug, post_slug_base, slug_with_hash
from posts.importer.topic_book import TopicBook
from posts.importer.topics import (
    PhraseMatcher,
    PhraseMiner,
    VocabularyTopic,
    title_tokens,
    tokens,
    topic_key,
    vocabulary_matcher,
)
from posts.importer.wpbody import rewrite_links
from posts.models import Comment, Post, TaggedPost, Topic

Progress = Callable[[str, int, int | None], None]
KEY_MAX = 500
PLAN_CHUNK = 20_000  # slugs per query when checking which are taken


def short_checksum(hex_digest: str) -> bytes:
    return bytes.fromhex(hex_digest)[:16]


class Fingerprints:
    """A set of strings held as their 64-bit fingerprints (slugs and keys claimed so far): what
    `claim_slug` needs (`in`, `add`) at a fifth of the memory of the strings."""

    def __init__(self, strings=()):
        self._prints = {fingerprint(s) for s in strings}

    def __contains__(self, text: str) -> bool:
        return fingerprint(text) in self._prints

    def add(self, text: str) -> None:
        self._prints.add(fingerprint(text))


@dataclass
class Scan:
    """What the scan keeps: a few numbers per post in flat arrays, never the posts (a 1 GB
    export holds some 350,000). Indexed by ordinal, the post's place in the file."""

    source: ArchiveSource
    ordinals: dict[int, int]  # identity fingerprint -> ordinal of its last copy in the file
    identities: array  # identity fingerprint by ordinal
    titles: list[str]  # by ordinal; emptied once the plan has used them
    checksums: bytearray  # the first 16 bytes of `ArchivePost.checksum()`, by ordinal
    names: array  # by ordinal: index into `name_sets` (categories and tags)
    name_sets: list[tuple[str, ...]]
    addresses: array  # address fingerprints ...
    owners: array  # ... and the identity fingerprint of the post each one reaches
    duplicates: int
    phrases: list[str]
    skipped: int

    def checksum(self, ordinal: int) -> bytes:
        return bytes(self.checksums[16 * ordinal : 16 * ordinal + 16])


@dataclass
class Plan:
    existing: dict[int, tuple[int, bytes]]  # identity -> (pk, short checksum) of held posts
    new: dict[int, int]  # identity -> reserved pk of each post to create
    own_keys: dict[int, str]  # identity -> key, for a new post whose title another post has
    slugs: dict[int, str]  # pk -> slug, for every post a link may reach
    link_addresses: array  # sorted address fingerprints ...
    link_pks: array  # ... and the post each reaches
    topic_ids: dict[str, int]
    matcher: PhraseMatcher = field(default_factory=PhraseMatcher)

    def link(self, address: int) -> int | None:
        """The post an address fingerprint reaches, or None."""
        i = bisect_left(self.link_addresses, address)
        if i < len(self.link_addresses) and self.link_addresses[i] == address:
            return self.link_pks[i]
        return None


def scan(path: Path, kind: str, vocabulary: list[VocabularyTopic], progress: Progress) -> Scan:
    """Phase 1: read the file once; keep a few numbers per post, its addresses and the mined
    phrases."""
    miner = PhraseMiner(exclude=vocabulary_matcher(vocabulary))
    ordinals: dict[int, int] = {}
    identities, names, addresses, owners = array("Q"), array("I"), array("Q"), array("Q")
    titles: list[str] = []
    checksums = bytearray()
    name_index: dict[tuple[str, ...], int] = {}
    duplicates = 0
    size = path.stat().st_size
    with open(path, "rb") as stream:
        reader = open_records(stream, kind)
        for ordinal, post in enumerate(reader):
            identity = identity_of(post)
            if identity in ordinals:
                duplicates += 1
            ordinals[identity] = ordinal
            identities.append(identity)
            titles.append(post.title)
            checksums += short_checksum(post.checksum())
            topic_names = tuple(map(sys.intern, (*post.categories, *post.tags)))
            names.append(name_index.setdefault(topic_names, len(name_index)))
            for key in link_keys(post, reader.source.link):
                addresses.append(fingerprint(key))
                owners.append(identity)
            miner.feed(plain_text(post.html))
            if ordinal % 500 == 499:
                progress("scan bytes", reader.bytes_read, size)
    return Scan(
        reader.source, ordinals, identities, titles, checksums, names, list(name_index),
        addresses, owners, duplicates, miner.phrases(), reader.skipped,
    )  # fmt: skip


def plan(scan_: Scan, book: TopicBook, vocabulary: list[VocabularyTopic]) -> Plan:
    """Phase 2: which post each record is, new posts' ids, keys and slugs, the link map, the
    topics. Reads the database; writes only topics (and reserves ids)."""
    by_identity: dict[int, tuple[int, bytes]] = {}
    by_title: dict[str, tuple[int, bytes]] = {}
    keys_taken = Fingerprints()
    addresses, pks = array("Q"), array("Q")
    slugs: dict[int, str] = {}
    matcher = PhraseMatcher()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, key, slug, guid, permalink, checksum, title FROM {Post._meta.db_table}"
        )
        while rows := cursor.fetchmany(5000):
            for pk, key, slug, guid, permalink, checksum, title in rows:
                keys_taken.add(key)
                slugs[pk] = slug
                facts = (pk, short_checksum(checksum) if checksum else b"")
                for address in (guid, permalink):
                    if address:
                        by_identity.setdefault(fingerprint(address), facts)
                        if k := link_key(address):
                            addresses.append(fingerprint(k))
                            pks.append(pk)
                if not guid and not permalink:
                    by_title[key] = facts
                if toks := title_tokens(title):
                    matcher.add(toks, pk)
    existing: dict[int, tuple[int, bytes]] = {}
    fresh: list[int] = []  # ordinals of the posts to create, in file order
    for ordinal, identity in enumerate(scan_.identities):
        if scan_.ordinals[identity] != ordinal:
            continue  # a later copy of this post wins
        title = scan_.titles[ordinal]
        found = by_identity.get(identity) or by_title.get(fold(title)[:KEY_MAX])
        if found:
            existing[identity] = found
        else:
            fresh.append(ordinal)
    del by_identity, by_title
    new: dict[int, int] = {}
    own_keys: dict[int, str] = {}
    slugs_taken = Fingerprints()
    for start in range(0, len(fresh), PLAN_CHUNK):
        chunk = fresh[start : start + PLAN_CHUNK]
        bases = [post_slug_base(fold(scan_.titles[o])) for o in chunk]
        wanted = [
            slug
            for ordinal, base in zip(chunk, bases, strict=True)
            for identity in [str(scan_.identities[ordinal])]
            for slug in (base, slug_with_hash(base, identity), slug_with_hash(base, identity, 16))
        ]
        for slug in Post.objects.filter(slug__in=wanted).values_list("slug", flat=True):
            slugs_taken.add(slug)
        for ordinal, base, pk in zip(chunk, bases, reserve_post_ids(len(chunk)), strict=True):
            identity, title = scan_.identities[ordinal], scan_.titles[ordinal]
            key = fold(title)[:KEY_MAX]
            if key in keys_taken:  # another post has this title: told apart by its identity
                key = own_keys[identity] = f"{key[: KEY_MAX - 20]} #{identity:016x}"
            keys_taken.add(key)
            new[identity] = pk
            slugs[pk] = claim_slug(base, str(identity), slugs_taken)
            if toks := title_tokens(title):
                matcher.add(toks, pk)
    del keys_taken, slugs_taken, fresh
    scan_.titles.clear()  # the plan is made: memory need not hold the titles
    for address, identity in zip(scan_.addresses, scan_.owners, strict=True):
        pk = existing[identity][0] if identity in existing else new.get(identity)
        if pk is not None:
            addresses.append(address)
            pks.append(pk)
    del scan_.addresses[:], scan_.owners[:]
    order = sorted(range(len(addresses)), key=addresses.__getitem__)
    link_addresses = array("Q", (addresses[i] for i in order))
    link_pks = array("Q", (pks[i] for i in order))
    del order, addresses, pks
    names = list(dict.fromkeys(n for names in scan_.name_sets for n in names))
    topic_ids = book.ensure(names, Topic.Source.CATEGORY)
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
    return Plan(
        existing, new, own_keys, slugs, link_addresses, link_pks, topic_ids, matcher
    )  # fmt: skip


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    mentions: int = 0


POST_COLUMNS = [
    "title", "body", "body_html", "published", "is_excerpt", "checksum", "author", "permalink",
    "guid", "old_path", "protected", "updated_at",
]  # fmt: skip
COMMENT_COLUMNS = ["post", "number", "reply_to", "author", "published", "body_html"]


# Exports this big are prepared in a process of their own (posts.importer.preparing); below it,
# starting a process costs more than it saves.
PREPARE_APART_BYTES = 4 << 20


def load(
    path: Path,
    kind: str,
    scan_: Scan,
    plan_: Plan,
    archive_id: int,
    batch_size: int,
    progress: Progress,
) -> Counts:
    """Phase 3: write new and changed posts, a batch at a time, as they come back prepared
    (posts.importer.preparing); the writes run in the writer's thread beside the Python work.
    Unchanged posts are not read again: they are only linked to this archive."""
    counts = Counts()
    # (from, to) pairs as two flat arrays: a 1 GB export makes hundreds of thousands.
    mentions = (array("Q"), array("Q"))
    size = path.stat().st_size
    wanted, unchanged = set(), []
    for identity, ordinal in scan_.ordinals.items():
        held = plan_.existing.get(identity)
        if held is not None and held[1] == scan_.checksum(ordinal):
            unchanged.append(held[0])
        else:
            wanted.add(ordinal)
    counts.unchanged = len(unchanged)
    with Writer() as writer:
        for start in range(0, len(unchanged), 20_000):
            writer.put(link_archive_job(archive_id, unchanged[start : start + 20_000]))
        batch: list[PreparedPost] = []
        for post in _prepared(path, kind, wanted, size, progress):
            batch.append(post)
            if len(batch) >= batch_size:
                _write(batch, scan_, plan_, archive_id, counts, mentions, writer)
                batch = []
        if batch:
            _write(batch, scan_, plan_, archive_id, counts, mentions, writer)
    Mention = Post.mentions.through
    sources, targets = mentions
    insert = (
        f"INSERT INTO {table(Mention)} ({columns(Mention, ['from_post', 'to_post'])}) "
        "SELECT * FROM unnest(%s::bigint[], %s::bigint[]) ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(sources), 5000):
            end = start + 5000
            cursor.execute(insert, [sources[start:end].tolist(), targets[start:end].tolist()])
    counts.mentions = len(sources)
    return counts


def _prepared(path: Path, kind: str, wanted: set[int], size: int, progress: Progress):
    if not wanted:
        return
    if size < PREPARE_APART_BYTES:
        yield from prepared_posts(
            path, kind, wanted, lambda done: progress("load bytes", done, size)
        )
        return
    done = 0
    with PreparingProcess(path, kind, wanted) as preparing:
        for chunk in preparing.chunks():
            yield from chunk
            done += len(chunk)
            # Posts, not bytes, come back: the share of the wanted ones stands in for bytes.
            progress("load bytes", size * done // len(wanted), size)


def _write(batch, scan_, plan_: Plan, archive_id: int, counts: Counts, mentions, writer) -> None:
    """Rows for a batch of prepared posts, built here; their writing handed to the writer."""
    now = timezone.now()
    new_rows, changed_rows, changed, created, linked, comments, tags = [], [], [], [], [], [], []
    for post in batch:
        identity = post.identity
        if scan_.ordinals[identity] != post.ordinal:
            continue  # a later copy of this post in the same file wins
        targets: list[int] = []
        body_html, _ = rewrite_links(post.html, _resolver(plan_, post.permalink, targets))
        values = (
            post.title[:500], post.text, body_html, post.day, False, post.checksum,
            post.author[:200], post.permalink[:1000], post.guid[:1000],
            old_path(post.permalink), post.protected, now,
        )  # fmt: skip
        if identity in plan_.existing:
            pk = plan_.existing[identity][0]
            changed_rows.append((*values, pk))
            changed.append(pk)
            linked.append(pk)
        else:
            pk = plan_.new[identity]
            key = plan_.own_keys.get(identity) or fold(post.title)[:KEY_MAX]
            new_rows.append((pk, plan_.slugs[pk], key, now, *values))
            created.append(pk)
        names = scan_.name_sets[scan_.names[post.ordinal]]
        topic_ids = {plan_.topic_ids[n] for n in names if n in plan_.topic_ids}
        for found in plan_.matcher.find(tokens(post.title + "\n" + post.text)):
            if isinstance(found, str):
                topic_ids.add(int(found[1:]))
            elif found != pk:
                targets.append(found)
        for to in sorted(set(targets) - {pk}):  # each post it names or links, once
            mentions[0].append(pk)
            mentions[1].append(to)
        tags.extend((pk, t) for t in sorted(topic_ids))
        comments.extend((pk, *row) for row in post.comments)
    counts.created += len(created)
    counts.updated += len(changed)
    writer.put(copy_job(Post, ["id", "slug", "key", "created_at", *POST_COLUMNS], new_rows))
    if changed:
        writer.put(_update_job(changed_rows, changed))
    writer.put(copy_job(TaggedPost, ["content_object", "tag"], tags))
    writer.put(copy_job(Comment, COMMENT_COLUMNS, comments))
    Link = Post.archives.through
    writer.put(copy_job(Link, ["post", "archive"], [(pk, archive_id) for pk in created]))
    if linked:
        writer.put(link_archive_job(archive_id, linked))


def _update_job(rows: list[tuple], pks: list[int]) -> Callable:
    """A writer job: changed posts updated in place; their tags, comments and the mentions they
    made go, to be written again from the new text."""
    sets = ", ".join(f"{columns(Post, [f])} = %s" for f in POST_COLUMNS)
    update = f"UPDATE {table(Post)} SET {sets} WHERE id = %s"
    Mention = Post.mentions.through
    forget = [
        f"DELETE FROM {table(model)} WHERE {columns(model, [field])} = ANY(%s)"
        for model, field in (
            (TaggedPost, "content_object"),
            (Comment, "post"),
            (Mention, "from_post"),
        )
    ]

    def job(cursor) -> None:
        cursor.executemany(update, rows)
        for sql in forget:
            cursor.execute(sql, [pks])

    return job


def _resolver(plan_: Plan, base: str, targets: list[int]) -> Callable[[str], str | None]:
    """`resolve(href)` for `prepare_body`: the local page of a post of the archive (noting its
    id in `targets`, a post-to-post mention), or None for any other link."""

    def resolve(href: str) -> str | None:
        key = link_key(href, base)
        pk = plan_.link(fingerprint(key)) if key else None
        if pk is None:
            return None
        targets.append(pk)
        return f"/posts/{plan_.slugs[pk]}/"

    return resolve


def import_records(
    path: Path, kind: str, *, vocabulary, batch_size: int, progress: Progress, result, checksum: str
):
    """Import one export or feed inside the caller's transaction; fills `result` (FileResult)."""
    from posts.models import Archive

    scanned = scan(path, kind, vocabulary, progress)
    book = TopicBook()
    planned = plan(scanned, book, vocabulary)
    archive, _ = Archive.objects.get_or_create(name=path.name)
    archive.kind = kind
    archive.title = scanned.source.title
    archive.link = scanned.source.link
    archive.header = scanned.source.title[:500]
    archive.checksum = checksum
    archive.imported_at = timezone.now()
    archive.save()
    counts = load(path, kind, scanned, planned, archive.pk, batch_size, progress)
    result.posts = len(scanned.ordinals)
    result.duplicates = scanned.duplicates
    result.created, result.updated = counts.created, counts.updated
    result.unchanged, result.mentions = counts.unchanged, counts.mentions
    result.topics_created += book.created
    result.header = scanned.source.title
    return result
