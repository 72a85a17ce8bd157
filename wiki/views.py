"""Pages of the wiki: read a page, edit or create it (with preview and conflict screen),
its history, an old revision and a diff. Thin: fetch, validate, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from core.cache import readers_see_no_change
from core.pagination import paginate
from core.ratelimit import RateLimited, spend_write
from posts.addresses import topic_url
from posts.models import Topic
from wiki.budget import RenderRefused
from wiki.diff import hunk_diff, word_diff
from wiki.forms import EditForm
from wiki.links import render_text
from wiki.models import Page, PageRedirect, Revision
from wiki.permissions import can_edit, is_moderator_for_reading
from wiki.reading import page_for_reading, page_for_tools
from wiki.services import (
    EditConflict,
    PageError,
    TitleTaken,
    create_page,
    normalise_text,
    save_revision,
)

HISTORY_PER_PAGE = 50


def _moved(slug: str, view_name: str, **kwargs):
    """A redirect to the page that used to live at `slug`, or None."""
    moved = PageRedirect.objects.filter(old_slug=slug).select_related("page").first()
    if moved is None:
        return None
    return redirect(reverse(view_name, args=[moved.page.slug, *kwargs.values()]))


def _deleted(request, page):
    return render(
        request,
        "wiki/page_deleted.html",
        {"page": page, "is_moderator": is_moderator_for_reading(request)},
        status=404,
    )


def _page_for_tools(request, slug: str, view_name: str, **kwargs):
    """(page, None) for history-like views, or (None, response): a moved page's redirect, or
    the notice of a deleted page (whose history only moderators see); 404 otherwise."""
    page = page_for_tools(slug)
    if page is not None:
        if page.is_deleted and not is_moderator_for_reading(request):
            return None, _deleted(request, page)
        return page, None
    response = _moved(slug, view_name, **kwargs)
    if response is None:
        raise Http404("No such page")
    return None, response


def page_detail(request, slug):
    page = page_for_reading(slug)
    if page is None:
        moved = _moved(slug, "wiki:page")
        if moved is not None:
            return moved
        if Topic.objects.filter(slug=slug).exists():
            return redirect(topic_url(slug))
        return render(request, "wiki/page_missing.html", {"slug": slug}, status=404)
    if page.topic_id and not page.is_deleted:
        return redirect(topic_url(slug))
    if page.is_deleted:
        return _deleted(request, page)
    return render(
        request,
        "wiki/page_detail.html",
        {
            "page": page,
            "revision": page.current_revision,
            # Looked up only when the kept fragment is drawn again: even building the
            # queryset costs a logged-in request real CPU.
            "backlinks": SimpleLazyObject(lambda: _backlinks(page)),
        },
    )


def _backlinks(page: Page) -> list[Page]:
    return list(Page.objects.linking_to(page).select_related("topic").alphabetical())


@login_required
def page_edit(request, slug):
    page = Page.objects.with_current().filter(slug=slug).first()
    topic = None
    if page is None:
        moved = _moved(slug, "wiki:edit")
        if moved is not None:
            return moved
        topic = Topic.objects.filter(slug=slug).first()
    elif request.method == "GET" and "title" in request.GET and not page.is_deleted:
        # A "missing" link saved before this page existed: show the page, not its editor.
        return redirect(page.get_absolute_url())
    if page is not None and page.is_deleted:
        return _deleted(request, page)
    if not can_edit(request.user, page):
        return render(request, "wiki/page_protected.html", {"page": page}, status=403)

    creating = page is None
    current = page.current_revision if page else None
    context = {"page": page, "topic": topic, "creating": creating, "slug": slug}
    if request.method != "POST":
        title = request.GET.get("title") or (topic.name if topic else slug.replace("-", " "))
        # "Edit this version" (?revision=N): the old text in the editor, based on the current
        # revision, so saving it is an ordinary edit with its own summary, as on MediaWiki.
        restoring = _old_revision(page, _int_param(request, "revision"))
        source = restoring or current
        form = EditForm(
            creating=creating,
            asks_title=creating and topic is None,
            initial={
                "title": title[:255],
                "text": source.text if source else "",
                "summary": f"Restored revision {restoring.number}" if restoring else "",
                "base_revision": current.number if current else 0,
            },
        )
        context["restoring"] = restoring
        return render(request, "wiki/page_edit.html", {**context, "form": form})

    form = EditForm(request.POST, creating=creating, asks_title=creating and topic is None)
    if not form.is_valid():
        return render(request, "wiki/page_edit.html", {**context, "form": form}, status=400)
    data = form.cleaned_data
    edit = {
        "text": data["text"],
        "author": request.user,
        "summary": data["summary"],
        "minor": data.get("minor", False),  # not asked when creating
    }
    try:
        # A preview renders as a save does, so it spends from the same budget of writes.
        spend_write(request.user)
        if request.POST.get("action") == "preview":
            readers_see_no_change()
            preview, _ = render_text(normalise_text(data["text"]))
            return render(
                request, "wiki/page_edit.html", {**context, "form": form, "preview": preview}
            )
        if creating:
            # The entry of a topic always takes the topic's name (and so its slug).
            revision = create_page(title=topic.name if topic else data["title"], **edit)
        else:
            revision = save_revision(page=page, base_revision=data["base_revision"], **edit)
        changed = revision.number != (data["base_revision"] or 0)
    except EditConflict as conflict:
        return _conflict(request, form, page, slug, conflict.current_revision)
    except RateLimited as error:
        form.add_error(None, str(error))
        return render(request, "wiki/page_edit.html", {**context, "form": form}, status=429)
    except TitleTaken as error:
        # Told before anything is saved, the text kept; never the conflict screen, which is
        # only ever about the page being edited.
        form.add_error("title", str(error))
        context = {**context, "form": form, "taken": error.page}
        return render(request, "wiki/page_edit.html", context, status=400)
    except RenderRefused as error:
        form.add_error("text", str(error))
        return render(request, "wiki/page_edit.html", {**context, "form": form}, status=400)
    except PageError as error:
        form.add_error("title" if "title" in form.fields else None, str(error))
        return render(request, "wiki/page_edit.html", {**context, "form": form}, status=400)
    messages.success(request, "Saved." if changed else "Nothing changed, so nothing was saved.")
    return redirect(revision.page.get_absolute_url())


def _conflict(request, form, page, slug, current: Revision | None):
    """Nothing was saved: show the editor's own text, the other change, and a diff to merge."""
    if current is None:  # the page vanished or has no text; start afresh from the editor's text
        raise Http404("The page you were editing no longer exists.")
    current = Revision.objects.select_related("author", "page").get(pk=current.pk)
    theirs = normalise_text(form.cleaned_data["text"])
    base_number = form.cleaned_data["base_revision"]
    base = (
        Revision.objects.filter(page=current.page, number=base_number).first()
        if base_number
        else None
    )
    data = request.POST.copy()
    data["base_revision"] = str(current.number)
    merge_form = EditForm(data, creating=False)
    return render(
        request,
        "wiki/page_conflict.html",
        {
            "page": current.page,
            "form": merge_form,
            "current": current,
            "base": base,
            "their_change": word_diff(base.text if base else "", current.text),
            "yours_vs_current": word_diff(current.text, theirs),
        },
        status=409,
    )


