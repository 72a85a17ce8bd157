"""Wiki pages and their append-only history.

A `Page` is a title and a slug pointing at its current `Revision`. Revisions are never changed or
deleted once written: every edit, revert or move adds a row. The HTML of a revision is rendered
and sanitised once, on save (see `wiki.services`); reads never re-render. `PageLink` and
`Citation` are rebuilt on every save so "what links here", `/wiki/wanted/` and "cited in" are
one query each. A topic's entry is a Page with `topic` set, using the topic's slug.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.text import SEARCH_CONFIG
from posts.addresses import topic_url


def page_search_vector(title: str, html: str) -> SearchVector:
    """What `Page.search_vector` is set to when `html` becomes the current text of the page
    titled `title`: the title (weight A) and the rendered text (weight B). PostgreSQL's parser
    skips HTML tags, so the sanitised HTML indexes as plain words, without the Markdown
    source's punctuation. Values, not columns: it can be set in the same UPDATE as the title."""
    return SearchVector(models.Value(title), weight="A", config=SEARCH_CONFIG) + SearchVector(
        models.Value(html), weight="B", config=SEARCH_CONFIG
    )


def page_title_search_vector() -> SearchVector:
    """The title alone: the expression of a GIN index, as for posts."""
    return SearchVector("title", config=SEARCH_CONFIG)


class PageQuerySet(models.QuerySet):
    def live(self):
        return self.filter(is_deleted=False)

    def with_current(self):
        """Select the current revision, its author and the page's topic in the same query."""
        return self.select_related("current_revision", "current_revision__author", "topic")

    def for_reading(self):
        """`with_current()` for a page shown to readers: the page's own HTML, but not the
        current revision's source and HTML (the same HTML again, or older) nor the search words,
        which together weigh more than the page; the editor reads them with `with_current()`."""
        return self.with_current().defer(
            "search_vector",
            "current_revision__text",
            "current_revision__html",
            "current_revision__toc_html",
        )

    def for_tools(self):
        """For the pages about a page (history, diff, links, an old revision): the page and its
        current revision's number, without any text, HTML, author or topic (links to the page
        need only `topic_id`)."""
        return self.select_related("current_revision").defer(
            "search_vector",
            "html",
            "toc_html",
            "current_revision__text",
            "current_revision__html",
            "current_revision__toc_html",
        )

    def alphabetical(self):
        return self.order_by(models.functions.Lower("title"), "id")

    def linking_to(self, page: "Page"):
        """Live pages whose wiki links reach `page` by its title, slug or an old slug."""
        links = PageLink.objects.filter(
            models.Q(target_slug=page.slug)
            | models.Q(target_key=page.key)
            | models.Q(target_slug__in=PageRedirect.objects.filter(page=page).values("old_slug"))
        )
        return self.live().filter(pk__in=links.values("from_page")).exclude(pk=page.pk)


class Page(models.Model):
    title = models.CharField(max_length=255)
    slug = models.CharField(max_length=255, unique=True)
    # core.text.fold(title): the folded form wiki links are matched against.
    key = models.CharField(max_length=255, db_index=True)
    # How the title looks (core.confusables.skeleton, Unicode TR39): a new title that looks
    # like another page's is refused, as MediaWiki's AntiSpoof does.
    skeleton = models.TextField(default="", db_index=True, editable=False)
    topic = models.OneToOneField(
        "posts.Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wiki_entry",
        help_text="Set when this page is the entry of a topic.",
    )
    current_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What readers see: the current revision's HTML, rendered again (see wiki.links) when a page
    # it links to appears or disappears, so its links are never shown as missing when they
    # are not. The revision's own HTML stays as it was saved.
    html = models.TextField(blank=True, editable=False)
    toc_html = models.TextField(blank=True, editable=False)
    protected = models.BooleanField(default=False, help_text="Only moderators may edit.")
    is_deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Set by wiki.services with every new revision (the text lives in Revision, so a generated
    # column cannot see it); read by search.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [
            GinIndex(fields=["search_vector"], name="page_search_vector"),
            GinIndex(page_title_search_vector(), name="page_title_search"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.topic_id:
            return topic_url(self.slug)
        return reverse("wiki:page", args=[self.slug])


class Revision(models.Model):
    """One saved version of a page. Append-only: `save` refuses updates, `delete` refuses."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField(help_text="Markdown source as the volunteer wrote it.")
    html = models.TextField(help_text="Rendered and sanitised on save.")
    toc_html = models.TextField(blank=True)
    # PROTECT: a person with edits in the history is deactivated, not deleted, so the
    # record of who wrote what stays whole. Null means the system (an importer).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wiki_revisions",
    )
    summary = models.CharField(max_length=300, blank=True)
    minor = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    size = models.PositiveIntegerField(default=0, help_text="Length of the text in characters.")

    class Meta:
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="unique_revision_number")
        ]

    def __str__(self):
        return f"{self.page_id} r{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Revisions are append-only: add a new revision instead.")
        self.size = self.size_of(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("wiki:revision", args=[self.page.slug, self.number])

    def delete(self, *args, **kwargs):
        raise ValueError("Revisions are append-only and cannot be deleted.")

    @staticmethod
    def size_of(text: str) -> int:
        """What `size` holds: the text's length in characters (wiki.services writes revisions
        without `save`)."""
        return len(text)


class PageLink(models.Model):
    """A `[[wiki link]]` in a page's current text, matched to pages by key and slug at read time."""

    from_page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="outgoing_links")
    kind = models.CharField(max_length=10, default="page")
    target_title = models.CharField(max_length=255)
    target_key = models.CharField(max_length=255, db_index=True)
    target_slug = models.CharField(max_length=255, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_page", "target_slug"], name="unique_page_link_target"
            )
        ]

    def __str__(self):
        return f"{self.from_page_id} -> {self.target_slug}"


class Citation(models.Model):
    """A `[[post:slug]]` in a page's current text: the page cites that archive post."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="citations")
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="citations")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "post"], name="unique_citation")]

    def __str__(self):
        return f"{self.page_id} cites {self.post_id}"


class PageRedirect(models.Model):
    """An old slug of a moved page, so old URLs and old wiki links keep working."""

    old_slug = models.CharField(max_length=255, unique=True)
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.old_slug} -> {self.page_id}"
