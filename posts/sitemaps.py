"""Sitemap sections of the archive: every topic page and every post page, with when it last
changed. Mounted with the wiki's section at /sitemap.xml (bigsoc/urls.py)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from posts.models import Post, Topic


class PostSitemap(Sitemap):
    def items(self):
        return Post.objects.only("slug", "updated_at").order_by("id")

    def lastmod(self, post):
        return post.updated_at


class TopicSitemap(Sitemap):
    def items(self):
        # A topic page changes when one of its posts does; a topic without posts has no date.
        # Topics with no posts and no entry have an empty page: not listed.
        changed = Max("tagged_posts__content_object__updated_at")
        topics = Topic.objects.worth_listing()
        return topics.annotate(posts_changed=changed).only("slug").order_by("id")

    def lastmod(self, topic):
        return topic.posts_changed
