"""The archive: imported blog posts, the files they came from, and the topics they are about.

Topics are django-taggit tags with a custom tag model (`Topic`) so each can carry a description,
aliases and where it came from. Rendering happens on import: `Post.body_html` is stored.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Count
from django.urls import reverse
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase


class Archive(models.Model):
    """One archive file that has been imported (a WordPress listing saved as text)."""

    name = models.CharField(max_length=255, unique=True)
    header = models.CharField(max_length=500, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TopicQuerySet(models.QuerySet):
    def with_post_counts(self):
        return self.annotate(post_count=Count("tagged_posts", distinct=True))

    def related_to(self, topic: "Topic"):
        """Other topics sharing posts with `topic`, most shared first, as `shared`."""
        return (
            self.filter(tagged_posts__content_object__tagged_items__tag=topic)
            .exclude(pk=topic.pk)
            .annotate(shared=Count("tagged_posts", distinct=True))
            .order_by("-shared", "name")
        )


class Topic(TagBase):
    """A topic (tag). `source` says how the importer found it."""

    class Source(models.TextChoices):
        VOCABULARY = "vocabulary", "curated vocabulary"
        ARCHIVE = "archive", "archive header"
        CATEGORY = "category", "archive category line"
        PHRASE = "phrase", "recurring phrase"

    description = models.TextField(blank=True)
    aliases = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.VOCABULARY)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def get_absolute_url(self):
        return reverse("posts:topic_detail", args=[self.slug])


class TaggedPost(ItemBase):
    content_object = models.ForeignKey(
        "Post", on_delete=models.CASCADE, related_name="tagged_items"
    )
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_posts")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_post_topic")
        ]


class PostQuerySet(models.QuerySet):
    def for_topic(self, topic: Topic):
        return self.filter(tagged_items__tag=topic)

    def with_tags(self):
        return self.prefetch_related("tags")

    def newest_first(self):
        return self.order_by(models.F("published").desc(nulls_last=True), "-id")


class Post(models.Model):
    """An archive post. `key` is the title folded for matching, so typographic twins merge."""

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
    archives = models.ManyToManyField(Archive, related_name="posts", blank=True)
    mentions = models.ManyToManyField(
        "self", symmetrical=False, related_name="mentioned_by", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    tags = TaggableManager(through=TaggedPost, blank=True, related_name="posts")

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("posts:post_detail", args=[self.slug])
