"""Lists across the wiki: all pages, wanted pages, recent changes, a volunteer's contributions."""

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Min
from django.shortcuts import get_object_or_404, render

from core.cache import ARCHIVE, RECENT, depends_on
from core.pagination import paginate
from posts.models import Topic
from wiki import seams
from wiki.models import Page, PageLink, PageRedirect, Revision

PAGES_PER_PAGE = 200
CHANGES_PER_PAGE = 50
WANTED_LIMIT = 200


def page_index(request):
    depends_on(RECENT)
    pages = (
        Page.objects.live()
        .select_related("topic")
        .alphabetical()
        .only("title", "slug", "topic_id", "topic__slug")
    )
    return render(
        request,
        "wiki/page_index.html",
        {"pages": paginate(pages, request.GET.get("page"), PAGES_PER_PAGE)},
    )


def wanted_pages(request):
    wanted = (
        PageLink.objects.filter(from_page__is_deleted=False)
        .exclude(target_slug__in=Page.objects.live().values("slug"))
        .exclude(target_key__in=Page.objects.live().values("key"))
        .exclude(target_slug__in=PageRedirect.objects.values("old_slug"))
        .exclude(target_slug__in=Topic.objects.values("slug"))
        .values("target_slug")
        .annotate(links=Count("from_page", distinct=True), title=Min("target_title"))
        .order_by("-links", "target_slug")[:WANTED_LIMIT]
    )
    return render(request, "wiki/page_wanted.html", {"wanted": wanted})


def _changes():
    """Revisions with their page and author, newest first, without the large text columns."""
    return (
        Revision.objects.filter(page__is_deleted=False)
        .select_related("page", "author", "page__topic")
        .defer("text", "html", "toc_html")
        .annotate(parent_size=F("parent__size"))
        .order_by("-created_at", "-id")
    )


def topics_waiting() -> dict:
    """For an empty list of changes, what to do next: how many topics with posts have no entry
    yet, and the busiest of them to start with. Two queries, run only when the template asks."""
    waiting = Topic.objects.filter(tagged_posts__isnull=False, wiki_entry__isnull=True).distinct()
    busiest = Topic.objects.busiest().filter(wiki_entry__isnull=True).only("name", "slug")
    return {"count": waiting.count(), "first": busiest.first()}


def recent_changes(request):
    """Revisions, newest first, with what other apps mix in (wiki.seams: talk comments);
    `show` picks one kind ("edits" is the wiki's own)."""
    depends_on(RECENT, ARCHIVE)  # an empty list names the topics waiting for an entry
    changes = _changes()
    user_filter = request.GET.get("user", "").strip()
    hide_minor = request.GET.get("hide_minor") == "1"
    default = next(iter(seams.recent_show))
    show = request.GET.get("show", default)
    if show not in seams.recent_show:
        show = default
    if user_filter:
        changes = changes.filter(author__username=user_filter)
    if hide_minor:
        changes = changes.filter(minor=False)
    page_number = request.GET.get("page")
    page = None
    if show != "edits":
        page = seams.recent_page(
            changes,
            show=show,
            user_filter=user_filter,
            page_number=page_number,
            per_page=CHANGES_PER_PAGE,
        )
    if page is None:
        page = paginate(changes, page_number, CHANGES_PER_PAGE)
    return render(
        request,
        "wiki/change_list.html",
        {
            "changes": page,
            "user_filter": user_filter,
            "hide_minor": hide_minor,
            "filtered": bool(user_filter or hide_minor),
            # Called by the template only when there are no changes to show.
            "topics_waiting": topics_waiting,
            "show": show,
            "show_choices": seams.recent_show,
        },
    )


def user_contributions(request, username):
    depends_on(RECENT, ARCHIVE)
    person = get_object_or_404(get_user_model(), username=username)
    changes = _changes().filter(author=person)
    return render(
        request,
        "wiki/user_contributions.html",
        {
            "person": person,
            "topics_waiting": topics_waiting,
            "changes": paginate(changes, request.GET.get("page"), CHANGES_PER_PAGE),
        },
    )
