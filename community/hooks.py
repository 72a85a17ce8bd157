"""What community does when the wiki changes: registered with `wiki.seams` (community.apps), so
the wiki's services call it inside the transaction of their change without importing community.

`revision_saved` after any new revision (an edit, a revert, a move): the editor watches the
page (unless they turned that off), the page's watchers are queued a notification, and a new
volunteer's edit joins the review queue. `moderated` records a moderation action in the log.
"""

from __future__ import annotations

from django.urls import reverse

from community import modlog, notify, review
from community.models import LogKind
from community.targets import target_for_page
from community.watching import watch_if_wanted
from wiki.models import Page, Revision


def revision_saved(revision: Revision, author) -> None:
    page = revision.page
    target = target_for_page(page)
    if author is not None:
        watch_if_wanted(author, target)
    who = author.username if author else "The importer"
    summary = f" ({revision.summary})" if revision.summary else ""
    diff = reverse("wiki:diff", args=[page.slug]) + f"?to={revision.number}"
    notify.queue_change(
        target=target,
        actor=author,
        subject=f"{who} changed {target.title}",
        body=f"{who} saved revision {revision.number} of {target.title}{summary}.",
        url=diff,
    )
    review.queue_if_new(revision, author)


def moderated(*, kind: str, actor, page: Page, reason: str, detail: str = "") -> None:
    modlog.record(
        kind=LogKind(kind),
        actor=actor,
        target=page.title,
        target_url=page.get_absolute_url(),
        reason=reason,
        detail=detail,
    )
