"""Atom feeds of the archive: the newest posts (`/feeds/posts/`) and each topic's posts
(`/topics/<slug>/feed/`), built with Django's syndication framework.

Each feed runs two queries (posts, then their topics) plus one to find the topic, whatever the
archive's size. The framework escapes every text it writes into the XML.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from posts.models import Post, Topic

FEED_POSTS = 30
SITE_NAME = "Big Society knowledge shed"


class AtomWithContent(Atom1Feed):
    """Atom with each post's full text in `<content type="html">` (Django writes only a summary)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class PostsFeed(Feed):
    """What the post feeds share: titles, dates, ids, topics and content of a post."""

    feed_type = AtomWithContent

    def item_title(self, post):
        # The framework escapes it into the XML; an Atom title without `type` is plain text, so
        # escaping it here too (the framework's default, for RSS) would show "&amp;" to readers.
        return post.title

    def item_description(self, post):
        # No summary: the full text goes into <content>.
        return None

    def item_extra_kwargs(self, post):
        # body_html is the importer's output: the archive text escaped, wrapped in <p> only.
        return {"content_html": post.body_html}

    # No item_guid: the framework then uses the absolute link as each entry's id, and a post's
    # address never changes (slugs are unique and kept).

    def item_link(self, post):
        return post.get_absolute_url()

    def item_pubdate(self, post):
        # The instant an export or feed gives (published_at); a text listing's posts carry a
        # day, not a time: midnight, made aware in TIME_ZONE by the framework. A post the archive
        # gives no date has no <published>: Atom makes it optional, and the import time
        # presented as a publication date would be false.
        if post.published_at:
            return post.published_at
        if post.published:
            return datetime.datetime.combine(post.published, datetime.time.min)
        return None

    def item_updateddate(self, post):
        # Atom requires <updated> on every entry: when this copy last changed is true of all.
        return post.updated_at

    def item_categories(self, post):
        return [topic.name for topic in post.topics]

    def _items(self, posts):
        return posts.with_topics().newest_first()[:FEED_POSTS]


class RecentPostsFeed(PostsFeed):
    title = f"Recent posts · {SITE_NAME}"
    subtitle = "The newest posts of the Big Society blog archive."

    def link(self):
        return reverse("posts:home")

    def items(self):
        return self._items(Post.objects.all())


class TopicPostsFeed(PostsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic):
        return f"{topic.name} · {SITE_NAME}"

    def subtitle(self, topic):
        return topic.description or f"The newest posts about {topic.name}."

    def link(self, topic):
        return topic.get_absolute_url()

    def items(self, topic):
        return self._items(Post.objects.for_topic(topic))
