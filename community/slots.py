"""Community's fillers for the slots on the archive's pages (core.slots): the Watch button and
talk link on a topic, the volunteer's panels on the home page, and which topics have an entry
(for the topic index's "needs an entry" marks: a set of ids, the one filler that is not HTML)."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from community.targets import Target
from community.watching import is_watching, preference_for
from community.watchlist import watchlist_rows
from core.cache import for_archive
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


def topic_tools(topic, request) -> SafeString:
    return render_to_string(
        "community/includes/watch_button.html",
        watch_context(request, Target(topic=topic)),
        request=request,
    )


def _busiest_topics() -> list[Topic]:
    return list(Topic.objects.busiest().only("name", "slug")[:WAITING_CANDIDATES])


def topics_waiting(limit: int = HOME_WAITING) -> list[Topic]:
    """The busiest topics without a live entry, most posts first.

    Counting every topic's posts is the same for every reader and costs ~2 s at 20,000 posts
    (measured: a logged-in home page at 8 req/s), so the ranking is kept until the archive
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
    volunteer's own latest edits: five queries, six when the archive's ranking is recomputed."""
    user = request.user
    waiting = topics_waiting()
    preference = preference_for(user)
    own = (
        Revision.objects.filter(author=user)
        .select_related("page")
        .defer("text", "html", "toc_html", "page__html", "page__toc_html", "page__search_vector")
        .order_by("-created_at")[:HOME_ROWS]
    )
    context = {
        "person": user,
        "waiting": waiting,
        "rows": watchlist_rows(user, seen_at=preference.watchlist_seen_at)[:HOME_ROWS],
        "own_edits": list(own),
    }
    return render_to_string("community/includes/volunteer_home.html", context, request=request)


def topics_with_entries() -> set[int]:
    return set(Page.objects.live().filter(topic__isnull=False).values_list("topic_id", flat=True))
