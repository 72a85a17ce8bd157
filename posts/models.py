"""The archive: imported blog posts, the files they came from, and the topics they are about.

Topics are django-taggit tags with a custom tag model (`Topic`) so each can carry a description,
aliases and where it came from. Rendering happens on import: `Post.body_html` is stored.
"""

import datetime

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Left, Lower, TruncMonth
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from core.text import SEARCH_CONFIG
from posts.addresses import post_url, topic_url


class Archive(models.Model):
    """One archive file that has been imported: a listing saved as text, a WordPress export or
    a feed. `title` and `link` are the blog's own name and address (exports and feeds say them)."""

    name = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=20, default="listing")
    title = models.CharField(max_length=300, blank=True)
    link = models.CharField(max_length=500, blank=True)
    # The blog's language as its export or feed says it (<language>, xml:lang): the `lang` of
    # its posts' text, so screen readers, hyphenation and fonts read it right.
    language = models.CharField(max_length=35, blank=True, db_default="")
    header = models.CharField(max_length=500, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    # What the last completed import saw, so an unchanged file under unchanged rules can be
    # skipped and still report the same counts (written in the file's own transaction).
    rules_digest = models.CharField(max_length=64, blank=True)
    imported_posts = models.PositiveIntegerField(default=0)
    imported_duplicates = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The archive as its blog called itself: an export's or feed's blog title, else the
        listing's own heading ("Search Results for: …"), else its address; never the file name
        it was saved under, which means nothing to a reader."""
        return self.title or self.header or self.link or "an imported copy of the blog"


class TopicQuerySet(models.QuerySet):
    def with_post_counts(self):
        """Each topic with `post_count`: the size the importer keeps (`TopicSize`, see
        posts.figures) when it is current, else counted (PostgreSQL counts only then).

        Counted, the topics of 100,000 posts take seconds right after an import (the index
        pages not yet marked all-visible, every entry is checked in the table too), and the home
        page, the topic list and the map all wait for it; kept, it is a join with a small table.
        """
        # A correlated count per topic reads only the (tag_id) index; a join with
        # COUNT(DISTINCT) sorts every tag row of the archive.
        counts = (
            TaggedPost.objects.filter(tag=OuterRef("pk"))
            .order_by()
            .values("tag")
            .annotate(n=Count("*"))
            .values("n")
        )
        return self.annotate(
            post_count=Case(
                When(kept_size__isnull=True, then=Coalesce(Subquery(counts), 0)),
                default=F("kept_size__posts"),
                output_field=models.IntegerField(),
            )
        )

    def worth_listing(self):
        """Topics whose page has something to read: at least one post, or a wiki entry.

        The entry is named through its reverse relation (`wiki_entry`, set by wiki.Page.topic):
        the topic page shows it, so a topic with an entry and no posts is a page worth listing.
        A vocabulary topic no archive used has neither, and its page would be empty.
        """
        # The kept size answers first when there is one (posts.figures): looking for one tag row
        # of each topic scans the table.
        # PostgreSQL evaluates these in the order written and stops at the first answer.
        has_posts = Q(kept_size__posts__gt=0) | (
            Q(kept_size__isnull=True) & Q(Exists(TaggedPost.objects.filter(tag=OuterRef("pk"))))
        )
        return self.filter(has_posts | Q(wiki_entry__isnull=False))

    def a_to_z(self):
        # The database may collate bytewise ("C"), where "Zebra" sorts before "apple".
        return self.order_by(Lower("name"), "name")

    def largest_first(self):
        """Most posts first; needs `with_post_counts()`."""
        return self.order_by("-post_count", Lower("name"), "name")

    def busiest(self):
        """Topics that have posts, most posts first, each with `post_count`."""
        return self.with_post_counts().filter(post_count__gt=0).largest_first()

    def related_to(self, topic: "Topic", limit: int | None = None) -> list["Topic"]:
        """Other topics sharing posts with `topic`, most shared first (at most `limit`), each
        with `shared` and its own `post_count`. One query; the queryset's own filters are not
        applied.

        Written as SQL because its shape matters at size: the topic's posts are joined to their
        other tags once and counted per tag, several times faster than the ORM's join through
        posts with COUNT(DISTINCT) (docs/performance.md).
        """
        tagged = connection.ops.quote_name(TaggedPost._meta.db_table)
        topics = connection.ops.quote_name(self.model._meta.db_table)
        # COUNT(*) counts posts: a post carries a topic at most once (unique_post_topic).
        sql = (
            f"SELECT t.*, s.shared, (SELECT COUNT(*) FROM {tagged} p WHERE p.tag_id = t.id)"
            f" AS post_count FROM (SELECT b.tag_id, COUNT(*) AS shared FROM {tagged} a"
            f" JOIN {tagged} b ON b.content_object_id = a.content_object_id"
            " WHERE a.tag_id = %s AND b.tag_id <> %s GROUP BY b.tag_id) s"
            f" JOIN {topics} t ON t.id = s.tag_id"
            " ORDER BY s.shared DESC, lower(t.name), t.name LIMIT %s"
        )
        return list(self.model.objects.raw(sql, [topic.pk, topic.pk, limit]))


class Topic(TagBase):
    """A topic (tag). `source` says how the importer found it."""

    class Source(models.TextChoices):
        VOCABULARY = "vocabulary", "curated vocabulary"
        ARCHIVE = "archive", "archive header"
        CATEGORY = "category", "archive category line"
        PHRASE = "phrase", "recurring phrase"
        TAG = "tag", "the blog's own tag"

    description = models.TextField(blank=True)
    aliases = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.VOCABULARY)
    # The name and aliases as searched (search.services: the topics a query names), kept by
    # PostgreSQL on every write, so a search does not compute every topic's vector.
    # `bigsoc_topic_words` (migration posts.0014) is to_tsvector over the name and aliases,
    # declared immutable as a generated column needs (array_to_string is only stable).
    search_vector = models.GeneratedField(
        expression=models.Func(
            "name", "aliases", function="bigsoc_topic_words", output_field=SearchVectorField()
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def get_absolute_url(self):
        return topic_url(self.slug)


class TaggedPost(ItemBase):
    # No index of its own: `unique_post_topic` starts with this column and serves its lookups.
    # One index fewer to maintain for the ~20 topics of every imported post.
    content_object = models.ForeignKey(
        "Post", on_delete=models.CASCADE, related_name="tagged_items", db_index=False
    )
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_posts")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_post_topic")
        ]


# --- Kept figures: what a topic page shows about the whole topic, written by the importer ------


class TopicSize(models.Model):
    """How many posts a topic has. A row for every topic means its figures (this row, its
    `TopicPair`s and `TopicMonth`s) are current; no row means compute them live. posts.figures
    writes all three tables at once and forgets them on any other archive write."""

    topic = models.OneToOneField(
        Topic, primary_key=True, on_delete=models.CASCADE, related_name="kept_size"
    )
    posts = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.topic_id}: {self.posts} posts"


class TopicPair(models.Model):
    """Two topics sharing `shared` posts (more than none), once each way round, so a topic's
    related topics are its own rows (`topic`, …)."""

    # No index of its own: the unique constraint starts with this column and serves lookups.
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+", db_index=False)
    other = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    shared = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "other"], name="unique_topic_pair")]

    def __str__(self):
        return f"{self.topic_id} & {self.other_id}: {self.shared} posts"


class TopicMonth(models.Model):
    """A topic's dated posts published in one month (`month` is its first day)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()
    posts = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "month"], name="unique_topic_month")
        ]

    def __str__(self):
        return f"{self.topic_id} in {self.month:%Y-%m}: {self.posts} posts"


