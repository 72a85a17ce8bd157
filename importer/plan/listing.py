"""A listing's import between its two passes: the topics, the posts already in the database, and
the plan the load pass follows. Functions of values: the scan's winners and title index in,
what the load pass needs out (see importer.listing_import)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.utils import timezone

from importer.plan import Plan
from importer.plan.slugs import claim_slug, post_slug_base, slug_candidates
from importer.readers.listing_parser import ArchiveHeader
from importer.topic_book import TopicBook, preferred_name
from importer.topics import PhraseMatcher, VocabularyTopic, title_tokens, topic_key
from importer.write.writer import reserve_post_ids, table
from posts.models import Archive, Post, Topic

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
        topic_ids=book.ensure(list(dict.fromkeys(loud_categories)), Topic.Source.CATEGORY),
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
