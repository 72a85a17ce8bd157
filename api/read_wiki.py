"""Reading the wiki and the site's lists: pages, revisions, diffs, talk, recent changes, the
moderation log and search (the site's own ranking)."""

from __future__ import annotations

import difflib
from datetime import datetime

from django.db.models import F, Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from ninja import Query, Router

from api import cursor, schemas
from api.errors import ApiError, not_found
from community.models import LogEntry, TalkComment, TalkThread
from community.targets import target_for_slug
from search.services import SearchParams, search
from wiki.models import Page, PageRedirect, Revision

router = Router(tags=["wiki"])
THREADS_SHOWN = 100


def _name(user) -> str | None:
    return user.username if user is not None else None


def page_json(page: Page) -> dict:
    current = page.current_revision
    return {
        "slug": page.slug,
        "title": page.title,
        "url": page.get_absolute_url(),
        "topic": page.topic.slug if page.topic_id else None,
        "protected": page.protected,
        "revision": current.number if current else 0,
        "updated_at": page.updated_at,
        "author": _name(current.author) if current else None,
        "text": current.text if current else "",
        "html": page.html,
    }


def _live_page(slug: str, moved_name: str, **kwargs) -> Page | HttpResponsePermanentRedirect:
    """The live page at `slug` with its current revision; a moved page's new address (301)."""
    page = Page.objects.with_current().filter(slug=slug).first()
    if page is None:
        moved = PageRedirect.objects.filter(old_slug=slug).select_related("page").first()
        if moved is not None and not moved.page.is_deleted:
            return HttpResponsePermanentRedirect(
                reverse(f"api:{moved_name}", kwargs={"slug": moved.page.slug, **kwargs})
            )
        raise not_found("There is no wiki page here.")
    if page.is_deleted:
        raise ApiError(410, "deleted", "This page was deleted.")
    return page


def _moved_response(found):
    return isinstance(found, HttpResponsePermanentRedirect)


@router.get(
    "/wiki/{slug}/",
    response={200: schemas.WikiPage, 301: None},
    url_name="wiki_page",
    summary="A wiki page",
)
def wiki_page(request, slug: str):
    """The current text (Markdown) and its HTML as the site shows it. A moved page answers
    301 to its new address."""
    found = _live_page(slug, "wiki_page")
    if _moved_response(found):
        return found
    return page_json(found)


def _revision_summary(revision: Revision) -> dict:
    return {
        "number": revision.number,
        "created_at": revision.created_at,
        "author": _name(revision.author),
        "summary": revision.summary,
        "minor": revision.minor,
        "size": revision.size,
        "parent": revision.parent_number,
    }


@router.get(
    "/wiki/{slug}/revisions/",
    response={200: schemas.RevisionPage, 301: None},
    url_name="wiki_revisions",
    summary="A page's history, newest first",
)
def revisions(request, slug: str, cursor: str | None = None, limit: int | None = None):
    found = _live_page(slug, "wiki_revisions")
    if _moved_response(found):
        return found
    rows = (
        found.revisions.select_related("author")
        .defer("text", "html", "toc_html")
        .annotate(parent_number=F("parent__number"))
        .order_by("-number")
    )
    if cursor:
        (number,) = _decode(cursor, int)
        rows = rows.filter(number__lt=number)
    rows, next_url = _page(request, rows, limit, key=lambda r: [r.number])
    return {"results": [_revision_summary(r) for r in rows], "next": next_url}


@router.get(
    "/wiki/{slug}/revisions/{number}/",
    response={200: schemas.Revision, 301: None},
    url_name="wiki_revision",
    summary="One revision",
)
def revision(request, slug: str, number: int):
    found = _live_page(slug, "wiki_revision", number=number)
    if _moved_response(found):
        return found
    row = (
        found.revisions.select_related("author")
        .annotate(parent_number=F("parent__number"))
        .filter(number=number)
        .first()
    )
    if row is None:
        raise not_found(f"This page has no revision {number}.")
    return {**_revision_summary(row), "text": row.text, "html": row.html}


@router.get(
    "/wiki/{slug}/diff/",
    response={200: schemas.Diff, 301: None},
    url_name="wiki_diff",
    summary="A unified diff of two revisions",
)
def diff(request, slug: str, to: int | None = None, from_: int | None = Query(None, alias="from")):
    """`from` (default: the one before `to`) and `to` (default: the current revision)."""
    found = _live_page(slug, "wiki_diff")
    if _moved_response(found):
        return found
    current = found.current_revision.number if found.current_revision else 0
    to_number = to or current
    from_number = from_ if from_ is not None else max(to_number - 1, 0)
    from_number, to_number = sorted((from_number, to_number))
    texts = dict(
        found.revisions.filter(number__in=[from_number, to_number]).values_list("number", "text")
    )
    if to_number not in texts or (from_number and from_number not in texts):
        raise ApiError(400, "invalid", "Choose two revisions that exist in this page's history.")
    lines = difflib.unified_diff(
        texts.get(from_number, "").splitlines(keepends=True),
        texts[to_number].splitlines(keepends=True),
        fromfile=f"r{from_number}",
        tofile=f"r{to_number}",
    )
    return {"from_revision": from_number, "to_revision": to_number, "diff": "".join(lines)}