# Enough of a post's text for a list entry; the template trims it to whole words.
LISTING_OPENING_CHARS = 400


def _topic_links() -> Prefetch:
    """Each post's topics A–Z into `topic_links` (read them through `Post.topics`).

    taggit's `tags` prefetch cannot take an ordered queryset, so this goes through the
    through-model instead: one query for any number of posts.
    """
    # Only what a topic link shows: ~20 topics a post make these the page's most rows.
    links = (
        TaggedPost.objects.select_related("tag")
        .only("content_object", "tag__name", "tag__slug")
        .order_by(Lower("tag__name"), "tag__name")
    )
    return Prefetch("tagged_items", queryset=links, to_attr="topic_links")


def _link_lookups() -> list:
    """What a post page shows besides the post: topics, mentions both ways, archives."""
    linked = Post.objects.defer("body", "body_html", "search_vector").order_by(Lower("title"), "id")
    return [
        _topic_links(),
        Prefetch("mentions", queryset=linked),
        Prefetch("mentioned_by", queryset=linked),
        "archives",
    ]


def load_links(post: "Post") -> "Post":
    """`post` with everything its page shows besides the post prefetched: topics, mentions
    both ways, archives (four queries). Loaded onto a post already fetched, because the page
    needs them only when it draws its links, not when it serves them from the cache."""
    prefetch_related_objects([post], *_link_lookups())
    return post


class PostQuerySet(models.QuerySet):
    def for_topic(self, topic: Topic):
        return self.filter(tagged_items__tag=topic)

    def with_tags(self):
        return self.prefetch_related("tags")

    def with_topics(self):
        """Prefetch each post's topics A–Z into `topic_links` (read them through `Post.topics`)."""
        return self.prefetch_related(_topic_links())

    def for_listing(self):
        """What a list of posts shows: no full bodies, an `opening` of the text, the topics."""
        return (
            self.defer("body", "body_html", "search_vector")
            .annotate(opening=Left("body", LISTING_OPENING_CHARS))
            .with_topics()
        )

    def for_page(self):
        """What a post page shows of the post itself: its HTML, not its source or search words."""
        return self.defer("body", "search_vector")

    def per_month(self) -> list[tuple[datetime.date, int]]:
        """(first day of the month, posts published that month) for the months with dated posts,
        oldest first: one aggregate query. Posts without a date are left out."""
        return list(
            self.filter(published__isnull=False)
            .annotate(month=TruncMonth("published"))
            .order_by()
            .values("month")
            .annotate(posts=Count("id", distinct=True))
            .order_by("month")
            .values_list("month", "posts")
        )

    def newest_first(self):
        return self.order_by(models.F("published").desc(nulls_last=True), "-id")


