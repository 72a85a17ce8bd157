"""Template context every page needs."""

from django.core.exceptions import DisallowedHost

# Longer page numbers are not real pages (and Python refuses to read very long digit strings).
MAX_PAGE_DIGITS = 9


def canonical_url(request) -> dict:
    """`canonical_url`: the page's own absolute address for <link rel="canonical">.

    The query string is dropped (sorting, filters and tracking tags show the same content),
    except a `page` number beyond the first: later pages of a list are pages of their own.
    """
    try:
        url = request.build_absolute_uri(request.path)
    except DisallowedHost:
        # The 400 page for a forged Host header: no address of ours to name (asking again
        # raised inside the error page, and the visitor got a 500).
        return {"canonical_url": ""}
    page = request.GET.get("page", "")
    if page.isascii() and page.isdigit() and len(page) <= MAX_PAGE_DIGITS and int(page) > 1:
        url += f"?page={int(page)}"
    return {"canonical_url": url}
