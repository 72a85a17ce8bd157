"""Small display helpers for wiki templates. (The wiki's pieces of the archive's pages are
filled through core.slots: see wiki.slots.)"""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


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
