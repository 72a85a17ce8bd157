"""Sitemap sections of the wiki: live pages, and topics with their entries' edits counted.

A topic's wiki entry is shown on the topic page (its own address redirects there), so entries
are not listed as pages; their edits make the topic page's date instead.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import F

from posts.sitemaps import TopicSitemap
from wiki.models import Page


class PageSitemap(Sitemap):
    def items(self):
        return (
            Page.objects.live()
            .filter(topic__isnull=True)
            .only("slug", "topic_id", "updated_at")
            .order_by("id")
        )

    def lastmod(self, page):
        return page.updated_at


class TopicWithEntrySitemap(TopicSitemap):
    """Topic pages, dated by the newer of their latest post and their wiki entry's last edit."""

    def items(self):
        return super().items().annotate(entry_changed=F("wiki_entry__updated_at"))

    def lastmod(self, topic):
        dates = [date for date in (topic.posts_changed, topic.entry_changed) if date]
        return max(dates, default=None)
