"""Helpers that make archive data straight through the ORM (no importer involved), and a seeds
folder for tests that import archives of their own."""

import datetime
import itertools
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils.html import escape
from django.utils.text import slugify

from posts.models import Archive, Post, TaggedPost, Topic

_numbers = itertools.count(1)
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(autouse=True)
def _memory_cache(settings):
    # The topic map memoises in the cache. In memory, cache reads are not SQL, so query counts
    # measure the pages' own queries; each test starts with an empty cache.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def vocabulary_seeds(tmp_path, settings):
    """A seeds folder holding only the real vocabulary: the archives a test imports are its own."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(SEEDS / "topics.toml", folder)
    settings.SEEDS_DIR = folder
    return folder


@pytest.fixture
def make_topic():
    def make(name=None, **over):
        name = name or f"Topic {next(_numbers)}"
        return Topic.objects.create(name=name, slug=over.pop("slug", slugify(name)), **over)

    return make


@pytest.fixture
def make_archive():
    def make(name=None, **over):
        return Archive.objects.create(name=name or f"archive-{next(_numbers)}.txt", **over)

    return make


@pytest.fixture
def make_post():
    """`make_post(title=…, topics=[…], mentions=[…], archives=[…], **fields)` → a saved Post."""

    def make(title=None, *, topics=(), mentions=(), archives=(), **over):
        title = title or f"Post number {next(_numbers)}"
        body = over.pop("body", f"The opening paragraph of {title}.\n\nA second paragraph.")
        fields = {
            "slug": slugify(title)[:90] or f"post-{next(_numbers)}",
            "key": title.lower(),
            "body": body,
            # As the importer stores it: archive text escaped, one <p> per paragraph.
            "body_html": "".join(f"<p>{escape(p)}</p>" for p in body.split("\n\n")),
            "checksum": "0" * 64,
            **over,
        }
        post = Post.objects.create(title=title, **fields)
        if topics:
            post.tags.add(*topics)
        if mentions:
            post.mentions.add(*mentions)
        if archives:
            post.archives.add(*archives)
        return post

    return make


def build_archive(post_count: int, topic_count: int = 30) -> dict:
    """A realistic spread in a few bulk inserts: dated and undated posts, three topics each,
    mentions between neighbours, two archive files. Topics are named "Topic 00" …"""
    start = Post.objects.count()
    topics = Topic.objects.bulk_create(
        Topic(name=f"Topic {start:04d}-{i:02d}", slug=f"topic-{start:04d}-{i:02d}")
        for i in range(topic_count)
    )
    archives = Archive.objects.bulk_create(
        Archive(name=f"archive-{start}-{i}.txt", header=f"Tag Archives: batch {i}") for i in (1, 2)
    )
    first_day = datetime.date(2010, 5, 1)
    posts = Post.objects.bulk_create(
        Post(
            title=f"Archive post {start + n}",
            slug=f"archive-post-{start + n}",
            key=f"archive post {start + n}",
            body=f"Body of post {start + n}.\n\nMore words here.",
            body_html=f"<p>Body of post {start + n}.</p><p>More words here.</p>",
            # Every seventh post has no known date, as in real archives.
            published=None if n % 7 == 0 else first_day + datetime.timedelta(days=n),
            is_excerpt=n % 2 == 0,
            checksum=f"{n:064d}",
        )
        for n in range(post_count)
    )
    TaggedPost.objects.bulk_create(
        TaggedPost(content_object=post, tag=topics[(n + k * 7) % topic_count])
        for n, post in enumerate(posts)
        for k in range(3)
    )
    Mention = Post.mentions.through
    Mention.objects.bulk_create(
        Mention(from_post=post, to_post=posts[(n + step) % post_count])
        for n, post in enumerate(posts)
        for step in (1, 2)
    )
    Archive.posts.through.objects.bulk_create(
        Archive.posts.through(post=post, archive=archives[n % 2]) for n, post in enumerate(posts)
    )
    return {"posts": posts, "topics": topics, "archives": archives}


@pytest.fixture
def big_archive(db):
    """240 posts over 30 topics with mentions: enough to catch a query per row."""
    return build_archive(240)
