"""Template tags of the search page: its two long lists, joined in Python.

A search page shows 20 hits and every topic in the filter. Written as {% for %} loops (each
hit's eight lookups and two `date` filters, each option's three lookups) they cost more than
the rest of the page; joined here they cost about a third less (docs/performance.md). The
markup is exactly what those loops wrote;
`escape` is what Django's autoescaping calls, and `conditional_escape` leaves the hits'
already escaped, <mark>ed HTML as it is.
"""

from datetime import date
from html import escape

from django import template
from django.utils.dates import MONTHS
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from search.kinds import Hit

register = template.Library()


@register.simple_tag
def topic_options(topics: list[tuple[str, str]], selected: str) -> SafeString:
    """One <option> per (slug, name) of `topics`, the `selected` slug's marked so."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<option value="{escape(slug)}"{" selected" if slug == selected else ""}>'
            f"{escape(name)}</option>"
            for slug, name in topics
        )
    )


def shown_date(day: date) -> str:
    """`day` as the filter `date:"j F Y"` writes it: 5 March 2010 (month names translated)."""
    return f"{day.day} {MONTHS[day.month]} {day.year:04d}"


def _hit_item(hit: Hit) -> str:
    when = ""
    if hit.date:
        label = f"{escape(hit.date_label)} " if hit.date_label else ""
        when = (
            f' <span>{label}<time datetime="{hit.date.isoformat()}">'
            f"{escape(shown_date(hit.date))}</time></span>"
        )
    snippet = (
        f'<p class="hit__snippet">{conditional_escape(hit.snippet_html)}</p>'
        if hit.snippet_html
        else ""
    )
    return (
        '<li class="hit"><article>'
        f'<h2 class="hit__title"><a href="{escape(hit.url)}">'
        f'<bdi dir="auto">{conditional_escape(hit.title_html)}</bdi></a></h2>'
        f'<p class="hit__meta"><span class="hit__kind">{escape(hit.kind_label)}</span>{when}</p>'
        f"{snippet}</article></li>"
    )


@register.simple_tag
def hit_items(hits: list[Hit]) -> SafeString:
    """One <li class="hit"> per hit: its linked title, kind, date and snippet."""
    return mark_safe("".join(map(_hit_item, hits)))  # noqa: S308 - every value is escaped
