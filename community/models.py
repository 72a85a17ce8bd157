"""What volunteers do together: watches, preferences, the mail outbox, talk, the moderation log,
blocks and the review queue.

Shaped after MediaWiki's tables, cut to what bigsoc needs:
- `Watch` is MediaWiki's `watchlist` row (who watches what); "new since your last visit" is read
  against `Preference.watchlist_seen_at` rather than a per-row notification timestamp.
- `Notification` is an outbox: written in the transaction of the change it reports, sent later by
  `manage.py send_notifications` (see `community.delivery`).
- `LogEntry` is MediaWiki's `logging` table (kind, actor, target, reason, time); append-only in the
  database: a trigger (migration 0002) refuses UPDATE and DELETE.
- `Block` is MediaWiki's `ipblocks` for accounts only: reason, by whom, until when (null: never
  ends), lifted early by an unblock.

A watch, a talk thread and so on point at either a wiki page or a topic ("a target"): a topic's
entry page is always reached through its topic, so a topic is watched and discussed whether or
not anyone has written its entry yet.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

ONE_TARGET = Q(page__isnull=False, topic__isnull=True) | Q(page__isnull=True, topic__isnull=False)


class Watch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey("wiki.Page", null=True, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey("posts.Topic", null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=ONE_TARGET, name="watch_one_target"),
            models.UniqueConstraint(fields=["user", "page"], name="unique_page_watch"),
            models.UniqueConstraint(fields=["user", "topic"], name="unique_topic_watch"),
        ]

    def __str__(self):
        return f"{self.user_id} watches {self.page_id or self.topic_id}"


class EmailMode(models.TextChoices):
    EACH = "each", "An e-mail for each change"
    DAILY = "daily", "One daily digest"
    NEVER = "never", "No e-mail"


class Preference(models.Model):
    """A volunteer's settings; a missing row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_preference"
    )
    email_mode = models.CharField(max_length=5, choices=EmailMode.choices, default=EmailMode.EACH)
    watch_edits = models.BooleanField(default=True, help_text="Watch pages I edit or discuss.")
    watchlist_seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"preferences of {self.user_id}"


class NotificationQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.pending().filter(due_at__lte=now or timezone.now())

    def pending(self):
        return self.filter(sent_at__isnull=True, failed_at__isnull=True)


class Notification(models.Model):
    """One change to tell one person about; sent alone or in that person's daily digest."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    url = models.CharField(max_length=500)
    digest = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set when no retry could send it (a header that cannot be written): never tried again.
    failed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(sent_at__isnull=True), name="notification_due"
            )
        ]

    def __str__(self):
        return f"to {self.recipient_id}: {self.subject}"


class TalkThread(models.Model):
    page = models.ForeignKey("wiki.Page", null=True, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey("posts.Topic", null=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=ONE_TARGET, name="thread_one_target")]
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class TalkCommentQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related(
            "author", "thread", "thread__page", "thread__topic", "hidden_by"
        ).defer("text")


class TalkComment(models.Model):
    thread = models.ForeignKey(TalkThread, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    # Rendered and sanitised on save by the wiki's renderer; reads never re-render.
    html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = TalkCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"comment {self.pk} in {self.thread_id}"

    @property
    def is_hidden(self) -> bool:
        return bool(self.hidden_by_id)

    @property
    def anchor(self) -> str:
        return f"c{self.pk}"


class LogKind(models.TextChoices):
    PROTECT = "protect", "protected"
    UNPROTECT = "unprotect", "unprotected"
    MOVE = "move", "moved"
    DELETE = "delete", "deleted"
    RESTORE = "restore", "restored"
    REVERT = "revert", "reverted"
    BLOCK = "block", "blocked"
    UNBLOCK = "unblock", "unblocked"
    HIDE = "hide", "hid a comment on"
    GROUPS = "groups", "changed the groups of"
    REVIEW = "review", "reviewed"


class LogEntryQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-created_at", "-id")


class LogEntry(models.Model):
    """One moderation action. Never changed or deleted: the database refuses it."""

    kind = models.CharField(max_length=10, choices=LogKind.choices, db_index=True)
    # PROTECT: the public record keeps who acted; an account with log entries is deactivated.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=True
    )
    target = models.CharField(max_length=300, db_index=True, help_text="A title or username.")
    target_url = models.CharField(max_length=500, blank=True)
    reason = models.CharField(max_length=500)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="log_reason_required")]
        verbose_name_plural = "log entries"

    def __str__(self):
        return f"{self.actor_id} {self.kind} {self.target}"

    def get_absolute_url(self):
        return reverse("community:log") + f"#log-{self.pk}"


class BlockQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class Block(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: indefinite.")
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = BlockQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["user"], condition=Q(lifted_at__isnull=True), name="block_open")
        ]

    def __str__(self):
        return f"block of {self.user_id}"


class Review(models.Model):
    """An edit by a new volunteer, waiting for a moderator (reviewed_at empty) or done."""

    revision = models.OneToOneField("wiki.Revision", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=10, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(reviewed_at__isnull=True), name="review_open"
            )
        ]

    def __str__(self):
        return f"review of {self.revision_id}"
