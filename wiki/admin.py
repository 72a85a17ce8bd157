"""Admin: pages are browsable (protection and deletion editable), revisions strictly read-only.

Pages are created and edited through the wiki, whose services keep revisions and link tables in
step; the admin therefore cannot add pages or change their text."""

from django.contrib import admin

from wiki.models import Page, PageRedirect, Revision


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "topic", "protected", "is_deleted", "updated_at"]
    list_filter = ["protected", "is_deleted"]
    search_fields = ["title", "slug"]
    readonly_fields = [
        "title",
        "slug",
        "key",
        "topic",
        "current_revision",
        "created_at",
        "updated_at",
    ]
    fields = [*readonly_fields, "protected", "is_deleted"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["page", "number", "author", "summary", "minor", "size", "created_at"]
    list_filter = ["minor"]
    list_select_related = ["page", "author"]
    search_fields = ["page__title", "summary", "author__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PageRedirect)
class PageRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "page", "created_at"]
    list_select_related = ["page"]
    search_fields = ["old_slug", "page__title"]
