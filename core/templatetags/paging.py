"""`{% page_url n %}`: a link to page n of the current list, for the pagination include."""

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The current query string with `page` set, keeping the other parameters (a sort, a search).

    Page 1 drops `page`, so the first page has one address.
    """
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query.pop("page", None)
    if int(number) != 1:
        query["page"] = str(number)
    if query:
        return f"?{query.urlencode()}"
    return request.path if request is not None else "?"


@register.simple_tag
def page_numbers(page_obj):
    """Page numbers to link around the current one, with `…` for the gaps (1 … 4 5 6 7 8 … 20)."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
