"""The one table core keeps: the CDN's purge outbox (core.purges)."""

from django.db import models


class Purge(models.Model):
    """A dependency key the CDN must forget, written in the same transaction as the change, so
    a purge is never lost; sent and deleted by the worker (`send_notifications`)."""

    key = models.CharField(max_length=100)
    due_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    def __str__(self):
        return self.key
