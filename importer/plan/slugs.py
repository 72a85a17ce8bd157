"""Slugs for posts and topics, and the one rule that claims a free one. Pure: no Django models.

A slug comes from the folded title (or topic name); when it is taken, the title's key is hashed
into it (8 hex digits, then 16). Every importer path claims slugs through `claim_slug`.
"""

from __future__ import annotations

import hashlib
import re

from django.utils.text import slugify

from importer.topics import topic_key

SLUG_BASE_MAX = 80  # leaves room for "-" and a hash within SlugField(max_length=100)

_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_JOIN = re.compile(r"[-\s]+")


def slug_with_hash(base: str, key: str, length: int = 8) -> str:
    return f"{base}-{hashlib.sha1(key.encode()).hexdigest()[:length]}"


def slug_candidates(base: str, key: str) -> tuple[str, str, str]:
    """Every slug `claim_slug(base, key, ...)` may give, in its order: the plan asks the
    database which are taken before it claims any."""
    return base, slug_with_hash(base, key), slug_with_hash(base, key, 16)


def claim_slug(base: str, key: str, taken: set[str]) -> str:
    """A slug from `base` that is not in `taken` (a hash of `key` when `base` is), added to it."""
    slug = base
    if slug in taken:
        slug = slug_with_hash(base, key)
    if slug in taken:
        slug = slug_with_hash(base, key, length=16)
    taken.add(slug)
    return slug


def post_slug_base(title_key: str) -> str:
    if title_key.isascii():
        # Django's slugify without its Unicode normalisation (a no-op on ASCII) and lazy-string
        # wrapper, which were a tenth of a first import's Python time at 100,000 posts.
        slug = _SLUG_JOIN.sub("-", _SLUG_DROP.sub("", title_key.lower())).strip("-_")
    else:
        slug = slugify(title_key)
    return slug[:SLUG_BASE_MAX].strip("-") or "post"


def own_slug_base(slug: str) -> str:
    """A post's slug on its old blog (decoded, any script) as a slug here, "" if none."""
    return slugify(slug, allow_unicode=True)[:SLUG_BASE_MAX].strip("-") if slug else ""


def topic_slug_base(name: str) -> str:
    return slugify(topic_key(name), allow_unicode=True)[:SLUG_BASE_MAX].strip("-") or "topic"
