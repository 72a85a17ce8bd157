"""Mentions: posts that name or link another post, written once every post of the file exists.

`insert_mentions` writes (from, to) pairs for every import; a listing names posts by title, so
`link_mentions` first finds them by key (see importer.listing_import)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from django.db import connection

from importer.topics import PhraseMatcher, title_tokens, tokens
from importer.write.writer import columns, table
from posts.models import Post

# Mentions per INSERT: each statement's two arrays stay small, whatever the file's count.
MENTION_CHUNK = 5000


def insert_mentions(cursor, sources: Sequence[int], targets: Sequence[int]) -> None:
    """Each post of `sources` mentions the post at the same place in `targets` (a mention
    already there is kept). Lists or flat arrays (`array("Q")`), written in chunks."""
    Through = Post.mentions.through
    # Plain SQL with two arrays: model instances for bulk_create cost more than the rows.
    sql = (
        f"INSERT INTO {table(Through)} ({columns(Through, ['from_post', 'to_post'])}) "
        "SELECT * FROM unnest(%s::bigint[], %s::bigint[]) ON CONFLICT DO NOTHING"
    )
    for start in range(0, len(sources), MENTION_CHUNK):
        end = start + MENTION_CHUNK
        cursor.execute(sql, [list(sources[start:end]), list(targets[start:end])])


def link_mentions(pairs: list[tuple[int, str]]) -> int:
    """Resolve mentioned titles (post id, key named) to posts and link them, in chunks.
    Returns how many links it made."""
    linked = 0
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), MENTION_CHUNK):
            chunk = pairs[start : start + MENTION_CHUNK]
            cursor.execute(
                f"SELECT key, id FROM {table(Post)} WHERE key = ANY(%s)",
                [list({k for _, k in chunk})],
            )
            key_ids = dict(cursor.fetchall())
            rows = [(src, key_ids[k]) for src, k in chunk if k in key_ids]
            if rows:
                sources, targets = zip(*rows, strict=True)
                insert_mentions(cursor, sources, targets)
            linked += len(rows)
    return linked


def incoming_mention_pairs(created_keys: list[str], file_keys: Collection[str]) -> list:
    """(post id, key named) of posts from other archives that name a title this file brought
    in for the first time (`created_keys`; `file_keys`: every post of the file)."""
    if not created_keys:
        return []
    # Counting is cheap; an anti-join on the fresh archive links is not.
    if Post.objects.count() <= len(file_keys):
        return []
    matcher = PhraseMatcher()
    for key in created_keys:
        toks = title_tokens(key)
        if toks:
            matcher.add(toks, key)
    pairs = []
    rows = Post.objects.values_list("pk", "key", "title", "body").iterator(chunk_size=2000)
    for pk, key, title, body in rows:
        if key not in file_keys:  # this file's own posts were matched in the load pass
            pairs.extend((pk, k) for k in matcher.find(tokens(title + "\n" + body)))
    return pairs
