"""The shared page cache for anonymous readers, its dependency keys, and the site generation.

Each cacheable page names what it shows as *dependency keys* (`depends_on("page-12",
"recent")`: see the names below). Every key has a version in the default cache; a write that
readers could see names the keys it touches (`site_changed(keys)`, `archive_changed(keys)`) and
each gets a new version once the write's transaction has committed. A cached page remembers the
versions of its keys and is served only while they are all still current, so a saved edit shows
on the very next request on every worker while the 2,000 pages it does not touch stay cached.
Reading a page costs two cache round trips: the page, then its keys' versions (one SQL query
each with the database cache). docs/caching.md lists every key and what changes it.

The *generation* is kept beside the keys for what logged-in pages keep (`for_generation`): every
write, a watch toggle included, sets a new one, so a volunteer's own buttons are right at once;
anonymous pages do not depend on it.

Versions and generations are nanosecond timestamps from a clock that never runs ahead of real
time: each is now, or one nanosecond after the one before when the clock has not moved on. The
newest key's second is the page's Last-Modified, so it is never in the future. Two versions can
share a second, and then a client's If-Modified-Since cannot tell them apart: such a version is
marked (an odd value, see `_new_generation`) and answers 304 by its ETag only, never by date.

Only anonymous requests without a session or messages cookie are served from or stored in the
cache, and only 200 responses that set no cookie, used no CSRF token and do not ask to stay
private. Those responses carry an ETag and Last-Modified and answer conditional requests with 304,
and name their keys in `Surrogate-Key` and `xkey` headers for a CDN in front (core.purges).
"""

from __future__ import annotations

import hashlib
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.http import http_date

from core import replicas
from core.outages import UNAVAILABLE

GENERATION_KEY = "bigsoc:generation"
# A second generation, for the archive alone (posts, topics, which post has which topic): a wiki
# edit does not change what the archive's costly figures are computed from.
ARCHIVE_GENERATION_KEY = "bigsoc:archive-generation"
PAGE_KEY_PREFIX = "bigsoc:page:"
# Types a reader's page, feed or API answer comes in; anything else (files) is not cached.
CACHED_TYPES = ("text/html", "application/xml", "text/xml", "application/rss+xml",
                "application/atom+xml", "application/json")  # fmt: skip
SAFE_METHODS = ("GET", "HEAD")
# The cookies that make a request personal: a session (logged in, or a form in progress) and
# one-off messages. A CSRF cookie alone does not: cached pages never hold a token.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
NANOSECONDS = 1_000_000_000


# --- The generation ---------------------------------------------------------------------------


def _new_generation(previous: int | None) -> int:
    """Now in nanoseconds, but always after `previous`; odd when it shares `previous`'s second.

    The last bit says whether a Last-Modified (whole seconds) can serve as a validator: an even
    generation is the first of its second, so an If-Modified-Since of that second was sent by
    someone who saw it (or a later page); an odd one follows another in the same second, whose
    readers hold the same date. Flipping bit 0 never crosses a second (seconds start at even
    nanoseconds). A generation is never pushed into the next second: many saves in a row would
    put Last-Modified in the future.
    """
    now = time.time_ns()
    if previous is None:
        return now & ~1
    now = max(now, previous + 1)
    if now // NANOSECONDS == previous // NANOSECONDS:
        return now | 1
    return now & ~1


def date_validates(generation: int) -> bool:
    """Whether an If-Modified-Since of this generation's second proves the client has it."""
    return generation % 2 == 0


def _bump(key: str = GENERATION_KEY) -> None:
    # Not atomic across workers, and need not be: every bump runs after its own commit, so
    # whichever value wins, pages stored under it were rendered after both writes.
    cache.set(key, _new_generation(cache.get(key)), timeout=None)


def _bump_archive() -> None:
    _bump(ARCHIVE_GENERATION_KEY)


# --- Dependency keys --------------------------------------------------------------------------

KEY_PREFIX = "bigsoc:key:"
# Every cached page depends on ALL: a change that cannot say what it touched (an admin's edit)
# changes it. A page that names no keys depends on SITE, which every visible write changes, as
# the one generation did. RECENT: the lists of recent wiki changes (/recent/, its feed, the wiki
# index, contributions). ARCHIVE: the archive's lists (home, topic index, posts, authors, maps).
ALL = "all"
SITE = "site"
RECENT = "recent"
ARCHIVE = "archive"
# A change naming more keys than this (a large import) is announced as ALL: one purge, not
# thousands, and one version bump.
MOST_KEYS = 500

