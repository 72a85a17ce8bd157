"""Staff admin for the archive: posts and topics searchable, post counts at a glance.

Posts come from the importer; the admin is for looking things up and small corrections.
"""

from django.contrib import admin
from django.db.models import Count

from posts.models import Archive, Post, Topic


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "published", "is_excerpt", "updated_at"]
    ordering = ["title"]
    list_filter = ["is_excerpt", "archives", "tags"]
    search_fields = ["title", "body"]
    readonly_fields = ["key", "checksum", "created_at", "updated_at"]
    date_hierarchy = "published"
    # A select box of every post would be thousands of options; a raw id field stays small.
    raw_id_fields = ["mentions"]
    filter_horizontal = ["archives"]
    fields = [
        "title",
        "slug",
        "key",
        "published",
        "is_excerpt",
        "tags",
        "body",
        "body_html",
        "archives",
        "mentions",
        "checksum",
        "created_at",
        "updated_at",
    ]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "source", "post_count"]
    list_filter = ["source"]
    # `aliases` is an array; Django searches its text form, so "NESTA" finds ["Nesta", …].
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_post_counts()

    @admin.display(description="posts", ordering="post_count")
    def post_count(self, topic):
        return topic.post_count


@admin.register(Archive)
class ArchiveAdmin(admin.ModelAdmin):
    list_display = ["name", "header", "imported_at", "post_count"]
    search_fields = ["name", "header"]
    readonly_fields = ["checksum", "imported_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts", distinct=True))

    @admin.display(description="posts", ordering="post_count")
    def post_count(self, archive):
        return archive.post_count
