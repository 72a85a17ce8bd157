"""A canonical dump of the archive in the database: what two imports must agree on exactly.

Posts (slug, title, key, checksum, published, excerpt flag, topics, mentioned posts, archive
files), topics (name, slug, source, description, aliases) and archive files (name, checksum),
each sorted, without ids or timestamps, which differ between equal imports.

`python -m tests.drills.dump` prints the dump of the database in DATABASE_URL as JSON, for a
database the test process is not connected to.
"""

import json
from collections import defaultdict


def canonical_dump() -> dict:
    from posts.models import Archive, Post, TaggedPost, Topic

    topics_of = defaultdict(list)
    for post_id, name in TaggedPost.objects.values_list("content_object_id", "tag__name"):
        topics_of[post_id].append(name)
    mentions_of = defaultdict(list)
    for post_id, slug in Post.mentions.through.objects.values_list("from_post_id", "to_post__slug"):
        mentions_of[post_id].append(slug)
    archives_of = defaultdict(list)
    for post_id, name in Post.archives.through.objects.values_list("post_id", "archive__name"):
        archives_of[post_id].append(name)
    posts = [
        [
            slug,
            title,
            key,
            checksum,
            published.isoformat() if published else None,
            is_excerpt,
            sorted(topics_of[pk]),
            sorted(mentions_of[pk]),
            sorted(archives_of[pk]),
        ]
        for pk, slug, title, key, checksum, published, is_excerpt in Post.objects.order_by(
            "slug"
        ).values_list("pk", "slug", "title", "key", "checksum", "published", "is_excerpt")
    ]
    topics = [
        [name, slug, source, description, sorted(aliases)]
        for name, slug, source, description, aliases in Topic.objects.order_by("slug").values_list(
            "name", "slug", "source", "description", "aliases"
        )
    ]
    archives = list(map(list, Archive.objects.order_by("name").values_list("name", "checksum")))
    return {"posts": posts, "topics": topics, "archives": archives}


def summary(dump: dict) -> str:
    return ", ".join(f"{len(rows):,} {name}" for name, rows in dump.items())


def first_difference(left: dict, right: dict) -> str:
    """Where two dumps part, for a failure message that says more than "not equal"."""
    for name in left.keys() | right.keys():
        a, b = left.get(name, []), right.get(name, [])
        if len(a) != len(b):
            return f"{name}: {len(a):,} rows against {len(b):,}"
        for row_a, row_b in zip(a, b, strict=True):
            if row_a != row_b:
                return f"{name}: {row_a!r} against {row_b!r}"
    return "no difference"


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigsoc.settings")
    django.setup()
    print(json.dumps(canonical_dump()))