# The keys the current request's page depends on; set by PageCacheMiddleware around a view.
_depends: ContextVar[set | None] = ContextVar("bigsoc_depends", default=None)
# Whether the current request's write announced what it changed (or that readers see none of it).
_announced: ContextVar[bool] = ContextVar("bigsoc_announced", default=False)


def page_key_name(page_id: int) -> str:
    return f"page-{page_id}"


def topic_key_name(topic_id: int) -> str:
    return f"topic-{topic_id}"


def post_key_name(post_id: int) -> str:
    return f"post-{post_id}"


def depends_on(*keys: str) -> None:
    """Say that the page being rendered shows what these keys name (a no-op outside a cached
    request). Called by views, or by the helpers that load what they show."""
    found = _depends.get()
    if found is not None:
        found.update(keys)


def _bump_keys(keys: frozenset[str]) -> None:
    # One version for all, later than each one's last: they changed in the same commit. Not
    # atomic with other writers, and need not be: each bump runs after its own commit, as the
    # generation's does, so whichever value wins, pages stored under it are newer than both.
    names = [KEY_PREFIX + key for key in keys]
    version = _new_generation(max(cache.get_many(names).values(), default=None))
    cache.set_many(dict.fromkeys(names, version), timeout=None)


def _announce(keys) -> frozenset[str]:
    keys = frozenset(keys)
    if len(keys) > MOST_KEYS:
        keys = frozenset({ALL})
    _announced.set(True)
    from core import purges  # the outbox's model needs the app registry; cache is imported early

    queued = purges.queue(keys)  # in the write's transaction: a purge is never lost
    transaction.on_commit(lambda: _bump_keys(keys))
    # Only once the page cache has forgotten them: the CDN's next fetch gets the new page.
    transaction.on_commit(lambda: purges.send_now(queued))
    return keys


def keys_changed_now(keys) -> None:
    """Give `keys` new versions at once (the purge worker, before it purges the CDN), and new
    generations, so a page drawn for the CDN's next fetch keeps none of its kept parts."""
    keys = frozenset(keys)
    _bump()
    if keys & {ARCHIVE, ALL}:
        _bump_archive()
    _bump_keys(keys)


def _record_write() -> None:
    # With replicas, the write's position before any bump: nothing read from behind it is kept
    # under the new versions (core.replicas.current).
    if replicas.enabled():
        replicas.record_write()


def site_changed(keys=()) -> None:
    """Call after any write readers can see, naming the dependency keys it touched: pages that
    show them (and pages that name no keys) become stale once it commits.

    Inside a transaction the bumps wait for the commit (a page rendered before the commit must
    not be stored under the new versions); a rolled-back write bumps and purges nothing.
    """
    transaction.on_commit(_record_write)
    transaction.on_commit(_bump)
    _announce({SITE, *keys})


def archive_changed(keys=None) -> None:
    """Call after a write to the archive itself (posts, topics, which post has which topic),
    naming the posts and topics it changed (`post_key_name`, `topic_key_name`): as
    `site_changed()` with the archive's lists, and the figures kept by `for_archive` become
    stale too. Without keys (an ORM edit that cannot say) every page is stale."""
    # Before the keys and their purges: a page drawn after them must not use old figures.
    transaction.on_commit(_record_write)
    transaction.on_commit(_bump_archive)
    site_changed({ARCHIVE, *keys} if keys is not None else {ALL})


def readers_see_no_change() -> None:
    """Call from a logged-in write whose effects no anonymous reader sees (a watch, a
    preference): only the generation changes, so the volunteer's own page is right at once."""
    transaction.on_commit(_record_write)
    transaction.on_commit(_bump)
    _announced.set(True)


# The generations one reading request has seen, so it asks the cache for each only once: a
# logged-in page reads them for its kept lookups and again for each kept fragment (one round trip
# each, spent again for nothing). Set by PageCacheMiddleware around a logged-in GET or
# HEAD only; writes always read afresh. Seeing one generation throughout is also the consistent
# view: a page's parts all come from the same state of the site.
_seen_generations: ContextVar[dict | None] = ContextVar("bigsoc_seen_generations", default=None)


def _seen(key: str) -> int | None:
    seen = _seen_generations.get()
    return seen.get(key) if seen is not None else None


def _see(key: str, generation: int) -> None:
    seen = _seen_generations.get()
    if seen is not None:
        seen[key] = generation


