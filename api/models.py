"""Personal access tokens for the JSON API (docs/api.md).

Only a token's SHA-256 is stored: the token itself is shown once, when it is made, and
cannot be read back from the database. A token is scoped `read` or `write`, belongs to one
account, and is revoked (kept, with the time) rather than deleted, so a volunteer's list says
what was in use and when.
"""

from django.conf import settings
from django.db import models


class TokenScope(models.TextChoices):
    READ = "read", "read only"
    WRITE = "write", "read and write"


class AccessTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class AccessToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, to tell them apart.")
    scope = models.CharField(max_length=5, choices=TokenScope.choices, default=TokenScope.READ)
    # sha256 hex of the whole token; the token has 256 random bits, so no salt or slow hash.
    token_hash = models.CharField(max_length=64, unique=True)
    # The token's first characters, shown in the list so its owner can recognise it.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.prefix}… ({self.name})"

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE
