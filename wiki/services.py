"""Every write to the wiki goes through these functions: create, save, revert, move, protect,
delete, restore.

Each runs in one transaction and locks the page row (`select_for_update`), so two volunteers
saving at once are serialised and the second one sees an `EditConflict` instead of overwriting
the first. Input is normalised here (forms only validate); text is rendered and sanitised here,
once, in one Markdown pass, and the link tables are rebuilt from that pass.
Reads for other apps: `entry_for_topic`, `citations_for_post`.

The effects contract: a service announces its change itself, inside its own transaction, so a
view, a management command, the API or a test that calls it gets the same effects, and a change
that rolls back announces nothing. Callers never call `wiki.seams` themselves.

- A new revision (`create_page`, `save_revision`, `revert_to`, `move_page`) calls
  `seams.revision_saved(revision, author)`: community watches the page for its author, queues a
  notification to its watchers and puts a new volunteer's edit in the review queue. A save that
  changes nothing, or a revert to the current revision, writes and announces nothing.
- A moderation action (`revert_to`, `move_page`, `set_protected`, `delete_page`,
  `restore_page`) takes the person who acts and a `reason`, required (`PageError` without one),
  and calls `seams.moderated(kind=, actor=, page=, reason=, detail=)`: community writes the
  public log entry. A registrant that raises refuses the action: nothing is written.
- Every write calls `core.cache.site_changed(keys)` with the dependency keys it touched
  (`wiki.invalidation`): once the transaction commits, pages showing them are stale and their
  CDN purges are queued (docs/caching.md).
- `seed_topic_entries` (the importer's first text for a topic) announces nothing: no one has
  watched or written the page yet. Likewise `create_page` and `save_revision` with
  `announce=False`, which only `import_wiki` passes: a restored history is no one's new edit to
  watch, notify or review.

Who may act (moderators, protected pages) and the budget of writes (core.ratelimit) are the
caller's to check: they belong to the person asking, not to the change.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models.sql import Query
from django.utils import timezone

from core.cache import page_key_name, site_changed
from core.confusables import skeleton
from core.prepared import prepared_cursor
from core.text import fold, title_slug
from posts.models import Post, Topic
from wiki import invalidation, seams
from wiki.budget import RenderRefused
from wiki.links import (
    rebuild_link_tables,
    refresh_pages_linking_to,
    render_text,
    show_links_to_new_page,
)
from wiki.models import Page, PageRedirect, Revision, page_search_vector

# Slugs the wiki's own URLs use under /wiki/; no page may take them.
RESERVED_SLUGS = frozenset({"wanted"})
# Page.title, Page.key and Page.slug are each this many characters wide.
MAX_TITLE_CHARS = 255
# LogEntry.reason (community) is this wide; a moderation action's reason is cut to fit.
MAX_REASON_CHARS = 500
REASON_REQUIRED = "Please give a reason: it is shown in the public log."


class EditConflict(Exception):
    """Someone saved the page after the editor loaded it; nothing was written."""

    def __init__(self, current_revision: Revision | None):
        super().__init__("The page changed since you started editing.")
        self.current_revision = current_revision


class PageError(ValueError):
    """A request the wiki cannot carry out, with a message for the person who asked."""


class TitleTaken(PageError):
    """A new title (or a move's) is the title of another page, up to case, accents,
    punctuation, spacing or compatibility forms (the same key or slug); nothing was written."""

    def __init__(self, page: Page, title: str = ""):
        self.page = page
        # Only the look is shared: not the same key, so the reader must be told why.
        looks_alike = bool(title) and fold(title) != page.key and title_slug(title) != page.slug
        if page.is_deleted:
            message = (
                f"A page called “{page.title}” was deleted; a moderator can restore it. "
                "Please choose another title."
            )
        elif looks_alike:
            message = (
                f"That title looks the same as the existing page “{page.title}”, though some "
                "letters differ (from another alphabet, or look-alike signs). Edit that page, "
                "or choose a title that reads differently."
            )
        else:
            message = (
                f"A page called “{page.title}” already exists — edit it, or choose another title."
            )
        super().__init__(message)


# --- Reads used by the reading side ----------------------------------------------------------


def entry_for_topic(topic: Topic) -> Page | None:
    """The live wiki entry of `topic` with its current revision, in one query."""
    return Page.objects.live().for_reading().filter(topic=topic).first()


def citations_for_post(post: Post) -> list[Page]:
    """Live pages citing `post` with `[[post:slug]]`, A-Z, in one query."""
    return list(
        Page.objects.live().filter(citations__post=post).select_related("topic").alphabetical()
    )


# --- Writes ----------------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Line ends as "\n", whatever the browser sent."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalise_title(title: str) -> str:
    """Whitespace collapsed and trimmed: the title as it is stored and shown."""
    return " ".join(title.split())


def normalise_reason(reason: str) -> str:
    """A moderation action's reason, whitespace folded; `PageError` when there is none."""
    reason = " ".join((reason or "").split())[:MAX_REASON_CHARS]
    if not reason:
        raise PageError(REASON_REQUIRED)
    return reason


def validate_new_slug(title: str) -> str:
    """The slug a new title takes; `PageError` when it cannot be one (forms call this too).

    Lengths are checked after normalisation: folding can make a title longer ("ß" is "ss",
    "ﬃ" is "ffi"), and the title, its key and its slug must each fit their 255 characters.
    """
    title = normalise_title(title)
    slug = title_slug(title)
    if not slug:
        raise PageError("A title needs at least one letter or digit.")
    longest = max(len(title), len(fold(title)), len(slug))
    if longest > MAX_TITLE_CHARS:
        raise PageError(
            f"That title is too long: written out in full it takes {longest} characters, and "
            f"a title may take at most {MAX_TITLE_CHARS}. Please shorten it."
        )
    if slug in RESERVED_SLUGS:
        raise PageError(f"“{title}” is reserved by the wiki; please choose another title.")
    return slug


# A revision and the page's new state in one statement: the row, then the page pointing at it,
# with what readers see, a move's new title and the search words (page.current_revision is a
# deferred constraint, checked at the commit). Hand-written, as the look-ups below are: through
# the ORM it is two round trips, each costing more Python to build than PostgreSQL to run.
_APPEND_REVISION_SQL = f"""
WITH new AS (
  INSERT INTO {Revision._meta.db_table}
    (page_id, number, text, html, toc_html, author_id, summary, minor, created_at, parent_id, size)
  VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id)
UPDATE {Page._meta.db_table} SET current_revision_id = (SELECT id FROM new), updated_at = %s,
  title = %s, slug = %s, key = %s, skeleton = %s, html = %s, toc_html = %s,
  search_vector = {{search_vector}}
WHERE id = %s RETURNING current_revision_id
"""


# A new page and its first revision in one statement: the page row is written once, complete
# (an INSERT then an UPDATE would write it twice, each time into every index on it), pointing at
# the revision id taken from its sequence; the revision follows it. Nothing when another page
# holds the slug (or the topic) by now: someone created it a moment ago. No savepoint needed.
_NEW_PAGE_SQL = f"""
WITH ids AS (SELECT nextval(pg_get_serial_sequence('{Revision._meta.db_table}', 'id')) AS rev),
page AS (
  INSERT INTO {Page._meta.db_table}
    (title, slug, key, skeleton, topic_id, current_revision_id, html, toc_html, protected,
     is_deleted, created_at, updated_at, search_vector)
  SELECT %s, %s, %s, %s, %s::bigint, ids.rev, %s, %s, false, false, %s, %s, {{search_vector}}
    FROM ids
  ON CONFLICT DO NOTHING RETURNING id, current_revision_id),
new AS (
  INSERT INTO {Revision._meta.db_table}
    (id, page_id, number, text, html, toc_html, author_id, summary, minor, created_at,
     parent_id, size)
  SELECT page.current_revision_id, page.id, %s, %s, %s, %s, %s::bigint, %s, %s, %s, NULL, %s
    FROM page RETURNING page_id, id)
SELECT page_id, id FROM new
"""


# Stand-ins for the title and the HTML while the search vector's SQL is compiled, once a process.
_TITLE, _HTML = "\x00title", "\x00html"


@functools.cache
def _search_vector_sql() -> tuple[str, tuple]:
    query = Query(Page)
    compiler = query.get_compiler(connection=connection)
    expression = page_search_vector(_TITLE, _HTML).resolve_expression(query)
    sql, params = compiler.compile(expression)
    return sql, tuple(params)


def _search_vector(title: str, html: str) -> tuple[str, list]:
    """SQL and parameters of `models.page_search_vector` (the vector is defined once, there),
    for the hand-written statements below; compiling it each time cost more than running it."""
    sql, params = _search_vector_sql()
    return sql, [title if p == _TITLE else html if p == _HTML else p for p in params]


def _append_revision(
    page: Page, *, text: str, author, summary: str, minor: bool, parent: Revision | None
) -> tuple[Revision, set[str]]:
    """Render `text`, add it as the page's next revision and rebuild its link tables. Returns
    the revision and the dependency keys it touched, for the caller's one `site_changed` (each
    call costs its own cache round trips after the commit). A page from `_new_page` (not in the
    database yet) is written here, with this revision as its first."""
    new_page = page.pk is None
    rendered, resolver = render_text(text, new_page=page if new_page else None)
    was = invalidation.before(page, new=parent is None)
    now = timezone.now()
    revision = Revision(
        page=page,
        number=(parent.number + 1) if parent else 1,
        text=text,
        html=rendered.html,
        toc_html=rendered.toc_html or "",
        author=author,
        summary=summary.strip()[:300],
        minor=minor,
        parent=parent,
        created_at=now,
    )
    revision.size = Revision.size_of(text)
    page.updated_at = now
    page.html, page.toc_html = revision.html, revision.toc_html
    vector = _search_vector(page.title, rendered.html)
    if new_page:
        _insert_new_page(page, revision, vector)
    else:
        _update_page(page, revision, vector)
    revision._state.adding = False
    page.current_revision = revision  # now that it has its id
    targets, cited = rebuild_link_tables(page, rendered.links, resolver, new=parent is None)
    now = invalidation.Before(targets, cited)
    return revision, invalidation.revision_keys(page, was, now, resolver.pages_by_key)


def _insert_new_page(page: Page, revision: Revision, vector: tuple[str, list]) -> None:
    """Write `page` (from `_new_page`) with `revision` as its first; `TitleTaken` when its slug
    or topic was taken a moment ago."""
    vector_sql, vector_params = vector
    with prepared_cursor() as cursor:
        cursor.execute(
            _NEW_PAGE_SQL.format(search_vector=vector_sql),
            [page.title, page.slug, page.key, page.skeleton, page.topic_id, page.html,
             page.toc_html, page.created_at, page.updated_at, *vector_params,
             revision.number, revision.text, revision.html, revision.toc_html, revision.author_id,
             revision.summary, revision.minor, revision.created_at, revision.size],
        )  # fmt: skip
        written = cursor.fetchone()
    if written is None:
        raise TitleTaken(Page.objects.get(slug=page.slug))
    page.pk, revision.pk = written
    page._state.adding = False
    revision.page = page  # again, now with its id (setting page_id alone forgets the page)


def _update_page(page: Page, revision: Revision, vector: tuple[str, list]) -> None:
    """Add `revision` to the existing `page` and make it current."""
    vector_sql, vector_params = vector
    with prepared_cursor() as cursor:
        cursor.execute(
            _APPEND_REVISION_SQL.format(search_vector=vector_sql),
            [revision.page_id, revision.number, revision.text, revision.html, revision.toc_html,
             revision.author_id, revision.summary, revision.minor, revision.created_at,
             revision.parent_id, revision.size, page.updated_at, page.title, page.slug, page.key,
             page.skeleton, page.html, page.toc_html, *vector_params, page.pk],
        )  # fmt: skip
        revision.pk = cursor.fetchone()[0]


@contextmanager
def _render_errors_as_page_errors():
    """For writes that render text the person did not just type (a revert, a move): a text over
    the render budget is a request the wiki cannot carry out."""
    try:
        yield
    except RenderRefused as error:
        raise PageError(str(error)) from None


def _lock(page: Page) -> Page:
    """The page row, locked, with its current revision as it is once the lock is ours.

    The revision is read in a statement of its own. Joined into the locking statement it would
    be read with that statement's snapshot, taken before waiting for the lock: a revision saved
    by the transaction it waited for is not in it, and the page would seem to have none.
    """
    locked = Page.objects.select_for_update().get(pk=page.pk)
    if locked.current_revision_id is not None:
        locked.current_revision = Revision.objects.get(pk=locked.current_revision_id)
    return locked


# Hand-written, as the link look-ups of wiki.links are: every creation and move asks, and the
# ORM form cost more Python to build than PostgreSQL takes to answer. Each of the three look-ups
# by its own index: written as one OR with ORDER BY id LIMIT 1, PostgreSQL walked the primary key
# through every page when none matched (the usual case). Ids start at 1, so `id <> 0` excludes
# nothing.
_TAKEN_ID = f"""(SELECT min(id) FROM (
  SELECT id FROM {Page._meta.db_table} WHERE slug = %(slug)s UNION ALL
  SELECT id FROM {Page._meta.db_table} WHERE key = %(key)s UNION ALL
  SELECT id FROM {Page._meta.db_table} WHERE skeleton = %(skeleton)s) AS found
 WHERE id <> %(other)s)"""
_TAKEN_SQL = (
    f"SELECT id, title, slug, key, topic_id, is_deleted FROM {Page._meta.db_table}"
    f" WHERE id = {_TAKEN_ID} FOR UPDATE"
)
# A new title's look-ups in one round trip: the topic whose slug it takes, the page already
# holding it (locked, as `_TAKEN_SQL`), and an old slug of a moved page, whose redirect gives
# way to the new page. Should the title be taken, `create_page`'s transaction rolls the delete
# back with everything else.
_NEW_TITLE_SQL = f"""
WITH gone AS (DELETE FROM {PageRedirect._meta.db_table} WHERE old_slug = %(slug)s),
taken AS ({_TAKEN_SQL})
SELECT 'topic', id, name, NULL, NULL, NULL, NULL FROM {Topic._meta.db_table} WHERE slug = %(slug)s
UNION ALL
SELECT 'page', id, title, slug, key, topic_id, is_deleted FROM taken
"""


def _taken(title: str, slug: str, *, other_than: Page | None = None) -> Page | None:
    """The page that already has this title's slug or key, or a title that looks the same
    (its confusable skeleton), locked, if any."""
    params = _taken_params(title, slug, other_than)
    return next(iter(Page.objects.raw(_TAKEN_SQL, params)), None)


def _taken_params(title: str, slug: str, other_than: Page | None = None) -> dict:
    """The parameters of `_TAKEN_SQL` (and `_NEW_TITLE_SQL`, which holds it) for a title."""
    return {
        "slug": slug,
        "key": fold(title),
        "skeleton": skeleton(title),
        "other": other_than.pk if other_than is not None else 0,
    }


def _new_page(title: str) -> Page:
    """A new page for `title`, or the entry of the topic whose slug the title takes.
    `TitleTaken` when a page has the title's slug or key: a new page never writes into another.
    Only inside `create_page`'s transaction (see `_NEW_TITLE_SQL`). Not written yet:
    `_append_revision` writes it with its first revision."""
    slug = validate_new_slug(title)
    with prepared_cursor() as cursor:
        cursor.execute(_NEW_TITLE_SQL, _taken_params(title, slug))
        rows = cursor.fetchall()
    found = {row[0]: row[1:] for row in rows}
    topic_id = None
    if "topic" in found:
        # The entry of a topic takes the topic's name: look again under that name.
        topic_id, title = found["topic"][:2]
        existing = _taken(title, slug)
    elif "page" in found:
        pk, title_, slug_, key, topic, is_deleted = found["page"]
        existing = Page(pk=pk, title=title_, slug=slug_, key=key, topic_id=topic,
                        is_deleted=is_deleted)  # fmt: skip
    else:
        existing = None
    if existing is not None:
        raise TitleTaken(existing, title)
    now = timezone.now()
    return Page(title=title, slug=slug, key=fold(title), skeleton=skeleton(title),
                topic_id=topic_id, created_at=now, updated_at=now)  # fmt: skip


def create_page(
    *,
    title: str,
    text: str,
    author,
    summary: str = "",
    minor: bool = False,
    announce: bool = True,
) -> Revision:
    """Create the page titled `title` with `text` as its first revision (the entry of a topic
    when the title takes the topic's slug). Pages whose links to this title were shown as
    missing are brought up to date in the same transaction. Announced: `revision_saved`."""
    title, text = normalise_title(title), normalise_text(text)
    with transaction.atomic():
        page = _new_page(title)
        revision, keys = _append_revision(
            page, text=text, author=author, summary=summary, minor=minor, parent=None
        )
        linking = show_links_to_new_page(page)
        site_changed(keys | {page_key_name(pk) for pk in linking})
        if announce:
            seams.revision_saved(revision, author)
    return revision


def save_revision(
    *,
    page: Page,
    text: str,
    author,
    summary: str = "",
    minor: bool = False,
    base_revision: int | None = None,
    announce: bool = True,
) -> Revision:
    """Save `text` as the next revision of `page`.

    `base_revision` is the number of the revision the editor started from (None or 0 for a
    page without one). When it is not the current one, nothing is written and `EditConflict`
    is raised. Saving the current text again writes nothing and returns the current revision.
    Announced: `revision_saved`, when a revision was written.
    """
    text = normalise_text(text)
    with transaction.atomic():
        page = _lock(page)
        current = page.current_revision
        if (current.number if current else 0) != (base_revision or 0):
            raise EditConflict(current)
        if current is not None and current.text == text:
            return current  # nothing changed: no empty revision in the history
        revision, keys = _append_revision(
            page, text=text, author=author, summary=summary, minor=minor, parent=current
        )
        if current is None:
            # Links to this title were shown as missing until now.
            refresh_pages_linking_to(page)
            keys |= invalidation.linking_keys(page)
        site_changed(keys)
        if announce:
            seams.revision_saved(revision, author)
    return revision


def revert_to(*, revision: Revision, author, reason: str, detail: str | None = None) -> Revision:
    """Make the text of an old `revision` current again, as a new revision, by `author` (a
    moderator) for `reason`. `PageError` without a reason, when the page is deleted (a revision
    added to a hidden page is seen by no one: restore it first), or when that text is now over
    the render budget (wiki.budget). Announced: `moderated` ("revert", `detail`, by default "to
    revision N"), then `revision_saved`; nothing when `revision` is already the current one."""
    reason = normalise_reason(reason)
    with transaction.atomic(), _render_errors_as_page_errors():
        page = _lock(revision.page)
        if page.is_deleted:
            raise PageError(
                f"“{page.title}” is deleted: restore it first (on its history page), then revert."
            )
        current = page.current_revision
        if current is not None and current.pk == revision.pk:
            return current
        new, keys = _append_revision(
            page,
            text=revision.text,
            author=author,
            summary=f"Reverted to revision {revision.number}",
            minor=False,
            parent=current,
        )
        site_changed(keys)
        if detail is None:
            detail = f"to revision {revision.number}"
        seams.moderated(kind="revert", actor=author, page=page, reason=reason, detail=detail)
        seams.revision_saved(new, author)
    return new


def move_page(*, page: Page, new_title: str, author, reason: str) -> Page:
    """Rename `page`, by `author` for `reason`; its old slug redirects to the new one, so old
    links keep working. The move is a new revision (same text, the move as its summary).
    Announced: `moderated` ("move", "from “old title”"), then `revision_saved`."""
    if page.topic_id:
        raise PageError("A topic's entry takes its name from the topic and cannot be moved.")
    reason = normalise_reason(reason)
    new_title = normalise_title(new_title)
    new_slug = validate_new_slug(new_title)
    with transaction.atomic(), _render_errors_as_page_errors():
        page = _lock(page)
        old_title, old_slug = page.title, page.slug
        existing = _taken(new_title, new_slug, other_than=page)
        if existing is not None:
            raise TitleTaken(existing, new_title)
        if new_slug != old_slug:
            if Topic.objects.filter(slug=new_slug).exists():
                raise PageError(f"“{new_title}” is the name of a topic; choose another title.")
            PageRedirect.objects.filter(old_slug=new_slug).delete()
            PageRedirect.objects.create(old_slug=old_slug, page=page)
        old_key = page.key
        page.title, page.slug, page.key = new_title, new_slug, fold(new_title)
        page.skeleton = skeleton(new_title)
        current = page.current_revision
        revision, keys = _append_revision(
            page,
            text=current.text if current else "",
            author=author,
            summary=f"Moved “{old_title}” to “{new_title}”",
            minor=False,
            parent=current,
        )
        refresh_pages_linking_to(page, also_keys=(old_key,))
        site_changed(
            keys
            | invalidation.linking_keys(page, also_keys=(old_key,))
            | invalidation.shown_elsewhere_keys(page)
        )
        seams.moderated(
            kind="move", actor=author, page=page, reason=reason, detail=f"from “{old_title}”"
        )
        seams.revision_saved(revision, author)
    return page


def system_user(username: str = "importer"):
    """The account that authors imported text: it cannot log in."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def seed_topic_entries(*, author) -> int:
    """Give each topic with a description and no entry a first revision made from it.

    Topics that already have an entry are left alone, so re-importing never overwrites a
    volunteer's text. Returns the number of entries created.
    """
    created = 0
    topics = Topic.objects.filter(wiki_entry__isnull=True).exclude(description="")
    for topic in topics:
        if Page.objects.filter(slug=topic.slug).exists():
            continue
        with transaction.atomic():
            page = Page.objects.create(
                title=topic.name,
                slug=topic.slug,
                key=fold(topic.name),
                skeleton=skeleton(topic.name),
                topic=topic,
            )
            _, keys = _append_revision(
                page,
                text=topic.description,
                author=author,
                summary="Imported from the topic description",
                minor=False,
                parent=None,
            )
            site_changed(keys)
        created += 1
    return created


def set_protected(*, page: Page, protected: bool, actor, reason: str) -> None:
    """Let only moderators edit `page` (or everyone again), by `actor` for `reason`.
    Announced: `moderated` ("protect" or "unprotect")."""
    reason = normalise_reason(reason)
    with transaction.atomic():
        Page.objects.filter(pk=page.pk).update(protected=protected)
        kind = "protect" if protected else "unprotect"
        seams.moderated(kind=kind, actor=actor, page=page, reason=reason)
        site_changed(invalidation.page_keys(page))
    page.protected = protected


def delete_page(*, page: Page, actor, reason: str, detail: str = "") -> None:
    """Hide a page (its history is kept, so it can be restored), by `actor` for `reason`.
    Announced: `moderated` ("delete", `detail`)."""
    reason = normalise_reason(reason)
    with transaction.atomic():
        Page.objects.filter(pk=page.pk).update(is_deleted=True)
        page.is_deleted = True
        refresh_pages_linking_to(page)
        seams.moderated(kind="delete", actor=actor, page=page, reason=reason, detail=detail)
        site_changed(
            invalidation.page_keys(page)
            | invalidation.linking_keys(page)
            | invalidation.shown_elsewhere_keys(page)
        )


def restore_page(*, page: Page, actor, reason: str) -> None:
    """Show a deleted page again, by `actor` for `reason`. Announced: `moderated` ("restore")."""
    reason = normalise_reason(reason)
    with transaction.atomic():
        Page.objects.filter(pk=page.pk).update(is_deleted=False)
        page.is_deleted = False
        refresh_pages_linking_to(page)
        seams.moderated(kind="restore", actor=actor, page=page, reason=reason)
        site_changed(
            invalidation.page_keys(page)
            | invalidation.linking_keys(page)
            | invalidation.shown_elsewhere_keys(page)
        )