def current_generation(key: str = GENERATION_KEY) -> int:
    generation = _seen(key)
    if generation is not None:
        return generation
    generation = cache.get(key)
    if generation is None:
        generation = _start_generation(key)
    _see(key, generation)
    return generation


def current_archive_generation() -> int:
    return current_generation(ARCHIVE_GENERATION_KEY)


def _start_generation(key: str = GENERATION_KEY) -> int:
    # The key is missing (first start, or the cache dropped it): a fresh value matches no page
    # stored before, so nothing stale can be served.
    cache.add(key, _new_generation(None), timeout=None)
    return cache.get(key)


# --- Costly figures ---------------------------------------------------------------------------

DATA_KEY_PREFIX = "bigsoc:data:"


def for_generation(name: str, compute, *, generation_key: str = GENERATION_KEY):
    """`compute()`, kept in the shared cache until the next write: for what every reader, logged
    in or not, sees alike (the home page's figures, a search's results).

    One cache round trip when fresh. With the page cache off (PAGE_CACHE_SECONDS=0, as in tests
    that write through the ORM) it always computes.
    """
    timeout = settings.PAGE_CACHE_SECONDS
    if not timeout:
        return compute()
    key = DATA_KEY_PREFIX + name
    generation = _seen(generation_key)
    if generation is not None:
        stored = cache.get(key)
    else:
        found = cache.get_many([generation_key, key])
        generation = found.get(generation_key)
        stored = found.get(key)
        if generation is None:
            generation = _start_generation(generation_key)
        _see(generation_key, generation)
    if stored is not None and stored[0] == generation:
        return stored[1]
    value = compute()
    if replicas.current(generation):  # read from a replica behind the latest write: not kept
        cache.set(key, (generation, value), timeout=timeout)
    return value


def named_key(kind: str, text: str) -> str:
    """A `for_generation` name for something named by a visitor's text (a slug from the
    address): hashed, so any text makes a short key the database cache (255 characters) and
    every backend accept."""
    return f"{kind}:{hashlib.sha256(text.encode()).hexdigest()}"


def for_archive(name: str, compute):
    """`compute()`, kept until the archive changes (`archive_changed`): for aggregates over the
    archive alone (topic sizes, related topics, shared posts). At 100,000 posts the largest
    topic's take seconds, and a wiki edit, which changes none of them, must not throw them away.
    """
    return for_generation(name, compute, generation_key=ARCHIVE_GENERATION_KEY)


def fragments(request) -> dict:
    """Context processor: what `{% cache page_cache_seconds name generation … %}` needs to keep
    a fragment every reader sees alike (a list of posts) until the next write. The generation is
    read only by templates that use it."""
    if not settings.PAGE_CACHE_SECONDS:
        # Nothing is kept (bigsoc/settings.py: the fragments' cache is a dummy): no generation
        # to read, so the fragments' keys cost no round trip.
        return {"generation": 0, "archive_generation": 0, "page_cache_seconds": 0}
    return {
        "generation": SimpleLazyObject(current_generation),
        # For fragments drawn from the archive alone (the topic index): kept across wiki edits.
        "archive_generation": SimpleLazyObject(current_archive_generation),
        "page_cache_seconds": settings.PAGE_CACHE_SECONDS,
    }


# --- Pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedPage:
    versions: tuple[tuple[str, int], ...]  # (cache key of a dependency key, its version)
    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str

    @property
    def generation(self) -> int:
        """The newest of its keys' versions: when what the page shows last changed."""
        return max(version for _, version in self.versions)

    @property
    def last_modified(self) -> int:
        return self.generation // NANOSECONDS

    @property
    def keys(self) -> list[str]:
        return sorted(name.removeprefix(KEY_PREFIX) for name, _ in self.versions)

    def is_current(self, found: dict) -> bool:
        return all(found.get(name) == version for name, version in self.versions)

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content)
        for name, value in self.headers:
            response[name] = value
        return response


UNCACHED_PATHS = frozenset({"/healthz"})


def page_key(request: HttpRequest) -> str:
    """One key per release, host and full path (query included), hashed to a fixed length."""
    url = f"{settings.RELEASE} {request.get_host()}{request.get_full_path()}"
    return PAGE_KEY_PREFIX + hashlib.sha256(url.encode()).hexdigest()


def is_anonymous_reader(request: HttpRequest) -> bool:
    return request.method in SAFE_METHODS and not any(
        name in request.COOKIES for name in PERSONAL_COOKIES
    )


