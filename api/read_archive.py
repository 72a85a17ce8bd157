"""Reading the archive: posts (filtered by topic, author, year and month) and topics."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from ninja import Router

from api import cursor, schemas
from api.errors import ApiError, not_found
from core.cache import for_archive
from posts.models import Post, Topic, load_links
from posts.pages import topic_figures

router = Router(tags=["archive"])
RELATED_SHOWN = 10


def _topic_ref(topic: Topic) -> dict:
    return {"slug": topic.slug, "name": topic.name, "url": topic.get_absolute_url()}


def _post_ref(post: Post) -> dict:
    return {"slug": post.slug, "title": post.title, "url": post.get_absolute_url()}


def _summary(post: Post) -> dict:
    return {
        **_post_ref(post),
        "published": post.published,
        "author": post.author,
        "opening": post.opening,
        "topics": [_topic_ref(t) for t in post.topics],
    }


def _newest_key(post: Post) -> list:
    return [post.published.isoformat() if post.published else None, post.pk]


def _after_newest(posts, after: str | None):
    """`posts` (newest first) past the cursor's post."""
    if not after:
        return posts
    published, pk = cursor.decode(after, 2)
    if not isinstance(pk, int):
        raise ApiError(400, "bad_cursor", "The cursor is not one this API gave.")
    if published is None:
        return posts.filter(published__isnull=True, pk__lt=pk)
    try:
        day = date.fromisoformat(published)
    except (TypeError, ValueError) as error:
        raise ApiError(400, "bad_cursor", "The cursor is not one this API gave.") from error
    return posts.filter(
        Q(published__lt=day) | Q(published=day, pk__lt=pk) | Q(published__isnull=True)
    )


def post_page(request, posts, after: str | None, limit: int | None) -> dict:
    posts = _after_newest(posts.newest_first(), after)
    # Ids first, then the listing of just those: PostgreSQL sorts (published, id) pairs only.
    ids, next_url = cursor.page(
        posts.values_list("pk", "published"),
        request=request,
        limit=cursor.limit_of(limit),
        key=lambda row: [row[1].isoformat() if row[1] else None, row[0]],
    )
    rows = Post.objects.filter(pk__in=[pk for pk, _ in ids]).for_listing().newest_first()
    return {"results": [_summary(p) for p in rows], "next": next_url}


@router.get("/posts/", response=schemas.PostPage, summary="Posts, newest first")
def posts(
    request,
    topic: str | None = None,
    author: str | None = None,
    year: int | None = None,
    month: int | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """Filter by a topic's slug, an author's byline (exactly), a year and a month of it."""
    found = Post.objects.all()
    if topic:
        chosen = Topic.objects.filter(slug=topic).first()
        if chosen is None:
            raise not_found(f"There is no topic “{topic}”.")
        found = found.for_topic(chosen)
    if author:
        found = found.filter(author=author)
    if month is not None and year is None:
        raise ApiError(400, "invalid", "month needs a year.")
    if year is not None:
        if not 1 <= year <= 9999 or (month is not None and not 1 <= month <= 12):
            raise ApiError(400, "invalid", "year is 1–9999 and month 1–12.")
        # `__year` is a range on the date (the index serves it); the month is within the year.
        found = found.filter(published__year=year)
        if month is not None:
            found = found.filter(published__month=month)
    return post_page(request, found, cursor, limit)


@router.get("/posts/{slug}/", response=schemas.Post, summary="One post")
def post(request, slug: str):
    """The post with its topics, comments and the posts it mentions and that mention it."""
    found = Post.objects.for_page().filter(slug=slug).first()
    if found is None:
        raise not_found("There is no post here.")
    load_links(found)
    return {
        **_post_ref(found),
        "published": found.published,
        "author": found.author,
        "permalink": found.permalink,
        "protected": found.protected,
        "body_html": found.body_html,
        "topics": [_topic_ref(t) for t in found.topics],
        "comments": list(found.comments.order_by("number")),
        "mentions": [_post_ref(p) for p in found.mentions.all()],
        "mentioned_by": [_post_ref(p) for p in found.mentioned_by.all()],
    }


@router.get("/topics/", response=schemas.TopicPage, summary="Topics, by slug")
def topics(request, cursor: str | None = None, limit: int | None = None):
    """Topics with posts or a wiki entry, in slug order, each with its number of posts."""
    found = Topic.objects.worth_listing().with_post_counts().order_by("slug")
    if cursor:
        (after,) = _decode_slug(cursor)
        found = found.filter(slug__gt=after)
    rows, next_url = _page(request, found, limit, key=lambda t: [t.slug])
    return {
        "results": [
            {**_topic_ref(t), "description": t.description, "posts": t.post_count} for t in rows
        ],
        "next": next_url,
    }


def _decode_slug(value: str) -> list:
    found = cursor.decode(value, 1)
    if not isinstance(found[0], str):
        raise ApiError(400, "bad_cursor", "The cursor is not one this API gave.")
    return found


def _page(request, rows, limit, key):
    return cursor.page(rows, request=request, limit=cursor.limit_of(limit), key=key)


@router.get("/topics/{slug}/", response=schemas.Topic, summary="One topic")
def topic(request, slug: str, cursor: str | None = None, limit: int | None = None):
    """The topic, its wiki entry, the topics sharing most posts with it and a page of its
    posts (newest first; `cursor` pages through them)."""
    found = Topic.objects.filter(slug=slug).select_related("wiki_entry__current_revision").first()
    if found is None:
        raise not_found("There is no topic here.")
    # The same kept figures as the topic's page (posts.pages), computed once per archive.
    figures = for_archive(f"topic-figures:{found.pk}", lambda: topic_figures(found))
    entry = getattr(found, "wiki_entry", None)
    if entry is not None and entry.is_deleted:
        entry = None
    return {
        **_topic_ref(found),
        "description": found.description,
        "aliases": found.aliases,
        "posts_total": figures["post_total"],
        "entry": {
            "revision": entry.current_revision.number if entry.current_revision else None,
            "html": entry.html,
        }
        if entry
        else None,
        "related": [
            {**_topic_ref(t), "shared": t.shared} for t in figures["related_topics"][:RELATED_SHOWN]
        ],
        "posts": post_page(request, Post.objects.for_topic(found), cursor, limit),
    }
