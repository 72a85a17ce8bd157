"""Making, revoking and checking personal access tokens. A token is `bsk_` and 43 URL-safe
characters (32 random bytes); the database holds its SHA-256 only."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from api.models import AccessToken, TokenScope

TOKEN_PREFIX = "bsk_"
MAX_ACTIVE_TOKENS = 20
# `last_used_at` is written at most this often per token: not a write on every API request.
LAST_USED_PRECISION = timedelta(minutes=5)


class TokenError(ValueError):
    """A token that cannot be made as asked; nothing was written."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, user, name: str, scope: str) -> tuple[AccessToken, str]:
    """(the stored token, the token itself): show the second once, it is not kept."""
    name = " ".join((name or "").split())[:100]
    if not name:
        raise TokenError("Give the token a name, so you can tell it from others later.")
    if scope not in TokenScope.values:
        raise TokenError("Choose read or write.")
    with transaction.atomic():
        if AccessToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
            raise TokenError(f"You have {MAX_ACTIVE_TOKENS} tokens: revoke one you no longer use.")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        stored = AccessToken.objects.create(
            user=user, name=name, scope=scope, token_hash=token_hash(secret), prefix=secret[:10]
        )
    return stored, secret


def revoke_token(*, user, token_id: int) -> bool:
    """Revoke one of `user`'s tokens; False when it is not theirs or already revoked."""
    return bool(
        AccessToken.objects.active()
        .filter(user=user, pk=token_id)
        .update(revoked_at=timezone.now())
    )


def token_for(secret: str) -> AccessToken | None:
    """The active token `secret` names, with its (active) user; None otherwise."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    found = (
        AccessToken.objects.active()
        .select_related("user")
        .filter(token_hash=token_hash(secret), user__is_active=True)
        .first()
    )
    if found is None:
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
        AccessToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found
