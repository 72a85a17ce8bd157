"""`user_block`: the block in force on the person reading, for templates that offer a write
(the Edit tab, the talk forms), so a blocked account is not shown forms it cannot send.

Lazy, and kept in the session as the moderator flag is (wiki.permissions): a logged-in page
reads no block rows, and the answer is rechecked every SESSION_RECHECK_SECONDS. Showing is all
it decides; every write is refused by community.middleware, which always asks the database.
"""

import time

from django.utils.functional import SimpleLazyObject

from community.blocks import active_block
from community.models import Block

SESSION_KEY = "community_block"
SESSION_RECHECK_SECONDS = 300


def user_block(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_block": None}
    return {"user_block": SimpleLazyObject(lambda: _block_for_reading(request))}


def _block_for_reading(request) -> Block | None:
    user = request.user
    now = int(time.time())
    kept = request.session.get(SESSION_KEY)
    if kept and kept[0] == user.pk and 0 <= now - kept[1] < SESSION_RECHECK_SECONDS:
        return Block.objects.active().filter(pk=kept[2]).first() if kept[2] else None
    block = active_block(user)
    request.session[SESSION_KEY] = [user.pk, now, block.pk if block else None]
    return block
