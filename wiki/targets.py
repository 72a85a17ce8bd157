"""URLs of the reading side (posts app) that wiki pages link to.

The `posts` app owns `/topics/<slug>/` and `/posts/<slug>/`. Its URL names are used when they are
installed; the fixed paths are the fallback so the wiki works (and its stored links stay right)
whichever order the apps' URL patterns land in.
"""

from django.urls import NoReverseMatch, reverse


def topic_url(slug: str) -> str:
    try:
        return reverse("posts:topic_detail", args=[slug])
    except NoReverseMatch:
        return f"/topics/{slug}/"


def post_url(slug: str) -> str:
    try:
        return reverse("posts:post_detail", args=[slug])
    except NoReverseMatch:
        return f"/posts/{slug}/"
