"""Community pieces on pages other apps render: the watch button, the volunteer's home panels,
and which topics still need an entry. Each costs one or two queries, and only when drawn."""

from django import template
from django.db.models import Exists, OuterRef

from community.targets import Target
from community.watching import is_watching, preference_for
from community.watchlist import watchlist_rows
from posts.models import Topic
from wiki.models import Page, Revision
from wiki.permissions import is_moderator

register = template.Library()

HOME_WAITING = 8
HOME_ROWS = 5


@register.inclusion_tag("community/includes/watch_button.html", takes_context=True)
def watch_button(context, page=None, topic=None):
    request = context["request"]
    target = Target(page=page if topic is None else None, topic=topic)
    return {
        "request": request,
        "user": request.user,
        "target": target,
        "watching": is_watching(request.user, target),
        "is_topic": topic is not None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("community/includes/volunteer_home.html", takes_context=True)
def volunteer_home(context):
    user = context["request"].user
    has_entry = Page.objects.live().filter(topic_id=OuterRef("pk"))
    waiting = Topic.objects.busiest().filter(~Exists(has_entry))[:HOME_WAITING]
    preference = preference_for(user)
    own = (
        Revision.objects.filter(author=user)
        .select_related("page")
        .defer("text", "html", "toc_html", "page__html", "page__toc_html", "page__search_vector")
        .order_by("-created_at")[:HOME_ROWS]
    )
    return {
        "person": user,
        "waiting": list(waiting),
        "rows": watchlist_rows(user, seen_at=preference.watchlist_seen_at)[:HOME_ROWS],
        "own_edits": list(own),
    }


@register.filter
def moderates(user) -> bool:
    return is_moderator(user)


@register.simple_tag
def topics_with_entries() -> set[int]:
    """Ids of topics that have a live entry: the topic index marks the others."""
    return set(Page.objects.live().filter(topic__isnull=False).values_list("topic_id", flat=True))
