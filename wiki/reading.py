"""The page a reading view shows, looked up by slug and kept until the next write.

Every wiki read (a page, its history, a diff, an old revision, what links here) starts by
looking its page up by slug. Compiling that ORM query costs more CPU than anything else in a
logged-in diff or history request; the same lookup from the shared cache is one round trip.
Any change to a page (save, revert, move, protect, delete, restore) is a write that sets a new
generation, so a kept page is never stale.
Each lookup also names the page's dependency key for the page cache (core.cache.depends_on).
A slug with no page is kept too (as None): the views then look for a redirect themselves.
"""

from core.cache import depends_on, for_generation, named_key, page_key_name
from wiki.models import Page


def _shown(page: Page | None) -> Page | None:
    # Every view of a page (itself, history, links, a diff) shows what its key names.
    if page is not None:
        depends_on(page_key_name(page.pk))
    return page


def page_for_reading(slug: str) -> Page | None:
    """`Page.objects.for_reading()`: the page with its HTML and current revision's header."""
    return _shown(
        for_generation(
            named_key("wiki-page:reading", slug),
            lambda: Page.objects.for_reading().filter(slug=slug).first(),
        )
    )


def page_for_tools(slug: str) -> Page | None:
    """`Page.objects.for_tools()`: the page and its current revision number, no text."""
    return _shown(
        for_generation(
            named_key("wiki-page:tools", slug),
            lambda: Page.objects.for_tools().filter(slug=slug).first(),
        )
    )