def title_search_vector() -> SearchVector:
    """The title alone as a search vector: the expression of a GIN index, so search can find
    every title hit cheaply even when a common word matches most bodies."""
    return SearchVector("title", config=SEARCH_CONFIG)


class Post(models.Model):
    """An archive post. `key` is the title folded for matching, so typographic twins merge.

    `search_vector` is computed by PostgreSQL from the title (weight A) and the body (weight B)
    whenever a row's title or body is written, however it is written (ORM, bulk_update, the
    importer's updates: a trigger), so search never computes it per query and it cannot go
    stale. A first import's COPY writes it as computed by other backends of the same function.
    """

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=100, unique=True)
    key = models.CharField(max_length=500, unique=True)
    body = models.TextField()
    body_html = models.TextField()
    published = models.DateField(null=True, blank=True)
    is_excerpt = models.BooleanField(
        default=False, help_text="The archive held only a teaser ('read more »') of this post."
    )
    checksum = models.CharField(max_length=64)
    # Database defaults, as the importer's COPY of listing posts names none of these columns.
    # From WordPress exports and feeds (empty for text listings): the byline (a display name,
    # never an account or an e-mail), the original address, the guid that makes a post the same
    # post across files and formats, and the original permalink's path, which answers 301 here.
    author = models.CharField(max_length=200, blank=True, db_index=True, db_default="")
    permalink = models.CharField(max_length=1000, blank=True, db_default="")
    guid = models.CharField(max_length=1000, blank=True, db_default="")
    old_path = models.CharField(max_length=500, blank=True, db_index=True, db_default="")
    protected = models.BooleanField(
        db_default=False, help_text="The post was password-protected: its text was not imported."
    )
    # As the old blog showed it: `published` is the day in the blog's own time zone (a
    # WordPress post's wp:post_date, a feed's date in the offset it gives), `published_time`
    # the time of day there; `published_at` is the instant (post_date_gmt), for feeds.
    published_time = models.TimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The post's names on the old blog, for the old addresses that answer 301 here: its
    # WordPress post ID (?p=N, /archives/N) and its own slug (wp:post_name, decoded).
    source_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    source_slug = models.CharField(max_length=200, blank=True, db_index=True, db_default="")
    archives = models.ManyToManyField(Archive, related_name="posts", blank=True)
    mentions = models.ManyToManyField(
        "self", symmetrical=False, related_name="mentioned_by", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by the database (posts migration 0015: triggers calling `post_search_vector`), never
    # set by Python; a first import's COPY gives it, computed beside the COPY
    # (importer.write.vectors).
    search_vector = SearchVectorField(null=True, editable=False)

    tags = TaggableManager(through=TaggedPost, blank=True, related_name="posts")

    objects = PostQuerySet.as_manager()

    class Meta:
        # No default ordering: over 100,000 posts every unordered query would sort by title.
        # Queries that show posts in an order say which (`newest_first()`, the admin's list).
        indexes = [
            GinIndex(fields=["search_vector"], name="post_search_vector"),
            GinIndex(title_search_vector(), name="post_title_search"),
            # `newest_first()`: the home page's latest posts and a topic's pages walk this index
            # instead of sorting every post (with its opening) on each request.
            models.Index(
                models.F("published").desc(nulls_last=True),
                models.F("id").desc(),
                name="post_newest_first",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return post_url(self.slug)

    @property
    def source_archive(self) -> "Archive | None":
        """The blog this post came from, from the `archives` prefetch when there is one."""
        archives = list(self.archives.all())
        return next((a for a in archives if a.title or a.link), archives[0] if archives else None)

    @property
    def topics(self) -> list[Topic]:
        """This post's topics A–Z, from the `with_topics()` prefetch when there is one."""
        links = getattr(self, "topic_links", None)
        if links is None:
            links = self.tagged_items.select_related("tag").order_by(Lower("tag__name"))
        return [link.tag for link in links]


class Comment(models.Model):
    """An approved comment from an imported archive. Only the author's name is kept: never an
    e-mail or IP address. `body_html` is sanitised on import. `reply_to` is the `number` of the
    comment of the same post that this one answers (a number, not a key, so an import can write
    a post's comments in one COPY without asking the database for ids)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    number = models.PositiveIntegerField()  # order within the post, as the archive had it
    reply_to = models.PositiveIntegerField(null=True, blank=True)
    author = models.CharField(max_length=200)
    published = models.DateTimeField(null=True, blank=True)
    body_html = models.TextField()

    class Meta:
        ordering = ["post", "number"]
        constraints = [
            models.UniqueConstraint(fields=["post", "number"], name="unique_comment_number")
        ]

    def __str__(self):
        return f"{self.author} on {self.post_id}"
