"""The pictures of the topic network, from the database: the topic map, a topic's neighbourhood
and its posts per month.

The drawing is pure code (posts/maps/topicmap.py, posts/maps/timeline.py); this module fetches
the numbers in a fixed number of aggregate queries, turns them into `Node`s and `Edge`s, and
memoises in the Django cache the two costly steps: the shared-post counts (keyed by a digest of
the topic links) and the drawing (keyed by its input). Every key is derived from the data, so a
cached value is always the one that would be computed. The functions return SVG markup, escaped
where it holds data, and marked safe.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.cache import cache
from django.db import connection
from django.utils.safestring import SafeString, mark_safe

from core.cache import for_archive
from posts.maps import forcelayout, svg, timeline, topicmap
from posts.maps.topicmap import Edge, Node
from posts.models import TaggedPost, Topic, TopicPair, TopicSize

# At 50 topics the map is still legible on a laptop screen (tests/posts/test_topicmap.py checks
# labels and circles stay clear of each other); more would need a bigger picture.
MAP_TOPICS = 50
MAP_WIDTH = 960
MAP_HEIGHT = 680
# Phones get a map of their own, laid out for a narrow screen (a 390 px phone shows 358 px of
# content, so labels stay 12 px) and taller, rather than the wide one shrunk or slid sideways:
# every label shows whole. topicmap.css shows one of the two.
NARROW_MAP_WIDTH = 360
NARROW_MAP_HEIGHT = 840
# The sidebar of a topic page is 18rem (288 px) wide: drawn at that size, labels stay 12 px.
NEIGHBOURHOOD_WIDTH = 288
# Up to this tall for a full neighbourhood; a topic with few neighbours gets a shorter picture
# instead of a tall empty box.
NEIGHBOURHOOD_HEIGHT = 360
NEIGHBOURHOOD_BASE_HEIGHT = 120
NEIGHBOURHOOD_HEIGHT_PER_TOPIC = 24
TIMELINE_WIDTH = 600
# A few months draw as a few bars: the picture is cut to them (plus room for the axis labels)
# rather than drawn full width and shrunk on a phone to fit its empty half.
TIMELINE_MIN_WIDTH = 200
TIMELINE_HEIGHT = 120
# Entries are keyed by their input data, so they never go stale; the timeout only frees space.
CACHE_SECONDS = 24 * 60 * 60


def _code_version() -> str:
    # Part of every cache key, so a deploy that changes the drawing code draws afresh instead of
    # serving the old picture for a day.
    digest = hashlib.sha256()
    for module in (topicmap, forcelayout, svg):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


def shared_post_counts(topic_ids: list[int]) -> list[tuple[int, int, int]]:
    """(topic id, other topic id, posts they share) for each pair among `topic_ids` that shares
    at least one post, the smaller id first. One query: the pairs the importer keeps
    (posts.figures) when every one of these topics has its figures kept, else a self-join of the
    topic links on the post, grouped by the pair of topics (slow at 100,000 posts: PostgreSQL
    runs it only when the kept pairs will not do)."""
    if len(topic_ids) < 2:
        return []
    tagged = connection.ops.quote_name(TaggedPost._meta.db_table)
    sizes = connection.ops.quote_name(TopicSize._meta.db_table)
    pairs = connection.ops.quote_name(TopicPair._meta.db_table)
    # COUNT(*) counts posts: a post carries a topic at most once (unique_post_topic). Only the
    # quoted table names are formatted in; the ids go as parameters.
    sql = (
        f"WITH kept AS (SELECT COUNT(*) = %(n)s AS all_kept FROM {sizes}"
        " WHERE topic_id = ANY(%(ids)s))"
        f" SELECT topic_id, other_id, shared FROM {pairs}"
        " WHERE topic_id = ANY(%(ids)s) AND other_id = ANY(%(ids)s) AND topic_id < other_id"
        " AND (SELECT all_kept FROM kept)"
        f" UNION ALL SELECT a.tag_id, b.tag_id, COUNT(*) FROM {tagged} a"
        f" JOIN {tagged} b ON b.content_object_id = a.content_object_id AND a.tag_id < b.tag_id"
        " WHERE a.tag_id = ANY(%(ids)s) AND b.tag_id = ANY(%(ids)s)"
        " AND NOT (SELECT all_kept FROM kept)"
        " GROUP BY a.tag_id, b.tag_id"
    )
    ids = sorted(set(topic_ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"n": len(ids), "ids": ids})
        return [(a, b, count) for a, b, count in cursor.fetchall()]


def cached_shared_post_counts(topic_ids: list[int]) -> list[tuple[int, int, int]]:
    """`shared_post_counts(topic_ids)`, kept until the archive changes (imports and archive edits
    call `archive_changed`, see core.cache): the self-join is the costliest query a topic page
    runs."""
    if len(topic_ids) < 2:
        return []
    ids = sorted(topic_ids)
    return for_archive(_cache_key("topicpairs", ids), lambda: shared_post_counts(ids))


def _cache_key(kind: str, *data) -> str:
    return f"{kind}:" + hashlib.sha256(repr(data).encode("utf-8")).hexdigest()


def _node(topic: Topic, posts: int) -> Node:
    return Node(key=topic.slug, label=topic.name, weight=posts, url=topic.get_absolute_url())


def _edges(topics: list[Topic]) -> list[Edge]:
    slugs = {topic.pk: topic.slug for topic in topics}
    return [Edge(slugs[a], slugs[b], n) for a, b, n in cached_shared_post_counts(list(slugs))]


def cached_map_svg(nodes: list[Node], edges: list[Edge], **options) -> SafeString:
    """`render_map_svg(nodes, edges, **options)`, from the cache when the same data was drawn
    before. The key is a hash of everything the picture depends on, so a hit is always right."""
    key = _cache_key(
        "topicmap",
        CODE_VERSION,
        sorted(nodes, key=lambda n: n.key),
        sorted(edges, key=lambda e: (e.a, e.b)),
        sorted(options.items()),
    )
    drawn = cache.get(key)
    if drawn is None:
        drawn = topicmap.render_map_svg(nodes, edges, **options)
        cache.set(key, drawn, CACHE_SECONDS)
    # posts/maps/topicmap.py escapes every label and link it writes.
    return mark_safe(drawn)


@dataclass(frozen=True)
class TopicMap:
    svg: SafeString  # "" when no topic has posts
    narrow_svg: SafeString  # the same topics laid out for a phone
    topics: list[Topic]  # the topics drawn, most posts first, each with `post_count`
    topics_with_posts: int  # how many topics have posts at all; more than drawn when capped

    @property
    def is_capped(self) -> bool:
        return self.topics_with_posts > len(self.topics)


def topic_map(limit: int = MAP_TOPICS) -> TopicMap:
    """The `limit` busiest topics as a network. Three queries at most, whatever the archive."""
    topics = list(Topic.objects.busiest()[:limit])
    total = len(topics)
    if total == limit:
        total = Topic.objects.with_post_counts().filter(post_count__gt=0).count()
    if not topics:
        return TopicMap(svg=mark_safe(""), narrow_svg=mark_safe(""), topics=[], topics_with_posts=0)
    nodes = [_node(topic, topic.post_count) for topic in topics]
    edges = _edges(topics)
    drawn = {
        size: cached_map_svg(
            nodes,
            edges,
            width=width,
            height=height,
            title="Topic map",
            links_per_topic=topicmap.LINKS_PER_TOPIC,
        )
        for size, (width, height) in {
            "wide": (MAP_WIDTH, MAP_HEIGHT),
            "narrow": (NARROW_MAP_WIDTH, NARROW_MAP_HEIGHT),
        }.items()
    }
    return TopicMap(
        svg=drawn["wide"], narrow_svg=drawn["narrow"], topics=topics, topics_with_posts=total
    )


def neighbourhood_svg(topic: Topic, post_total: int, related: list[Topic]) -> SafeString:
    """`topic` in the middle of the topics it shares posts with (`related`, each with `shared`
    and `post_count`, from `Topic.objects.related_to`), with the links among them too. One
    query; "" when no topic shares a post with this one."""
    if not related:
        return mark_safe("")
    members = [topic, *related]
    nodes = [_node(topic, post_total)] + [_node(other, other.post_count) for other in related]
    nodes, edges = topicmap.neighbourhood(topic.slug, nodes, _edges(members), limit=len(related))
    return cached_map_svg(
        nodes,
        edges,
        width=NEIGHBOURHOOD_WIDTH,
        height=min(
            NEIGHBOURHOOD_HEIGHT,
            NEIGHBOURHOOD_BASE_HEIGHT + NEIGHBOURHOOD_HEIGHT_PER_TOPIC * len(nodes),
        ),
        highlight=topic.slug,
        title=f"{topic.name} and the topics sharing its posts",
    )


def timeline_svg(topic: Topic, months: list[tuple[date, int]]) -> SafeString:
    """Posts of `topic` per month (from `Post.objects.for_topic(topic).per_month()`) as a bar
    chart; "" when none of them has a date."""
    if not months:
        return mark_safe("")
    (first, _), (last, _) = min(months), max(months)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    needed = timeline.LEFT + timeline.RIGHT + span * timeline.MAX_BAND
    drawn = timeline.render_timeline_svg(
        months,
        width=round(min(TIMELINE_WIDTH, max(TIMELINE_MIN_WIDTH, needed))),
        height=TIMELINE_HEIGHT,
        title=f"Posts about {topic.name} per month",
    )
    # posts/maps/timeline.py escapes the title and writes only numbers and month names besides.
    return mark_safe(drawn)
