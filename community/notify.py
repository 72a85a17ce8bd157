"""Writing notifications: one outbox row per watcher of a change, in the change's transaction.

Nothing here sends mail (that is `community.delivery`, run by `manage.py send_notifications`),
so a save never waits for a mail server and a rolled-back save leaves no notification behind.
Nobody is told about their own change; "never" writes nothing; "daily" rows all come due at
the same time, the person's next digest, and go out as one message.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from community.models import EmailMode, Notification
from community.targets import Target
from community.watching import watchers

DIGEST_INTERVAL = timedelta(days=1)


def absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url


def _digest_due(user_id: int, now) -> object:
    pending = (
        Notification.objects.pending()
        .filter(recipient_id=user_id, digest=True)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    return pending or now + DIGEST_INTERVAL


def queue_change(*, target: Target, actor, subject: str, body: str, url: str) -> int:
    """Queue `subject`/`body` for every watcher of `target` but `actor`. Returns rows written."""
    now = timezone.now()
    rows = []
    for person_id, email, mode in watchers(target):
        if actor is not None and person_id == actor.pk:
            continue
        mode = mode or EmailMode.EACH
        if mode == EmailMode.NEVER or not email:
            continue
        digest = mode == EmailMode.DAILY
        rows.append(
            Notification(
                recipient_id=person_id,
                subject=subject[:300],
                body=body,
                url=absolute(url)[:500],
                digest=digest,
                created_at=now,
                due_at=_digest_due(person_id, now) if digest else now,
            )
        )
    Notification.objects.bulk_create(rows)
    return len(rows)
