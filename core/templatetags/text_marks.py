"""Filters for text shown where no markup can isolate it."""

from django import template

from core.text import without_bidi_controls as _without_bidi_controls

register = template.Library()


@register.filter(is_safe=True)
def without_bidi_controls(text) -> str:
    """The document <title> and the like: an archive's right-to-left override would reverse
    the rest of the browser tab's line, and no <bdi> can stop it there."""
    # is_safe: dropping characters cannot make markup, so escaped text stays escaped.
    return _without_bidi_controls(str(text))
