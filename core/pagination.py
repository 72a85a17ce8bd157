"""The site's one pagination policy, for every list (a topic's posts, search results, the wiki's
lists and histories).

A `?page=` number is a hint, not an address: a number past the end shows the last page, and one
that is not a whole number, or is below 1, shows the first. (Django's `Paginator.get_page` would
show the last page for 0 and below.)
Lists here move under their readers — an import adds or merges posts, every edit reorders
recent changes and search results — so a link to page 7 taken yesterday is often past today's
end; the nearest real page serves that reader better than an error. Links are drawn by one
include, `templates/includes/pagination.html` (tags in `core.templatetags.paging`).
"""

from django.core.paginator import Page, Paginator


def paginate(
    items, page_number: str | int | None, per_page: int, *, count: int | None = None
) -> Page:
    """One page of `items` by the policy above. `count`, when known, saves the paginator its
    COUNT query."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is never computed
    return paginator.page(min(page_asked(page_number), paginator.num_pages))


def page_asked(page_number: str | int | None) -> int:
    """The page `?page=` asks for by the policy above, before the list's end is known: a page
    past the end is still asked for (`paginate` then shows the last)."""
    try:
        number = int(page_number or 1)
    except (TypeError, ValueError):  # not a number, or too many digits for Python to read
        number = 1
    return max(number, 1)
