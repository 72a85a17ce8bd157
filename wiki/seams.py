"""The wiki's seams for apps built on it (community), so the wiki never imports them.

The layers (import-linter, pyproject.toml) let community use the wiki, not the other way round;
yet the wiki must tell community about each change, inside that change's transaction. The
wiki's services (wiki.services) call the first two seams themselves; no view or other caller
does.
So the wiki calls the functions registered here, and community registers them once, in its
`AppConfig.ready()`. With nothing registered (the wiki alone, or in a test of the wiki), the
calls do nothing. Three seams, each with one registrant at most:

- `revision_saved(revision, author)`: after any new revision (a new page, an edit, a revert,
  a move).
- `moderated(kind=, actor=, page=, reason=, detail=)`: after a moderation action; `kind` is one
  of `MODERATION_KINDS`. Raising refuses the action (the transaction rolls back).
- `recent_page(changes, *, show, user_filter, page_number, per_page)`: a page of /recent/ with
  other kinds of change mixed in, for `show` values beyond "edits" (`recent_show`).
"""

from __future__ import annotations

from collections.abc import Callable

MODERATION_KINDS = ("protect", "unprotect", "move", "delete", "restore", "revert")

_registered: dict[str, Callable] = {}
# /recent/'s `show` choices: "edits" is the wiki's own; a registrant of `recent_page` adds more.
recent_show: dict[str, str] = {"edits": "Edits only"}


def register(
    *,
    revision_saved: Callable | None = None,
    moderated: Callable | None = None,
    recent_page: Callable | None = None,
    recent_choices: dict[str, str] | None = None,
) -> None:
    for name, function in (
        ("revision_saved", revision_saved),
        ("moderated", moderated),
        ("recent_page", recent_page),
    ):
        if function is not None:
            _registered[name] = function
    if recent_choices:
        recent_show.clear()
        recent_show.update(recent_choices)


def revision_saved(revision, author) -> None:
    if "revision_saved" in _registered:
        _registered["revision_saved"](revision, author)


def moderated(*, kind: str, actor, page, reason: str, detail: str = "") -> None:
    assert kind in MODERATION_KINDS, kind
    if "moderated" in _registered:
        _registered["moderated"](kind=kind, actor=actor, page=page, reason=reason, detail=detail)


def recent_page(changes, **kwargs):
    """A page of mixed changes, or None when no app mixes any in."""
    function = _registered.get("recent_page")
    return function(changes, **kwargs) if function is not None else None
