"""Load a MediaWiki XML dump (`dumps.wikidump`) into a site without wiki pages: every revision
in order through the wiki's own services (rendered, sanitised, linked as an edit would be),
dated as the dump dates it; authors matched by username or created inactive (no password);
redirect pages as the redirects of moved pages; `Talk:` pages as threads of comments.

One transaction for the whole file: a dump that fails part way leaves the site as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from community.models import TalkComment, TalkThread
from core.text import fold, title_slug
from dumps.mediawiki import NEW_SECTION, TALK_NS, TALK_PREFIX
from dumps.wikidump import DumpPage, read_dump, section_summary
from posts.models import Topic
from wiki.budget import RenderRefused
from wiki.links import render_text
from wiki.models import Page, PageRedirect, Revision
from wiki.services import PageError, create_page, save_revision

# Who wrote a talk comment whose contributor the dump does not name (a thread needs an author).
UNNAMED_AUTHOR = "Unknown contributor"


class LoadError(ValueError):
    """The dump cannot be loaded as it is; nothing was written."""


@dataclass
class Loaded:
    pages: int = 0
    revisions: int = 0
    unchanged: int = 0  # revisions repeating the text before them: null revisions (a move's)
    redirects: int = 0
    comments: int = 0
    skipped: list[str] = field(default_factory=list)
    people_created: int = 0


class _People:
    """Contributors by username: the account of that name, or a new inactive one."""

    def __init__(self, loaded: Loaded):
        self._known: dict[str, object] = {}
        self._loaded = loaded
        self._model = get_user_model()

    def get(self, username: str | None):
        if not username:
            return None
        username = username[:150]
        if username not in self._known:
            person = self._model.objects.filter(username=username).first()
            if person is None:
                person = self._model(username=username, is_active=False)
                person.set_unusable_password()
                person.save()
                self._loaded.people_created += 1
            self._known[username] = person
        return self._known[username]


def load_dump(stream, *, step=lambda: None) -> Loaded:
    if Page.objects.exists():
        raise LoadError(
            "The wiki already has pages: import_wiki reads a dump into a site without any."
        )
    loaded = Loaded()
    people = _People(loaded)
    redirects: list[DumpPage] = []
    talk: list[DumpPage] = []
    with transaction.atomic():
        for page in read_dump(stream):
            if page.ns == 0 and page.redirect:
                redirects.append(page)
            elif page.ns == 0:
                _load_page(page, people, loaded)
            elif page.ns == TALK_NS:
                talk.append(page)  # after every page, whatever the dump's order
            else:
                loaded.skipped.append(page.title)
            step()
        for page in redirects:
            _load_redirect(page, loaded)
        for page in talk:
            _load_talk(page, people, loaded)
    return loaded


def _load_page(page: DumpPage, people: _People, loaded: Loaded) -> None:
    current = None
    for revision in page.revisions:
        edit = {
            "text": revision.text,
            "author": people.get(revision.username),
            "summary": revision.comment,
            "minor": revision.minor,
            "announce": False,  # history restored, not new edits: no watch, mail or review
        }
        try:
            if current is None:
                saved = create_page(title=page.title, **edit)
            else:
                saved = save_revision(page=current.page, base_revision=current.number, **edit)
        except (PageError, RenderRefused) as error:
            raise LoadError(f"line {page.line}: “{page.title}”: {error}") from error
        if current is not None and saved.pk == current.pk:
            # The text of the revision before: a null revision (a move's, a protection's) that
            # the services would not write. It keeps its place in the history all the same.
            saved = _null_revision(current, edit)
            loaded.unchanged += 1
        # Dated as the dump dates it: a QuerySet update, as revisions refuse `save` once written.
        Revision.objects.filter(pk=saved.pk).update(created_at=revision.timestamp)
        current = saved
        loaded.revisions += 1
    if current is None:
        loaded.skipped.append(page.title)  # a page without revisions has nothing to show
        return
    Page.objects.filter(pk=current.page_id).update(
        created_at=page.revisions[0].timestamp, updated_at=page.revisions[-1].timestamp
    )
    loaded.pages += 1


def _null_revision(current: Revision, edit: dict) -> Revision:
    """A revision repeating `current`'s text (and so its HTML), made the page's current one."""
    revision = Revision.objects.create(
        page_id=current.page_id,
        number=current.number + 1,
        text=current.text,
        html=current.html,
        toc_html=current.toc_html,
        author=edit["author"],
        summary=edit["summary"].strip()[:300],
        minor=edit["minor"],
        parent=current,
    )
    Page.objects.filter(pk=current.page_id).update(current_revision=revision)
    return revision


def _page_titled(title: str) -> Page | None:
    return Page.objects.filter(key=fold(title)).first() or (
        Page.objects.filter(slug=title_slug(title)).first()
    )


def _load_redirect(page: DumpPage, loaded: Loaded) -> None:
    target = _page_titled(page.redirect)
    old_slug = title_slug(page.title)
    if target is None or not old_slug or Page.objects.filter(slug=old_slug).exists():
        loaded.skipped.append(page.title)
        return
    _, created = PageRedirect.objects.get_or_create(old_slug=old_slug, defaults={"page": target})
    if page.revisions:
        PageRedirect.objects.filter(old_slug=old_slug).update(
            created_at=page.revisions[0].timestamp
        )
    loaded.redirects += created


def _talk_target(title: str) -> dict | None:
    name = title.removeprefix(TALK_PREFIX).strip()
    topic = (
        Topic.objects.filter(name=name).first()
        or Topic.objects.filter(slug=title_slug(name)).first()
    )
    if topic is not None:
        return {"topic": topic}
    page = _page_titled(name)
    return {"page": page} if page is not None else None


def _load_talk(page: DumpPage, people: _People, loaded: Loaded) -> None:
    target = _talk_target(page.title)
    if target is None:
        loaded.skipped.append(page.title)
        return
    threads: dict[str, TalkThread] = {}
    for revision in page.revisions:
        author = people.get(revision.username) or people.get(UNNAMED_AUTHOR)
        section = section_summary(revision.comment)
        title, kind = section if section else ("Comment", NEW_SECTION)
        text = revision.text.strip()
        if not text:
            continue
        thread = threads.get(title)
        if thread is None or kind.startswith(NEW_SECTION):
            thread = TalkThread.objects.create(
                author=author, title=title[:200] or "Comment", created_at=revision.timestamp,
                **target,
            )  # fmt: skip
            threads[title] = thread
        try:
            html = render_text(text)[0].html
        except RenderRefused as error:
            raise LoadError(f"line {page.line}: “{page.title}”: {error}") from error
        TalkComment.objects.create(
            thread=thread, author=author, text=text, html=html, created_at=revision.timestamp
        )
        loaded.comments += 1
