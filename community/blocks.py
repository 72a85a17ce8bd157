"""Blocks: a moderator stops an account from writing for a time, with a reason.

A blocked account still reads everything; `community.middleware` refuses its writes. Durations
are MediaWiki's relative forms: "2 hours", "1 day", "3 weeks", "1 month", "1 year",
"indefinite" (or "infinite", "never").
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from community import modlog
from community.models import Block, LogKind

DURATION_CHOICES = ["2 hours", "1 day", "3 days", "1 week", "1 month", "1 year", "indefinite"]
INDEFINITE = {"indefinite", "infinite", "infinity", "never"}
_UNITS = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
    "month": timedelta(days=30),
    "year": timedelta(days=365),
}
_DURATION = re.compile(r"^(\d{1,4})\s*(minute|hour|day|week|month|year)s?$")


class BlockError(ValueError):
    """A block that cannot be made as asked; nothing was written."""


def parse_duration(text: str) -> timedelta | None:
    """A `timedelta`, or None for an indefinite block; `BlockError` when not understood."""
    text = " ".join((text or "").lower().split())
    if text in INDEFINITE:
        return None
    match = _DURATION.match(text)
    if not match or int(match[1]) == 0:
        raise BlockError(f"“{text}” is not a duration; try “1 day”, “1 week” or “indefinite”.")
    return int(match[1]) * _UNITS[match[2]]


def active_block(user) -> Block | None:
    if not user.is_authenticated:
        return None
    return Block.objects.active().filter(user=user).order_by("-created_at").first()


def block_user(*, user, by, reason: str, duration: str) -> Block:
    if user.pk == by.pk:
        raise BlockError("You cannot block yourself.")
    length = parse_duration(duration)
    reason = modlog.clean_reason(reason)
    now = timezone.now()
    with transaction.atomic():
        # A new block replaces the one in force, as MediaWiki's "reblock" does.
        Block.objects.active(now).filter(user=user).update(lifted_at=now)
        block = Block.objects.create(
            user=user, by=by, reason=reason, expires_at=now + length if length else None
        )
        until = f"until {block.expires_at:%d %b %Y %H:%M} UTC" if length else "indefinitely"
        modlog.record(
            kind=LogKind.BLOCK,
            actor=by,
            target=user.username,
            target_url=reverse("wiki:user", args=[user.username]),
            reason=reason,
            detail=f"{duration.strip()} ({until})",
        )
    return block


def unblock_user(*, user, by, reason: str) -> int:
    reason = modlog.clean_reason(reason)
    with transaction.atomic():
        lifted = Block.objects.active().filter(user=user).update(lifted_at=timezone.now())
        if lifted:
            modlog.record(
                kind=LogKind.UNBLOCK,
                actor=by,
                target=user.username,
                target_url=reverse("wiki:user", args=[user.username]),
                reason=reason,
            )
    return lifted
