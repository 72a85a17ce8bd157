"""Authors: the bylines an imported archive gives its posts (WordPress's display name, a feed's
author). Only the name is kept (no account, no e-mail), so an author is their name: the index lists
every byline with its number of posts, and an author's page lists their posts newest first.
"""

from django.db.models import Count
from django.db.models.functions import Lower
from django.http import Http404

from core.cache import for_archive
from core.pagination import paginate
from posts.models import Post

POSTS_PER_PAGE = 20
AUTHORS_PER_PAGE = 100


def bylines() -> list[dict]:
    """Every author's name and number of posts, A–Z: one query, kept until the archive changes."""

    def compute() -> list[dict]:
        rows = (
            Post.objects.exclude(author="")
            .values("author")
            .annotate(posts=Count("pk"))
            .order_by(Lower("author"), "author")
        )
        return [{"name": row["author"], "posts": row["posts"]} for row in rows]

    return for_archive("post-authors", compute)


def author_list_context(query) -> dict:
    authors = bylines()
    return {
        "page_obj": paginate(authors, query.get("page"), AUTHORS_PER_PAGE),
        "author_total": len(authors),
    }


def author_page_context(name: str, query) -> dict:
    """One author's posts, a page at a time. Three queries (the page of ids, the posts, their
    topics) with the bylines cached: the count comes from them."""
    count = next((a["posts"] for a in bylines() if a["name"] == name), 0)
    if not count:
        raise Http404("No post in the archive has this author.")
    page = paginate(
        Post.objects.filter(author=name).newest_first().values("pk"),
        query.get("page"),
        POSTS_PER_PAGE,
        count=count,
    )
    page.object_list = Post.objects.filter(pk__in=page.object_list).for_listing().newest_first()
    return {"author": name, "post_count": count, "page_obj": page, "posts": page.object_list}
