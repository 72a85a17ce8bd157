"""Community pieces on the wiki's own pages: the watch button and the moderator test."""

from django import template

from community.slots import watch_context
from community.targets import Target
from wiki.permissions import is_moderator

register = template.Library()


@register.inclusion_tag("community/includes/watch_button.html", takes_context=True)
def watch_button(context, page):
    request = context["request"]
    return {
        **watch_context(request, Target(page=page)),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def moderates(user) -> bool:
    return is_moderator(user)
