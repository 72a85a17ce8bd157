"""What an archive write changed, as dependency keys for the page cache (core.cache).

The importer writes with COPY and plain SQL, stamping each post it creates or rewrites with
`updated_at` inside its transaction; posts it leaves alone keep their old stamp. So the posts an
import changed are the ones stamped since its transaction began, with the posts they mention
(their "mentioned by" lists), and the topics it changed are theirs. One query, run once a file,
at its end. A file that changed topics without rewriting a post cannot be told this way: its
caller announces every page instead.
"""

from __future__ import annotations

from django.db import connection

from core.cache import MOST_KEYS, post_key_name, topic_key_name
from posts.models import Post, TaggedPost


def keys_changed_in_this_transaction() -> set[str]:
    """The keys of the posts written in the current transaction and of their topics (at most
    `MOST_KEYS` + 1 of them: more say "everything" to core.cache all the same)."""
    post = Post._meta
    tagged = TaggedPost._meta
    mention = Post.mentions.through._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH changed AS (SELECT id FROM {quote(post.db_table)}"
            f" WHERE {quote(post.get_field('updated_at').column)} >= transaction_timestamp()"
            f" LIMIT {MOST_KEYS + 1})"
            " SELECT 'p', id FROM changed"
            f" UNION SELECT 'p', m.{quote(mention.get_field('to_post').column)}"
            f" FROM {quote(mention.db_table)} m"
            f" JOIN changed ON changed.id = m.{quote(mention.get_field('from_post').column)}"
            f" UNION SELECT 't', t.{quote(tagged.get_field('tag').column)}"
            f" FROM {quote(tagged.db_table)} t"
            f" JOIN changed ON changed.id = t.{quote(tagged.get_field('content_object').column)}"
        )
        rows = cursor.fetchall()
    return {post_key_name(pk) if kind == "p" else topic_key_name(pk) for kind, pk in rows}
