"""Every write the API makes, in one place, each with the effects the site's own view gives it.

The wiki's services announce their own changes (watch, notify, review: `wiki.seams`, inside the
service's transaction), so an API write has every effect of the same edit on the site. What the
views add before the service is checked here too, in the same order: a blocked account is
refused (`community.middleware` does it for a logged-in browser, which a token request is not),
then the permission, then the write budget (`spend_write`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import Http404

from api.errors import ApiError, not_found
from community.blocks import active_block
from community.models import TalkComment, TalkThread
from community.talk import TalkError, post_comment
from community.targets import Target, target_for_slug
from community.watching import unwatch, watch
from core.ratelimit import RateLimited, spend_write
from posts.models import Topic
from wiki.budget import RenderRefused
from wiki.models import Page, PageRedirect, Revision
from wiki.permissions import can_edit
from wiki.services import EditConflict, PageError, create_page, normalise_text, save_revision


@dataclass(frozen=True)
class Saved:
    revision: Revision
    changed: bool  # False: the text was the current text, nothing was written
    created: bool


def _refuse_blocked(user) -> None:
    block = active_block(user)
    if block is not None:
        until = (
            f"until {block.expires_at:%d %b %Y %H:%M} UTC" if block.expires_at else "indefinitely"
        )
        raise ApiError(403, "blocked", f"Your account is blocked {until}: {block.reason}")


def _spend(user) -> None:
    try:
        spend_write(user)
    except RateLimited as error:
        raise ApiError(429, "rate_limited", str(error)) from error


def _moved_to(slug: str) -> Page | None:
    moved = PageRedirect.objects.filter(old_slug=slug).select_related("page").first()
    return moved.page if moved is not None else None


def save_page(
    *, user, slug: str, text: str, summary: str, base_revision: int | None, title: str = ""
) -> Saved:
    """Edit the page at `slug` from `base_revision`, or create it (base 0 or none) when there is
    no page there: as POST /wiki/<slug>/edit/ does. A stale base is a 409 with both texts."""
    _refuse_blocked(user)
    page = Page.objects.with_current().filter(slug=slug).first()
    topic = None
    if page is None:
        moved = _moved_to(slug)
        if moved is not None:
            raise ApiError(
                409, "moved", f"This page moved to “{moved.title}”: edit it at its new slug.",
                slug=moved.slug,
            )  # fmt: skip
        topic = Topic.objects.filter(slug=slug).first()
        if base_revision:
            raise not_found("There is no page here to edit; send base_revision 0 to create it.")
    elif page.is_deleted:
        raise ApiError(410, "deleted", "This page was deleted; a moderator may restore it.")
    if not can_edit(user, page):
        raise ApiError(403, "protected", "This page is protected: only moderators may edit it.")
    _spend(user)
    edit = {"text": text, "author": user, "summary": summary}
    try:
        with transaction.atomic():
            if page is None:
                # The entry of a topic always takes the topic's name (and so its slug).
                name = topic.name if topic else (title or slug.replace("-", " "))
                revision = create_page(title=name, **edit)
            else:
                revision = save_revision(page=page, base_revision=base_revision, **edit)
            changed = revision.number != (base_revision or 0)
    except EditConflict as conflict:
        raise _conflict(conflict.current_revision, text, base_revision) from conflict
    except RenderRefused as error:
        raise ApiError(400, "too_costly", str(error)) from error
    except PageError as error:
        raise ApiError(400, "invalid", str(error)) from error
    return Saved(revision=revision, changed=changed, created=page is None)


def _conflict(current: Revision | None, text: str, base_revision: int | None) -> ApiError:
    if current is None:
        return not_found("The page you were editing no longer exists.")
    current = Revision.objects.get(pk=current.pk)
    return ApiError(
        409,
        "conflict",
        f"The page changed since revision {base_revision or 0}: nothing was saved. Merge your "
        f"text with revision {current.number} and send it again with that base_revision.",
        base_revision=base_revision or 0,
        current_revision=current.number,
        current_text=current.text,
        your_text=normalise_text(text),
    )


def _target(slug: str) -> Target:
    try:
        return target_for_slug(slug)
    except Http404 as missing:
        raise not_found("There is no page or topic here.") from missing


def set_watching(*, user, slug: str, watching: bool) -> Target:
    """Watch or stop watching the page or topic at `slug`, as its watch button does."""
    _refuse_blocked(user)
    target = _target(slug)
    _spend(user)
    (watch if watching else unwatch)(user, target)
    return target


def post_talk(*, user, slug: str, text: str, title: str = "", thread: int | None) -> TalkComment:
    """A comment on the talk page of `slug`: a reply when `thread` names one of its threads."""
    _refuse_blocked(user)
    target = _target(slug)
    found = None
    if thread is not None:
        found = TalkThread.objects.filter(pk=thread, **target.filter()).first()
        if found is None:
            raise not_found("There is no such thread on this talk page.")
    _spend(user)
    try:
        return post_comment(target=target, author=user, text=text, thread=found, title=title)
    except TalkError as error:
        raise ApiError(400, "invalid", str(error)) from error
