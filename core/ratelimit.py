"""One budget of writes per person, shared by every kind of write: a save, a preview (it renders
like a save), a move, a revert, protecting, deleting or restoring a page, and any new write an
app adds (talk, watchlists: call `spend_write` first).

The budget is WIKI_EDIT_RATE, "writes/seconds" (default 30 in 600 s), counted in a fixed window
in the shared cache, so every worker and server sees the same count. Each attempt counts, saved
or not: the limit bounds the work one account can ask of the site, and a refused or conflicting
save cost as much to render as a good one. Views call `spend_write` before doing the work and
answer `RateLimited` with 429, keeping what the person typed.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


class RateLimited(Exception):
    """The person has used up the current window's writes; nothing was done."""

    def __init__(self, limit: int, window: int):
        minutes = max(1, window // 60)
        super().__init__(
            f"You have made {limit} changes in the last {minutes} minutes, which is our limit. "
            "Please wait a few minutes and try again; your text is kept below."
        )


def write_rate() -> tuple[int, int]:
    """(writes, seconds) from WIKI_EDIT_RATE, e.g. "30/600"."""
    count, _, seconds = str(settings.WIKI_EDIT_RATE).partition("/")
    return int(count), int(seconds or 600)


def _key(user) -> str:
    return f"core:write-rate:{user.pk}"


def spend_write(user) -> None:
    """Count one write by `user`; `RateLimited` (and nothing else done) past the budget.
    Anonymous people cannot write, and the system (None) is never limited."""
    if user is None or not user.is_authenticated:
        return
    limit, window = write_rate()
    key = _key(user)
    # A fixed window: the first write of a window creates the counter with the window's expiry.
    if cache.add(key, 1, timeout=window):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this write opens a new window
        cache.set(key, 1, timeout=window)
        return
    if count > limit:
        raise RateLimited(limit, window)


# --- Attempts by someone not logged in: sign-ups, password resets --------------------------------


class Throttled(Exception):
    """Too many attempts of one kind from one address, or for one account; nothing was done.
    `what` names which: "this address" or "this account"."""

    def __init__(self, what: str, window: int):
        self.what = what
        minutes = max(1, window // 60)
        super().__init__(
            f"Too many attempts from {what} in the last {minutes} minutes. "
            "Please wait a while and try again."
        )


def parse_rate(rate: str) -> tuple[int, int]:
    """(attempts, seconds) from "attempts/seconds", e.g. "5/3600"."""
    count, _, seconds = str(rate).partition("/")
    return int(count), int(seconds or 3600)


def spend_attempt(kind: str, subject: str, *, rate: str, what: str) -> None:
    """Count one `kind` attempt ("signup", "reset") by `subject` (a network address, an account's
    e-mail) in the shared cache; `Throttled(what)` past `rate`. A fixed window, as above."""
    limit, window = parse_rate(rate)
    key = f"core:attempts:{kind}:{hashlib.sha256(subject.casefold().encode()).hexdigest()}"
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.set(key, 1, timeout=window)
            count = 1
    if count > limit:
        raise Throttled(what, window)
