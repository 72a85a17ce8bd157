"""The review queue: edits by new volunteers wait here until a moderator looks at them.

"New" is MediaWiki's autoconfirmed rule turned round: an account younger than `NEW_ACCOUNT_AGE`
or with at most `NEW_EDITS` edits. Moderators' own edits never wait. Readers and volunteers are
never shown whether an edit is in the queue.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from community import modlog
from community.models import Review
from wiki.models import Revision
from wiki.permissions import is_moderator
from wiki.services import delete_page, revert_to

NEW_EDITS = 10
NEW_ACCOUNT_AGE = timedelta(days=3)


class ReviewError(ValueError):
    """The review action cannot be done as asked; nothing was written."""


def is_new_volunteer(user, now=None) -> bool:
    now = now or timezone.now()
    if user is None or is_moderator(user):
        return False
    if now - user.date_joined < NEW_ACCOUNT_AGE:
        return True
    return Revision.objects.filter(author=user).count() <= NEW_EDITS


def queue_if_new(revision: Revision, author) -> None:
    if is_new_volunteer(author):
        # One INSERT … ON CONFLICT DO NOTHING: a revision is queued once, whoever asks again.
        Review.objects.bulk_create([Review(revision=revision)], ignore_conflicts=True)


def open_reviews():
    return (
        Review.objects.filter(reviewed_at__isnull=True)
        .select_related("revision", "revision__page", "revision__author")
        # The texts are read once, for the diffs (views_moderation._diffs); not the HTML.
        .defer(
            "revision__text",
            "revision__html",
            "revision__toc_html",
            "revision__page__html",
            "revision__page__toc_html",
            "revision__page__search_vector",
        )
        .order_by("created_at", "id")
    )


def _close(review: Review, moderator, outcome: str) -> None:
    Review.objects.filter(pk=review.pk).update(
        reviewed_at=timezone.now(), reviewed_by=moderator, outcome=outcome
    )


def mark_reviewed(*, review: Review, moderator) -> None:
    _close(review, moderator, "ok")


def revert_reviewed(*, review: Review, moderator, reason: str) -> Revision | None:
    """Undo the edit under review in one step: back to the text before it (a first revision:
    the page is deleted, its history kept). Refused when later edits came on top of it."""
    reason = modlog.clean_reason(reason)
    revision = review.revision
    page = revision.page
    if page.current_revision_id != revision.pk:
        raise ReviewError("Later edits came on top of this one: revert it from the history.")
    detail = (
        f"revision {revision.number} by "
        f"{revision.author.username if revision.author else 'system'} (review queue)"
    )
    # The wiki's services write the log entry and tell watchers, as for any revert or delete.
    with transaction.atomic():
        if revision.parent_id is None:
            delete_page(page=page, actor=moderator, reason=reason, detail=detail)
            new = None
        else:
            new = revert_to(
                revision=revision.parent, author=moderator, reason=reason, detail=detail
            )
        _close(review, moderator, "reverted")
    return new
