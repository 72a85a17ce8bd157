"""The moderation log: `record()` adds one entry; nothing else writes to it.

Call it inside the transaction of the action it records, so an action and its entry are
committed together or not at all. The table refuses UPDATE and DELETE (migration 0002).
"""

from __future__ import annotations

from community.models import LogEntry, LogKind
from core.cache import site_changed


class ReasonRequired(ValueError):
    """A moderation action was asked for without a reason; nothing was done."""

    def __init__(self):
        super().__init__("Please give a reason: it is shown in the public log.")


def clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())[:500]
    if not reason:
        raise ReasonRequired()
    return reason


def record(
    *, kind: LogKind, actor, target: str, reason: str, target_url: str = "", detail: str = ""
) -> LogEntry:
    site_changed()  # the public log (a cached page for anonymous readers) has a new entry
    return LogEntry.objects.create(
        kind=kind,
        actor=actor,
        target=target[:300],
        target_url=target_url[:500],
        reason=clean_reason(reason),
        detail=detail[:300],
    )
