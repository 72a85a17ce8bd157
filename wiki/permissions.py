"""Who may do what: anonymous visitors read, volunteers edit, moderators also protect, revert,
delete and restore. The moderators' group is named `moderators` (created by a data migration)."""

from wiki.models import Page

MODERATORS_GROUP = "moderators"


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
