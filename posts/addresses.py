"""The addresses of the archive's reading pages, `/topics/<slug>/` and `/posts/<slug>/`.

`posts` owns these URLs, so it says what they are: `Topic.get_absolute_url` and
`Post.get_absolute_url` use these functions, and so do the apps that know only a slug (the
wiki's `[[post:…]]` and topic links, search hits), without loading a row to ask it.
"""

from functools import lru_cache

from django.urls import get_script_prefix, reverse


def topic_url(slug: str) -> str:
    return _topic_url(get_script_prefix(), slug)


def post_url(slug: str) -> str:
    return reverse("posts:post_detail", args=[slug])


@lru_cache(maxsize=8192)
def _topic_url(prefix: str, slug: str) -> str:
    # A list of 20 posts links ~400 topics, too many to reverse() one by one on every page.
    # The prefix is part of the key, so a site mounted under a path still gets right links.
    return reverse("posts:topic_detail", args=[slug])
