"""Admin: the moderation log is read-only (the database refuses changes anyway); group changes
made in the admin's user form are recorded in it; the rest can be browsed."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from community import modlog
from community.models import Block, LogEntry, LogKind, Notification, Review


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "actor", "target", "reason"]
    list_filter = ["kind"]
    search_fields = ["target", "reason", "actor__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["user", "by", "reason", "created_at", "expires_at", "lifted_at"]
    readonly_fields = ["user", "by", "reason", "created_at", "expires_at", "lifted_at"]

    def has_add_permission(self, request):
        return False  # blocks are made at /users/<name>/block/, so the log records them


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "subject", "digest", "due_at", "attempts", "sent_at"]
    list_filter = ["digest"]


admin.site.register(Review)

User = get_user_model()


class LoggedGroupsUserAdmin(UserAdmin):
    """Django's user admin, recording each change of a person's groups in the log."""

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.groups.values_list("name", flat=True))
        if before != after:
            added = ", ".join(f"+{name}" for name in sorted(after - before))
            removed = ", ".join(f"−{name}" for name in sorted(before - after))
            modlog.record(
                kind=LogKind.GROUPS,
                actor=request.user,
                target=form.instance.username,
                reason="Changed in the admin",
                detail=" ".join(part for part in (added, removed) if part),
            )


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, LoggedGroupsUserAdmin)
