"""Small display helpers for wiki templates, and the wiki's pieces of archive pages.

`topic_entry` and `cited_in` let the topic and post pages (rendered by the posts app, which
never imports the wiki) show a topic's entry and the pages citing a post: one query each.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from wiki.services import citations_for_post, entry_for_topic

register = template.Library()


@register.inclusion_tag("wiki/includes/entry.html")
def topic_entry(topic):
    return {"topic": topic, "entry": entry_for_topic(topic)}


@register.inclusion_tag("wiki/includes/cited_in.html")
def cited_in(post):
    return {"citations": citations_for_post(post)}


@register.filter
def size_change(revision) -> str:
    """The change in characters against the parent revision, e.g. +120 or −8, marked up."""
    before = getattr(revision, "parent_size", None) or 0
    delta = revision.size - before
    css = "size-up" if delta > 0 else "size-down" if delta < 0 else "size-same"
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    return format_html('<span class="{}">{}{}</span>', css, sign, abs(delta))


@register.simple_tag
def author_link(user) -> str:
    """A link to the author's contributions, or "system" for imported text."""
    if user is None:
        return format_html('<span class="author system">{}</span>', "system")
    return format_html(
        '<a class="author" href="{}">{}</a>',
        reverse("wiki:user", args=[user.username]),
        user.username,
    )
