"""The search page: parse the request, run `search.services.search`, render or redirect."""

from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject

from search.services import KINDS, QUERY_MAX_CHARS, SearchParams, search, topic_choices


def results(request):
    params = SearchParams.from_query_dict(request.GET)
    found = search(params)
    if found.redirect:
        return redirect(found.redirect)
    return render(
        request,
        "search/results.html",
        {
            "params": params,
            "results": found,
            "page_obj": found.page,
            "kinds": [(kind.name, kind.plural) for kind in KINDS.values()],
            # Read only when the kept fragment is drawn (templates/search/results.html).
            "topics": SimpleLazyObject(topic_choices),
            "query_max_chars": QUERY_MAX_CHARS,
        },
    )
