"""Atom feed of recent wiki changes (`/feeds/changes/`): one entry per saved revision, newest
first, as on /recent/. One query whatever the size of the wiki."""

from urllib.parse import urlsplit

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html

from core.cache import RECENT, depends_on
from wiki.models import Revision

FEED_CHANGES = 50
# Who an imported revision (no author) is credited to, as on the recent changes page.
SYSTEM_AUTHOR = "system"


class RecentChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Recent changes · Big Society knowledge shed"
    subtitle = "Every edit to the wiki, newest first."

    def get_object(self, request):
        depends_on(RECENT)
        # The site's host name, for the entries' tag: ids (RFC 4151), which need an authority.
        return urlsplit(f"//{request.get_host()}").hostname

    def link(self):
        return reverse("wiki:recent")

    def items(self, host):
        # Deleted pages are left out, as on /recent/; the text columns are large and unused.
        revisions = list(
            Revision.objects.filter(page__is_deleted=False)
            .select_related("page", "author")
            .defer("text", "html", "toc_html")
            .order_by("-created_at", "-id")[:FEED_CHANGES]
        )
        for revision in revisions:
            # By the revision's row, not its address: stays the same when the page is moved.
            revision.feed_id = (
                f"tag:{host},{revision.created_at:%Y-%m-%d}:wiki-revision-{revision.pk}"
            )
        return revisions

    def item_title(self, revision):
        # Plain text in Atom: the framework escapes it, so it is not escaped here as well.
        return revision.page.title

    def item_description(self, revision):
        # Atom's <summary type="html">: the volunteer's words escaped into a little HTML.
        return format_html(
            "<p>{}</p><p>Revision {}{}, {} characters.</p>",
            revision.summary or "No edit summary.",
            revision.number,
            " (minor edit)" if revision.minor else "",
            revision.size,
        )

    def item_link(self, revision):
        # The permalink of this revision: what the page said right after the edit.
        return reverse("wiki:revision", args=[revision.page.slug, revision.number])

    def item_guid(self, revision):
        return revision.feed_id

    def item_author_name(self, revision):
        return revision.author.get_username() if revision.author else SYSTEM_AUTHOR

    def item_pubdate(self, revision):
        return revision.created_at

    def item_updateddate(self, revision):
        # Revisions never change once written.
        return revision.created_at
