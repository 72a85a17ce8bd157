"""The API's writes, for a volunteer's write token: edit or create a page, watch, talk.
Each endpoint parses and answers; the write itself is in `api.actions`."""

from __future__ import annotations

from ninja import Status

from api import actions, read_wiki, schemas
from api.auth import TokenAuth, writer
from api.errors import ApiError
from api.read_wiki import page_json
from core.text import title_slug
from wiki.models import Page

# The wiki's reading router: ninja answers one path from one router, and PUT /wiki/<slug>/
# shares its path with the GET.
router = read_wiki.router
WRITING = {"auth": TokenAuth(), "tags": ["writing"]}
ERRORS = {400: schemas.Error, 401: schemas.Error, 403: schemas.Error, 404: schemas.Error,
          410: schemas.Error, 429: schemas.Error}  # fmt: skip


def _saved(saved: actions.Saved):
    page = Page.objects.with_current().get(pk=saved.revision.page_id)
    body = {
        "saved": saved.changed,
        "created": saved.created,
        "revision": saved.revision.number,
        "page": page_json(page),
    }
    return Status(201 if saved.created else 200, body)


@router.put(
    "/wiki/{slug}/",
    response={200: schemas.Saved, 201: schemas.Saved, 409: schemas.Conflict, **ERRORS},
    summary="Edit (or create) a page",
    **WRITING,
)
def edit_page(request, slug: str, edit: schemas.EditIn):
    """Save `text` as the page's next revision. `base_revision` is the revision the text was
    written from: when the page has moved on since, nothing is saved and the answer is 409
    with both texts. With `base_revision` 0 and no page at `slug`, the page is created
    (titled `title`, or the topic's name for a topic's entry)."""
    return _saved(
        actions.save_page(
            user=writer(request),
            slug=slug,
            text=edit.text,
            summary=edit.summary,
            base_revision=edit.base_revision,
            title=edit.title,
        )
    )


@router.post(
    "/wiki/",
    response={200: schemas.Saved, 201: schemas.Saved, 409: schemas.Error, **ERRORS},
    summary="Create a page",
    **WRITING,
)
def create_page(request, new: schemas.CreateIn):
    """A new page titled `title`; 409 when a page already has that title's address."""
    slug = title_slug(new.title)
    if not slug:
        raise ApiError(400, "invalid", "Give the page a title with letters or digits.")
    if Page.objects.filter(slug=slug).exists():
        raise ApiError(409, "exists", f"A page is already at {slug}: edit it with PUT.")
    return _saved(
        actions.save_page(
            user=writer(request),
            slug=slug,
            text=new.text,
            summary=new.summary,
            base_revision=0,
            title=new.title,
        )
    )


@router.post(
    "/wiki/{slug}/watch/", response={200: schemas.Watching, **ERRORS}, summary="Watch", **WRITING
)
def watch(request, slug: str):
    """Watch the page or topic at `slug`: its changes come to your watchlist and e-mail."""
    target = actions.set_watching(user=writer(request), slug=slug, watching=True)
    return {"slug": target.slug, "watching": True}


@router.delete(
    "/wiki/{slug}/watch/",
    response={200: schemas.Watching, **ERRORS},
    summary="Stop watching",
    **WRITING,
)
def unwatch(request, slug: str):
    target = actions.set_watching(user=writer(request), slug=slug, watching=False)
    return {"slug": target.slug, "watching": False}


@router.post(
    "/wiki/{slug}/talk/",
    response={201: schemas.TalkComment, **ERRORS},
    summary="Write on a talk page",
    **WRITING,
)
def post_talk(request, slug: str, comment: schemas.TalkIn):
    """A new thread (titled `title`, or by the text's first line), or a reply to `thread`."""
    written = actions.post_talk(
        user=writer(request),
        slug=slug,
        text=comment.text,
        title=comment.title,
        thread=comment.thread,
    )
    return Status(
        201,
        {
            "id": written.pk,
            "author": written.author.username,
            "created_at": written.created_at,
            "edited_at": written.edited_at,
            "hidden": False,
            "html": written.html,
        },
    )
