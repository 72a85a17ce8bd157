"""The topics an import reads and creates, by `topic_key`: the database side of topics.

`sync_vocabulary` keeps the curated vocabulary's topics in step (inside the file's transaction,
so a failed file leaves no topic behind); `TopicBook` finds topics by name or vocabulary alias
and creates missing ones in bulk. A name is created as the archive writes it: an archive's own
capitalisation ("Localism Bill") wins over a listing header's phrase ("localism bill"), which is
only another way to reach the same topic.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.cache import archive_changed
from importer.plan.slugs import claim_slug, slug_with_hash, topic_slug_base
from importer.topics import TOPIC_NAME_MAX, AliasIndex, VocabularyTopic, topic_key
from posts.models import Topic


def sync_vocabulary(vocabulary: list[VocabularyTopic]) -> int:
    """Create the vocabulary's topics (even those no post names yet, so the topic index is
    complete) and keep their description and aliases in step with the file. Returns how many
    topics were created."""
    existing = {topic_key(t.name): t for t in Topic.objects.all()}
    created, changed = [], []
    for entry in vocabulary:
        topic = existing.get(topic_key(entry.name))
        if topic is None:
            created.append(
                Topic(
                    name=entry.name,
                    description=entry.description,
                    aliases=list(entry.aliases),
                    source=Topic.Source.VOCABULARY,
                )
            )
            continue
        wanted = (entry.description, list(entry.aliases), Topic.Source.VOCABULARY)
        if (topic.description, topic.aliases, topic.source) != wanted:
            topic.description, topic.aliases, topic.source = wanted
            changed.append(topic)
    _assign_topic_slugs(created)
    Topic.objects.bulk_create(created)
    Topic.objects.bulk_update(changed, ["description", "aliases", "source"])
    if created or changed:
        archive_changed()
    return len(created)


def _assign_topic_slugs(topics: list[Topic]) -> None:
    bases = [topic_slug_base(t.name) for t in topics]
    wanted = set(bases)
    for topic, base in zip(topics, bases, strict=True):
        wanted |= {slug_with_hash(base, topic.name), slug_with_hash(base, topic.name, 16)}
    taken = set(Topic.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    for topic, base in zip(topics, bases, strict=True):
        topic.slug = claim_slug(base, topic.name, taken)


class TopicBook:
    """Topics by `topic_key` of their names and aliases, creating missing ones in bulk.

    An author's category or tag is a topic under the name the author wrote: a vocabulary alias
    never renames it ("Blog" stays "Blog", "Tweet" is not merged into "Twitter"), it only
    connects it to the vocabulary topic as well (`categories`). Aliases find vocabulary topics
    for everything else (mined phrases, a listing's own words)."""

    def __init__(self):
        self.ids: dict[str, int] = {}
        self.named: dict[str, int] = {}  # by name only
        self.created = 0
        for pk, name, aliases, source in Topic.objects.values_list(
            "pk", "name", "aliases", "source"
        ):
            self.ids.setdefault(topic_key(name), pk)
            self.named.setdefault(topic_key(name), pk)
            if source == Topic.Source.VOCABULARY:
                for alias in aliases:
                    self.ids.setdefault(topic_key(alias), pk)

    def ensure(self, names: list[str], source: str) -> dict[str, int]:
        """Topic ids for `names` (as written), creating the missing ones with `source`. An
        author's categories (`Topic.Source.CATEGORY`) are found by name, never by alias."""
        found = self.named if source == Topic.Source.CATEGORY else self.ids
        missing: dict[str, str] = {}
        for name in names:
            key = topic_key(name)
            if key and key not in found and len(name) <= TOPIC_NAME_MAX:
                missing.setdefault(key, name)
        if missing:
            new = [Topic(name=name, source=source) for name in missing.values()]
            _assign_topic_slugs(new)
            Topic.objects.bulk_create(new)
            for topic in new:
                self.named[topic_key(topic.name)] = topic.pk
                self.ids.setdefault(topic_key(topic.name), topic.pk)
            self.created += len(new)
        return {name: found[topic_key(name)] for name in names if topic_key(name) in found}

    def categories(self, names: list[str], aliases: AliasIndex) -> dict[str, tuple[int, ...]]:
        """The topics of an author's categories and tags: each its own, under the name the
        author wrote, then the vocabulary topic it is an alias of as written ("Tweet": Tweet and
        Twitter; "NCVO": NCVO and Voluntary sector), if any."""
        topics = {}
        for name, pk in self.ensure(names, Topic.Source.CATEGORY).items():
            vocabulary_name = aliases.topic_of(name)
            also = self.named.get(topic_key(vocabulary_name)) if vocabulary_name else None
            topics[name] = (pk,) if also is None or also == pk else (pk, also)
        return topics


def preferred_name(phrase: str, names: Iterable[str]) -> str:
    """The archive's own spelling of `phrase` when one of `names` is the same topic, else it."""
    key = topic_key(phrase)
    return next((n for n in names if topic_key(n) == key), phrase)
