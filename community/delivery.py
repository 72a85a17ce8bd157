"""Sending the outbox: what `manage.py send_notifications` runs.

Each recipient's due rows are locked with `SELECT ... FOR UPDATE SKIP LOCKED`, sent as one
message (one change, or a digest of several), and marked sent in the same transaction. So:
- two workers never send the same rows (the second skips what the first holds);
- a worker that dies mid-batch commits nothing for the recipient it was on: those rows stay
  due and the next run sends them (at least once: a crash after the mail server accepted a
  message but before the commit sends it again);
- a mail server that refuses or is down leaves the rows unsent, with the error, due again
  after a backoff that doubles per attempt (1 minute up to 6 hours);
- a message that cannot be written at all (a recipient address holding a line break) is
  marked failed once, with a log line, and never tried again: no retry could send it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import BadHeaderError, EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.verification import verified_recipients
from community.models import Notification
from core.text import clean_name

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "community.unsubscribe"
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
BATCH = 200


@dataclass
class DeliveryResult:
    sent: int = 0
    failed: int = 0


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_for_token(token: str):
    """The account a token was made for, or None when the token is not ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=data.get("u")).first()


def unsubscribe_url(user) -> str:
    path = reverse("community:unsubscribe", args=[unsubscribe_token(user)])
    return settings.SITE_URL.rstrip("/") + path


def backoff(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def build_message(recipient, rows: list[Notification], connection=None) -> EmailMessage:
    unsubscribe = unsubscribe_url(recipient)
    if len(rows) == 1 and not rows[0].digest:
        # A topic's name from an archive may hold a line break: a header cannot.
        subject = clean_name(rows[0].subject)
        body = f"{rows[0].body}\n\n{rows[0].url}\n"
    else:
        subject = f"bigsoc: {len(rows)} change{'s' if len(rows) != 1 else ''} on your watchlist"
        body = "\n\n".join(f"* {row.subject}\n  {row.body}\n  {row.url}" for row in rows) + "\n"
    body += (
        f"\nYou get this because you watch these pages on bigsoc. Your watchlist: "
        f"{settings.SITE_URL.rstrip('/')}{reverse('community:watchlist')}\n"
        f"Stop these e-mails with one click: {unsubscribe}\n"
    )
    return EmailMessage(
        subject=subject,
        body=body,
        to=[recipient.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            # RFC 8058: mail clients may unsubscribe with one POST, no page to visit.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _due_recipients(now, limit: int) -> list[int]:
    # Only to a verified address (accounts.verification): an unverified one's rows wait.
    return list(
        Notification.objects.due(now)
        .filter(verified_recipients())
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()[:limit]
    )


def deliver_due(*, now=None, limit: int = BATCH, connection=None) -> DeliveryResult:
    """Send every message due at `now` (for up to `limit` recipients); see the module docstring."""
    now = now or timezone.now()
    result = DeliveryResult()
    connection = connection or get_connection()
    people = get_user_model().objects.in_bulk(_due_recipients(now, limit))
    for recipient_id, recipient in people.items():
        with transaction.atomic():
            rows = list(
                Notification.objects.due(now)
                .filter(recipient_id=recipient_id)
                .select_for_update(skip_locked=True)
                .order_by("created_at", "id")
            )
            if not rows:
                continue  # another worker holds them, or sent them meanwhile
            try:
                message = build_message(recipient, rows, connection)
                message.message()  # writes the headers: refuses what no mail server would take
            except (BadHeaderError, ValueError) as error:
                log.error("Mail to %s can never be sent, marked failed: %s", recipient_id, error)
                Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                    failed_at=timezone.now(), last_error=str(error)[:500]
                )
                result.failed += len(rows)
                continue
            try:
                message.send()
            except Exception as error:  # the mail server's failure, whatever its type
                log.warning("Mail to %s failed: %s", recipient_id, error)
                for row in rows:
                    row.attempts += 1
                    row.due_at = timezone.now() + backoff(row.attempts)
                    row.last_error = str(error)[:500]
                Notification.objects.bulk_update(rows, ["attempts", "due_at", "last_error"])
                result.failed += len(rows)
            else:
                sent = timezone.now()
                Notification.objects.filter(pk__in=[row.pk for row in rows]).update(sent_at=sent)
                result.sent += len(rows)
    return result
