"""The page a reading view shows, looked up by slug and kept until the next write.

Every wiki read (a page, its history, a diff, an old revision, what links here) starts by
looking its page up by slug. Compiling that ORM query costs more CPU than anything else in a
logged-in diff or history request; the same lookup from the shared cache is one round trip.
Any change to a page (save, revert, move, protect, delete, restore) is a write that sets a new
generation, so a kept page is never stale.
A slug with no page is kept too (as None): the views then look for a redirect themselves.
"""

from core.cache import for_generation, named_key
from wiki.models import Page


def page_for_reading(slug: str) -> Page | None:
    """`Page.objects.for_reading()`: the page with its HTML and current revision's header."""
    return for_generation(
        named_key("wiki-page:reading", slug),
        lambda: Page.objects.for_reading().filter(slug=slug).first(),
    )


def page_for_tools(slug: str) -> Page | None:
    """`Page.objects.for_tools()`: the page and its current revision number, no text."""
    return for_generation(
        named_key("wiki-page:tools", slug),
        lambda: Page.objects.for_tools().filter(slug=slug).first(),
    )
