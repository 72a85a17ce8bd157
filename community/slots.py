"""Community's fillers for the slots on the archive's pages (core.slots): the Watch button and
talk link on a topic, the volunteer's panels on the home page, and which topics have an entry
(for the topic index's "needs an entry" marks: a set of ids, the one filler that is not HTML)."""

from django.template.context_processors import csrf
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from community.targets import Target
from community.watching import is_watching, watchlist_seen_at
from community.watchlist import watchlist_rows
from core.cache import for_archive, for_generation
from posts.models import Topic
from wiki.models import Page, Revision

HOME_WAITING = 8
HOME_ROWS = 5
# The busiest topics the home page picks its waiting ones from: more than enough for the few
# that have an entry to be left out (a topic past these is not the busiest waiting anyway).
WAITING_CANDIDATES = 200


def watch_context(request, target: Target) -> dict:
    return {
        "user": request.user,
        "target": target,
        "watching": is_watching(request.user, target),
        "is_topic": target.topic is not None,
    }


def topic_tools(topic, request, csrf_token=None) -> SafeString:
    # Without `request=`: the button needs only these, and the page's context processors would
    # all run a second time for it. The page hands over its own CSRF token: masking another
    # (32 random characters from the system's source) costs the page real CPU.
    return render_to_string(
        "community/includes/watch_button.html",
        {
            **watch_context(request, Target(topic=topic)),
            "request": request,
            # Lazy either way: an anonymous reader's button has no form, and a page that used
            # a token is never stored in the page cache.
            "csrf_token": csrf_token if csrf_token is not None else csrf(request)["csrf_token"],
        },
    )


def _busiest_topics() -> list[Topic]:
    return list(Topic.objects.busiest().only("name", "slug")[:WAITING_CANDIDATES])


def topics_waiting(limit: int = HOME_WAITING) -> list[Topic]:
    """The busiest topics without a live entry, most posts first.

    Counting every topic's posts is the same for every reader and takes seconds on a large
    archive (docs/performance.md), so the ranking is kept until the archive
    changes (core.cache.for_archive); which of them have an entry is one cheap query a request.
    """
    busiest = for_archive("busiest-topics", _busiest_topics)
    with_entry = set(
        Page.objects.live()
        .filter(topic_id__in=[topic.pk for topic in busiest])
        .values_list("topic_id", flat=True)
    )
    return [topic for topic in busiest if topic.pk not in with_entry][:limit]


def volunteer_home(request) -> SafeString:
    """Hello by name, the busiest topics without an entry, the latest on the watchlist, and the
    volunteer's own latest edits.

    Kept per volunteer until the next write (core.cache.for_generation): every change these
    panels show (an edit, a comment, a watch, an import, an account change) is a write that sets
    a new generation, so the volunteer sees their own change on the next request. The one thing
    that changes without a write is `watchlist_seen_at` (opening the watchlist is a GET), so it
    is part of the key: the "new" marks are right after that visit too. One query when kept
    (when the watchlist was seen), a fixed handful more when drawn. At 20,000 posts drawing it
    took ~15 ms of CPU, three quarters of the logged-in home page.
    """
    user = request.user
    seen_at = watchlist_seen_at(user)
    key = f"volunteer-home:{user.pk}:{seen_at.timestamp() if seen_at else ''}"
    return for_generation(key, lambda: _draw_volunteer_home(request, seen_at))


def _draw_volunteer_home(request, seen_at) -> SafeString:
    user = request.user
    own = (
        Revision.objects.filter(author=user)
        .select_related("page")
        .defer("text", "html", "toc_html", "page__html", "page__toc_html", "page__search_vector")
        .order_by("-created_at")[:HOME_ROWS]
    )
    context = {
        "person": user,
        "waiting": topics_waiting(),
        "rows": watchlist_rows(user, seen_at=seen_at)[:HOME_ROWS],
        "own_edits": list(own),
    }
    return render_to_string("community/includes/volunteer_home.html", context, request=request)


def topics_with_entries() -> set[int]:
    return set(Page.objects.live().filter(topic__isnull=False).values_list("topic_id", flat=True))
