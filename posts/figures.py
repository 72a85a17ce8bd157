"""Kept figures: what a topic page shows about the whole topic, computed once per import.

A topic page shows the topic's size, the topics sharing its posts (most shared first) and its
posts per month. Computed when asked, the biggest topic's take over a second at 100,000 posts
(docs/performance.md), paid by the first reader after every import. Instead the
importer calls `refresh_topic_figures()` at the end of every file it reads (an unchanged file is
skipped unread), in the file's transaction, and the page reads a few rows (`topic_figures`).
Even a file that changes no post and creates no topic can give a known post one more topic, so
the importer does not try to tell; the refresh is a small part of an import.
The topic list, the home page and the map read the kept sizes and pairs too
(`TopicQuerySet.with_post_counts`, `posts.maps.queries.shared_post_counts`).

The rows are `TopicSize` (every topic, zero included), `TopicPair` (two topics sharing posts,
both ways round) and `TopicMonth`. A `TopicSize` row says its topic's figures are current; a
topic without one is computed live, as before (posts.pages). Writes outside the importer (the
admin, the shell: the ORM) call `forget_topic_figures()` through posts.signals: it deletes the
sizes in the writing transaction, so no reader is ever shown figures older than the posts, and
refreshes once that transaction commits. Rows made with `bulk_create`, which sends no signal,
are the one way round this (tests build archives so, before any import).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce, Lower

from posts.models import Archive, Post, TaggedPost, Topic, TopicMonth, TopicPair, TopicSize

# The topics of one post that count towards topic pairs: its first ones, in the order it was
# given them. Pairs grow with the square of a post's topics (2,000 tags on one post made four
# million pair rows); capped, a post costs at most PAIR_TOPICS**2 / 2 whatever it carries.
# Its size and months still count every topic. Real posts carry ~20.
PAIR_TOPICS = 100

# Any fixed number: two refreshes at once (two imports) take turns instead of both deleting and
# then colliding on the unique pairs.
_LOCK = 7_316_240_501


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _refresh_sql() -> str:
    """One statement that fills the three tables from the tag rows.

    Counting shared posts by joining the tag rows to themselves on the post makes ~k²/2 rows a
    post for its k topics: 22 million at 100,000 posts of ~21 topics. So the posts are
    first folded into 64-post bitmaps, one row per (topic, block of 64 post ids) whose posts it
    has; two topics then share, in a block, the set bits of their AND. That self-join is over
    ~47,000 rows, not 2 million (timings: docs/performance.md). The months use the same bitmaps
    against each block's posts of each month.

    Pairs read `pair_blocks`: the same bitmaps, except in the blocks of a post with more than
    PAIR_TOPICS topics, which are made again from the tag rows with that post's first
    PAIR_TOPICS only (an index range scan of those blocks; none when no post is crowded).
    """
    tagged, post = _table(TaggedPost), _table(Post)
    bits = "bit_count(({})::bit(64))"
    return f"""
    WITH blocks AS MATERIALIZED (
        SELECT tag_id, content_object_id >> 6 AS block,
               bit_or(1::bigint << (content_object_id & 63)::int) AS mask
        FROM {tagged} GROUP BY tag_id, block
    ), sizes AS (
        INSERT INTO {_table(TopicSize)} (topic_id, posts)
        SELECT t.id, COALESCE(s.posts, 0) FROM {_table(Topic)} t LEFT JOIN (
            SELECT tag_id, SUM({bits.format("mask")}) AS posts FROM blocks GROUP BY tag_id
        ) s ON s.tag_id = t.id
    ), dated AS MATERIALIZED (
        SELECT id >> 6 AS block, date_trunc('month', published::timestamp)::date AS month,
               bit_or(1::bigint << (id & 63)::int) AS mask
        FROM {post} WHERE published IS NOT NULL GROUP BY block, month
    ), months AS (
        INSERT INTO {_table(TopicMonth)} (topic_id, month, posts)
        SELECT b.tag_id, d.month, SUM({bits.format("b.mask & d.mask")})
        FROM blocks b JOIN dated d ON d.block = b.block
        GROUP BY b.tag_id, d.month HAVING SUM({bits.format("b.mask & d.mask")}) > 0
    ), crowded AS MATERIALIZED (
        SELECT content_object_id AS post FROM {tagged}
        GROUP BY content_object_id HAVING count(*) > {PAIR_TOPICS}
    ), crowded_blocks AS MATERIALIZED (
        SELECT DISTINCT post >> 6 AS block FROM crowded
    ), pair_blocks AS MATERIALIZED (
        SELECT tag_id, block, mask FROM blocks
        WHERE block NOT IN (SELECT block FROM crowded_blocks)
        UNION ALL
        SELECT tag_id, post >> 6, bit_or(1::bigint << (post & 63)::int) FROM (
            SELECT t.tag_id, t.content_object_id AS post,
                   row_number() OVER (PARTITION BY t.content_object_id ORDER BY t.id) AS place
            FROM crowded_blocks c JOIN {tagged} t
              ON t.content_object_id BETWEEN c.block << 6 AND (c.block << 6) + 63
        ) placed WHERE place <= {PAIR_TOPICS} GROUP BY tag_id, post >> 6
    ), pairs AS MATERIALIZED (
        SELECT a.tag_id AS a, b.tag_id AS b, SUM({bits.format("a.mask & b.mask")}) AS shared
        FROM pair_blocks a JOIN pair_blocks b ON b.block = a.block AND b.tag_id > a.tag_id
        GROUP BY a.tag_id, b.tag_id
    )
    INSERT INTO {_table(TopicPair)} (topic_id, other_id, shared)
    SELECT a, b, shared FROM pairs WHERE shared > 0
    UNION ALL SELECT b, a, shared FROM pairs WHERE shared > 0
    """


def refresh_topic_figures() -> bool:
    """Compute every topic's kept figures afresh from the tag rows, in the current transaction
    (the importer's: readers see the new figures exactly when they see the new posts).

    True when a topic's size changed: a file that changed no post may still have given known
    posts a topic, and then the pages kept for the archive are stale (the importer says so)."""
    sizes = (
        "SELECT md5(string_agg(topic_id || ':' || posts, ',' ORDER BY topic_id))"
        f" FROM {_table(TopicSize)}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        cursor.execute(sizes)
        (before,) = cursor.fetchone()
        for model in (TopicPair, TopicMonth, TopicSize):
            cursor.execute(f"DELETE FROM {_table(model)}")
        cursor.execute(_refresh_sql())
        cursor.execute(sizes)
        (after,) = cursor.fetchone()
    return before != after


def _refresh_if_forgotten() -> None:
    # One ORM edit sends a signal per row it writes (a post with 20 topics: 20), each asking
    # for a refresh at commit: the first one does it, the others find the sizes there.
    with transaction.atomic():
        if not TopicSize.objects.exists():
            refresh_topic_figures()


def forget_topic_figures() -> None:
    """The archive changed outside the importer: topic pages compute their figures live from
    now on in this transaction, and the kept ones are made again once it commits."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(TopicSize)}")
    # robust: the edit has committed; a failed refresh leaves the pages computing live.
    transaction.on_commit(_refresh_if_forgotten, robust=True)


