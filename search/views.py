"""The search page: parse the request, run `search.services.search`, render or redirect."""

from django.shortcuts import redirect, render

from posts.models import Topic
from search.services import KINDS, QUERY_MAX_CHARS, SearchParams, search


def results(request):
    params = SearchParams.from_query_dict(request.GET)
    found = search(params)
    if found.redirect:
        return redirect(found.redirect)
    return render(
        request,
        "search/results.html",
        {
            "search_query": params.q,
            "params": params,
            "results": found,
            "page_obj": found.page,
            "kinds": [(kind.name, kind.plural) for kind in KINDS.values()],
            "topics": Topic.objects.a_to_z().values_list("slug", "name"),
            "query_max_chars": QUERY_MAX_CHARS,
        },
    )
