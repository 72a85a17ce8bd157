"""`{% slot "name" arg … %}`: what another app puts in this place of the page (core.slots)."""

from django import template

from core import slots

register = template.Library()


@register.simple_tag(name="slot")
def slot_tag(name: str, *args, **kwargs):
    return slots.render(name, *args, **kwargs)
