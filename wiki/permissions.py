"""Who may do what: anonymous visitors read, volunteers edit, moderators also protect, revert,
delete and restore. The moderators' group is named `moderators` (created by a data migration)."""

import time

from wiki.models import Page

MODERATORS_GROUP = "moderators"
# Pages that only *show* moderator tools read the flag from the session, rechecked this often.
SESSION_KEY = "wiki_moderator"
SESSION_RECHECK_SECONDS = 300


def is_moderator(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object: a page asks several times per request.
    if not hasattr(user, "_wiki_is_moderator"):
        user._wiki_is_moderator = user.groups.filter(name=MODERATORS_GROUP).exists()
    return user._wiki_is_moderator


def can_edit(user, page: Page | None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if page is not None and (page.protected or page.is_deleted):
        return is_moderator(user)
    return True


def is_moderator_for_reading(request) -> bool:
    """`is_moderator(request.user)`, kept in the session for pages that only show moderator
    tools or a deleted page's history: a logged-in page then reads no group rows.

    Rechecked every SESSION_RECHECK_SECONDS, so someone taken out of the group may see those
    tools for up to five minutes in a session already open; every moderator *action* (protect,
    revert, delete, restore: wiki.views_moderation) asks the database with `is_moderator`.
    """
    user = request.user
    if not user.is_authenticated:
        return False
    now = int(time.time())
    kept = request.session.get(SESSION_KEY)
    if kept and kept[0] == user.pk and 0 <= now - kept[2] < SESSION_RECHECK_SECONDS:
        return bool(kept[1])
    flag = is_moderator(user)
    request.session[SESSION_KEY] = [user.pk, flag, now]
    return flag