def crowded_posts(archive_name: str, limit: int = 20) -> list[tuple[str, int]]:
    """(title, topics) of the archive's posts with more than PAIR_TOPICS topics, for the import's
    notes: only their first PAIR_TOPICS count towards the topics sharing posts."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT p.title, count(*) FROM {_table(Archive)} a
            JOIN {_table(Post.archives.through)} pa ON pa.archive_id = a.id
            JOIN {_table(TaggedPost)} t ON t.content_object_id = pa.post_id
            JOIN {_table(Post)} p ON p.id = pa.post_id
            WHERE a.name = %s GROUP BY p.id, p.title HAVING count(*) > %s
            ORDER BY p.id LIMIT %s
            """,
            [archive_name, PAIR_TOPICS, limit],
        )
        return cursor.fetchall()


def topic_size(topic: Topic) -> tuple[int, bool]:
    """(posts in the topic, whether its figures are kept) in one query: the kept size when
    there is one, else the posts counted (`with_post_counts`)."""
    posts, kept = (
        Topic.objects.filter(pk=topic.pk)
        .with_post_counts()
        .values_list("post_count", "kept_size__posts")
        .get()
    )
    return posts, kept is not None


def topic_figures(topic: Topic, related: int) -> tuple[int, list[Topic], list]:
    """(posts, the `related` topics sharing most posts, (month, posts) oldest first): three
    queries, over the kept rows when they are current, else over the posts.

    The related topics come as `Topic.objects.related_to` gives them: each with `shared` and
    its own `post_count`, most shared first, then A–Z.
    """
    total, kept = topic_size(topic)
    if not kept:
        others = Topic.objects.related_to(topic, limit=related)
        return total, others, list(Post.objects.for_topic(topic).per_month())
    pairs = (
        TopicPair.objects.filter(topic=topic)
        .select_related("other")
        .annotate(other_posts=Coalesce("other__kept_size__posts", Value(0)))
        .order_by("-shared", Lower("other__name"), "other__name")[:related]
    )
    others = []
    for pair in pairs:
        other = pair.other
        other.shared, other.post_count = pair.shared, pair.other_posts
        others.append(other)
    months = TopicMonth.objects.filter(topic=topic).order_by("month")
    return total, others, list(months.values_list("month", "posts"))