def _revision_diff(page: Page, from_number: int, to_number: int):
    """(old, new, diff) for two revision numbers of `page`, or None when either is missing.

    Revisions never change, so neither do their headers (number, author, summary) nor their diff:
    all three are computed once, for every reader, and kept together (a diff of a long page costs
    tens of milliseconds; the headers a query). Their texts are read only then. A missing
    revision is not kept: it may be saved next.
    """
    # The key names the format ("hunks"), so a cache still holding whole-text diffs is not read.
    key = f"wiki:diff:hunks:{page.pk}:{from_number}:{to_number}"
    found = cache.get(key)
    if found is not None:
        return found
    revisions = page.revisions.select_related("author").defer("text", "html", "toc_html")
    by_number = {r.number: r for r in revisions.filter(number__in=[from_number, to_number])}
    old, new = by_number.get(from_number), by_number.get(to_number)
    if new is None or (from_number and old is None):
        return None
    wanted = [new.pk, old.pk] if old else [new.pk]
    texts = dict(Revision.objects.filter(pk__in=wanted).values_list("pk", "text"))
    found = (old, new, hunk_diff(texts[old.pk] if old else "", texts[new.pk]))
    cache.set(key, found, 86_400)
    return found


def page_history(request, slug):
    page, moved = _page_for_tools(request, slug, "wiki:history")
    if moved:
        return moved
    revisions = (
        page.revisions.select_related("author")
        .defer("text", "html", "toc_html")
        .annotate(parent_size=F("parent__size"))
        .order_by("-number")
    )
    # Revisions are numbered 1, 2, 3 … per page and never removed, so the current number is the
    # count: no COUNT(*) over the page's revisions (a join with their parents) on every view.
    count = page.current_revision.number if page.current_revision else 0
    paginated = paginate(revisions, request.GET.get("page"), HISTORY_PER_PAGE, count=count)
    return render(
        request,
        "wiki/page_history.html",
        {"page": page, "revisions": paginated, "is_moderator": is_moderator_for_reading(request)},
    )


def page_links(request, slug):
    """What links here: needed for topic entries, whose page is the topic's page."""
    page, moved = _page_for_tools(request, slug, "wiki:links")
    if moved:
        return moved
    return render(
        request,
        "wiki/page_links.html",
        {
            "page": page,
            "backlinks": Page.objects.linking_to(page).select_related("topic").alphabetical(),
        },
    )


def revision_detail(request, slug, number):
    page, moved = _page_for_tools(request, slug, "wiki:revision", number=number)
    if moved:
        return moved
    revision = get_object_or_404(
        Revision.objects.select_related("author").annotate(parent_size=F("parent__size")),
        page=page,
        number=number,
    )
    return render(
        request,
        "wiki/revision_detail.html",
        {
            "page": page,
            "revision": revision,
            "is_current": revision.pk == page.current_revision_id,
            "is_moderator": is_moderator_for_reading(request),
        },
    )


def _old_revision(page, number):
    """Revision `number` of `page` when it is not the current one, else None."""
    if page is None or number is None or number == page.current_revision.number:
        return None
    return Revision.objects.filter(page=page, number=number).select_related("author").first()


def _int_param(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def page_diff(request, slug):
    page, moved = _page_for_tools(request, slug, "wiki:diff")
    if moved:
        return moved
    current_number = page.current_revision.number if page.current_revision else 0
    to_number = _int_param(request, "to") or current_number
    from_number = _int_param(request, "from")
    if from_number is None:
        from_number = max(to_number - 1, 0)
    if from_number > to_number:
        from_number, to_number = to_number, from_number
    found = _revision_diff(page, from_number, to_number)
    if found is None:
        return render(
            request,
            "wiki/page_diff.html",
            {"page": page, "error": "Choose two revisions that exist in this page's history."},
            status=400,
        )
    old, new, hunks = found
    # The edits either side, as Wikipedia links them: the one before `old`, the one after `new`.
    return render(
        request,
        "wiki/page_diff.html",
        {
            "page": page,
            "old": old,
            "new": new,
            "hunks": hunks,
            "older_edit": from_number if from_number >= 1 else None,
            "newer_edit": to_number + 1 if to_number < current_number else None,
        },
    )