def is_storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False  # the page holds a CSRF token: it belongs to one visitor
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if not response.get("Content-Type", "").startswith(CACHED_TYPES):
        return False
    cache_control = response.get("Cache-Control", "")
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    # Pages vary on the cookie (the header shows who is logged in); requests served here carry
    # no personal cookie, so that variation is covered. Anything else is not.
    varies = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return varies <= {"cookie"}


def _conditional(request, page: CachedPage, response: HttpResponse) -> HttpResponse:
    response["ETag"] = page.etag
    response["Last-Modified"] = http_date(page.last_modified)
    keys = " ".join(page.keys)
    response["Surrogate-Key"] = response["xkey"] = keys
    if "Cache-Control" not in response:
        if settings.CDN_PURGE_URL:
            # A CDN that is purged per key may keep the page; browsers must still ask again.
            patch_cache_control(response, public=True, max_age=0, s_maxage=settings.CDN_SECONDS)
        else:
            # Browsers and proxies may keep the page but must ask again: an edit shows at once.
            patch_cache_control(response, no_cache=True)
    # A date shared with an earlier version proves nothing: only the ETag may answer 304.
    last_modified = page.last_modified if date_validates(page.generation) else None
    return get_conditional_response(
        request, etag=page.etag, last_modified=last_modified, response=response
    )


def _current_versions(names: list[str], started: int) -> dict | None:
    """The versions of `names`, starting those never set; None when one changed after
    `started` (a write committed while the page was drawn: it may show either state)."""
    found = cache.get_many(names)
    missing = [name for name in names if name not in found]
    if missing:
        # A key missing (never changed, or dropped by the cache) starts at `started`: a fresh
        # value that matches no page stored before, so nothing stale can be served.
        for name in missing:
            cache.add(name, started, timeout=None)
        found = cache.get_many(names)
    if any(found.get(name, started + 1) > started for name in names):
        return None
    return found


class PageCacheMiddleware:
    """Serve anonymous readers from the shared cache; store what they are served.

    Sits after WhiteNoise and before the session: a hit skips sessions, CSRF, authentication
    and the view. After a successful write by a logged-in person that announced nothing (the
    admin, account pages), every page that names no keys is stale, and with the admin every
    page: writes outside the services cannot leave pages stale.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.PAGE_CACHE_SECONDS
        # The health check reports on the database itself; with the database cache, even
        # looking in the cache would fail first and hide its answer behind the 503 page.
        if not timeout or request.path_info in UNCACHED_PATHS:
            return self.get_response(request)
        if not is_anonymous_reader(request):
            if request.method in SAFE_METHODS:
                seen = _seen_generations.set({})
                try:
                    return self.get_response(request)
                finally:
                    _seen_generations.reset(seen)
            return self._write(request)

        key = page_key(request)
        try:
            page = cache.get(key)
            if page is not None and page.is_current(cache.get_many([n for n, _ in page.versions])):
                response = _conditional(request, page, page.response())
                response["X-Page-Cache"] = "hit"
                return response
        except UNAVAILABLE:
            # The cache is out of reach: serve without it. A page that needs the database too
            # fails on its own and shows the friendly 503; one that does not (log in) still works.
            return self.get_response(request)

        started = _new_generation(None)
        # The page will be kept for every reader: drawn from what the latest write wrote.
        replicas.read_current()
        depends = _depends.set(set())
        try:
            response = self.get_response(request)
            keys = _depends.get() or {SITE}
        finally:
            _depends.reset(depends)
        if not is_storable(request, response):
            return response
        names = sorted(KEY_PREFIX + name for name in {ALL, *keys})
        found = _current_versions(names, started)
        if found is None:
            return response
        page = CachedPage(
            versions=tuple((name, found[name]) for name in names),
            content=response.content,
            headers=tuple(response.items()),
            etag=f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"',
        )
        cache.set(key, page, timeout=timeout)
        response = _conditional(request, page, response)
        response["X-Page-Cache"] = "miss"
        return response

    def _write(self, request):
        announced = _announced.set(False)
        try:
            response = self.get_response(request)
            if response.status_code < 400 and not _announced.get():
                user = getattr(request, "user", None)
                if user is not None and user.is_authenticated:
                    admin = request.path_info.startswith("/admin/")
                    site_changed({ALL} if admin else ())
            return response
        finally:
            _announced.reset(announced)
