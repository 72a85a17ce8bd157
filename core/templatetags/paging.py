"""`{% page_url n %}`: a link to page n of the current list, for the pagination include."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The current query string with `page` set, keeping the other parameters (a sort, a search).

    Page 1 drops `page`, so the first page has one address.
    """
    others = _other_parameters(context)
    if int(number) != 1:
        return f"?{others}&page={number}" if others else f"?page={number}"
    if others:
        return f"?{others}"
    request = context.get("request")
    return request.path if request is not None else "?"


def _other_parameters(context) -> str:
    """The request's query string without `page`, encoded once a rendering of the include (a
    list links to up to nine pages; copying and encoding the query for each was a tenth of a
    search page's template time). `page` comes last, as QueryDict puts a key set anew."""
    memo = context.render_context
    if "page_url_others" not in memo:
        request = context.get("request")
        query = request.GET.copy() if request is not None else None
        if query is not None:
            query.pop("page", None)
        memo["page_url_others"] = query.urlencode() if query else ""
    return memo["page_url_others"]


@register.simple_tag
def page_numbers(page_obj):
    """Page numbers to link around the current one, with `…` for the gaps (1 … 4 5 6 7 8 … 20)."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
