"""Talk pages: threads of comments about a page or topic.

Comments are Markdown rendered once, on save, by the wiki's one sanitising renderer. An author
may change their comment for `EDIT_WINDOW`; a moderator may hide one with a reason (the hide is
logged, the text kept for the record but no longer shown). Each new comment is queued for the
target's watchers in the same transaction.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from community import modlog, notify
from community.models import LogKind, TalkComment, TalkThread
from community.targets import Target
from community.watching import watch_if_wanted
from core.cache import RECENT, site_changed
from wiki.links import render_text

EDIT_WINDOW = timedelta(minutes=15)
MAX_TEXT = 20_000
THREAD_TITLE_CHARS = 80


class TalkError(ValueError):
    """A comment that cannot be written as asked; nothing was written."""


def _clean_text(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise TalkError("Write something first: the comment is empty.")
    if len(text) > MAX_TEXT:
        raise TalkError(f"A comment can be at most {MAX_TEXT:,} characters.")
    return text


def _title_from(text: str) -> str:
    first = text.strip().splitlines()[0].lstrip("#> ").strip()
    return first[:THREAD_TITLE_CHARS] or "Comment"


def _queue(target: Target, comment: TalkComment, verb: str) -> None:
    notify.queue_change(
        target=target,
        actor=comment.author,
        subject=f"{comment.author.username} {verb} on the talk page of {target.title}",
        body=comment.text[:1000],
        url=f"{target.talk_url}#{comment.anchor}",
    )


def post_comment(
    *, target: Target, author, text: str, thread: TalkThread | None = None, title: str = ""
) -> TalkComment:
    """A reply to `thread`, or a new thread (titled `title` or by the text's first line)."""
    text = _clean_text(text)
    with transaction.atomic():
        if thread is None:
            thread = TalkThread.objects.create(
                author=author,
                title=" ".join(title.split())[:200] or _title_from(text),
                **target.filter(),
            )
        comment = TalkComment.objects.create(
            thread=thread, author=author, text=text, html=render_text(text)[0].html
        )
        watch_if_wanted(author, target)
        _queue(target, comment, "wrote")
        site_changed({RECENT})  # anonymous readers' cached talk page and /recent/ are stale now
    return comment


def can_edit_comment(user, comment: TalkComment, now=None) -> bool:
    now = now or timezone.now()
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and not comment.is_hidden
        and now - comment.created_at <= EDIT_WINDOW
    )


def edit_comment(*, comment: TalkComment, author, text: str) -> TalkComment:
    if not can_edit_comment(author, comment):
        raise TalkError("Comments can be changed by their author for 15 minutes after posting.")
    text = _clean_text(text)
    comment.text, comment.html = text, render_text(text)[0].html
    comment.edited_at = timezone.now()
    comment.save(update_fields=["text", "html", "edited_at"])
    site_changed({RECENT})
    return comment


def hide_comment(*, comment: TalkComment, moderator, reason: str, target: Target) -> None:
    reason = modlog.clean_reason(reason)
    with transaction.atomic():
        TalkComment.objects.filter(pk=comment.pk).update(hidden_by=moderator, hidden_reason=reason)
        site_changed({RECENT})
        modlog.record(
            kind=LogKind.HIDE,
            actor=moderator,
            target=target.title,
            target_url=f"{target.talk_url}#{comment.anchor}",
            reason=reason,
            detail=f"a comment by {comment.author.username}",
        )