@router.get("/wiki/{slug}/talk/", response=schemas.Talk, summary="A page's or topic's talk")
def talk(request, slug: str):
    """The newest threads with their comments, oldest first; a hidden comment's text is not
    given."""
    try:
        target = target_for_slug(slug)
    except Http404 as missing:
        raise not_found("There is no page or topic here.") from missing
    threads = (
        TalkThread.objects.filter(**target.filter())
        .select_related("author")
        .order_by("-created_at", "-id")[:THREADS_SHOWN]
    )
    threads = list(threads)
    comments: dict[int, list] = {}
    for comment in (
        TalkComment.objects.filter(thread__in=threads)
        .select_related("author")
        .order_by("created_at", "id")
    ):
        comments.setdefault(comment.thread_id, []).append(
            {
                "id": comment.pk,
                "author": comment.author.username,
                "created_at": comment.created_at,
                "edited_at": comment.edited_at,
                "hidden": comment.is_hidden,
                "html": "" if comment.is_hidden else comment.html,
            }
        )
    return {
        "slug": target.slug,
        "title": target.title,
        "threads": [
            {
                "id": t.pk,
                "title": t.title,
                "author": t.author.username,
                "created_at": t.created_at,
                "comments": comments.get(t.pk, []),
            }
            for t in threads
        ],
    }


def _decode(value: str, *types) -> list:
    found = cursor.decode(value, len(types))
    if not all(isinstance(v, t) for v, t in zip(found, types, strict=True)):
        raise ApiError(400, "bad_cursor", "The cursor is not one this API gave.")
    return found


def _page(request, rows, limit, key):
    return cursor.page(rows, request=request, limit=cursor.limit_of(limit), key=key)


def _after_time(rows, value: str | None):
    """`rows` (newest first by created_at, id) past the cursor's row."""
    if not value:
        return rows
    when, pk = _decode(value, str, int)
    try:
        at = datetime.fromisoformat(when)
    except ValueError as error:
        raise ApiError(400, "bad_cursor", "The cursor is not one this API gave.") from error
    return rows.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))


def _time_key(row) -> list:
    return [row.created_at.isoformat(), row.pk]


@router.get("/recent/", response=schemas.ChangePage, summary="Recent changes to the wiki")
def recent(request, cursor: str | None = None, limit: int | None = None):
    """Every revision of a live page, newest first."""
    rows = (
        Revision.objects.filter(page__is_deleted=False)
        .select_related("page", "author")
        .defer("text", "html", "toc_html", "page__html", "page__toc_html", "page__search_vector")
        .order_by("-created_at", "-id")
    )
    rows, next_url = _page(request, _after_time(rows, cursor), limit, key=_time_key)
    return {
        "results": [
            {
                "slug": r.page.slug,
                "title": r.page.title,
                "revision": r.number,
                "created_at": r.created_at,
                "author": _name(r.author),
                "summary": r.summary,
                "size": r.size,
                "minor": r.minor,
            }
            for r in rows
        ],
        "next": next_url,
    }


@router.get("/log/", response=schemas.LogPage, summary="The moderation log, newest first")
def log(request, cursor: str | None = None, limit: int | None = None):
    rows = LogEntry.objects.select_related("actor").newest_first()
    rows, next_url = _page(request, _after_time(rows, cursor), limit, key=_time_key)
    return {
        "results": [
            {
                "kind": e.kind,
                "actor": e.actor.username,
                "target": e.target,
                "target_url": e.target_url,
                "reason": e.reason,
                "detail": e.detail,
                "created_at": e.created_at,
            }
            for e in rows
        ],
        "next": next_url,
    }


@router.get("/search/", response=schemas.SearchResults, summary="Search, ranked as the site does")
def search_view(request, q: str = "", kind: str = "", topic: str = "", page: int = 1):
    """The site's search: the same ranking, pages of its size (`page`, as the search is ranked
    afresh, not walked by cursor). `exact_title` is the address the site would go straight to."""
    params = SearchParams.from_query_dict(request.GET)
    if not params.has_words:
        raise ApiError(400, "invalid", "Give q: the words to search for.")
    results = search(params)
    return {
        "q": params.q,
        "exact_title": results.redirect,
        "total": results.total,
        "more": results.more,
        "results": [
            {
                "kind": h.kind,
                "title": h.title,
                "url": h.url,
                "snippet_html": str(h.snippet_html),
                "date": h.date,
            }
            for h in results.hits
        ],
    }
