"""Old addresses keep working: a 404 for an address an imported post had on its old blog
becomes a 301 to the post's page here (as django.contrib.redirects does, looked up only on 404,
so no other request pays for it).

However the old address is written: its permalink's path (percent-encoded or not, in any
script: Django hands the path over decoded, and the importer stores it decoded), WordPress's
`?p=N` and `/archives/N` (the post ID), and the date-based and `%postname%` forms
(`/2011/03/03/slug/`, `/2011/03/slug/`, `/slug/`, Blogger's `/2011/03/slug.html`) by the
post's own slug on the old blog. One query per lookup; a request matching none costs none.
"""

import re
from urllib.parse import quote

from django.db.models import Q
from django.http import HttpResponsePermanentRedirect

from posts.models import Post

_ARCHIVES = re.compile(r"^/archives/(\d{1,18})$")
_DATED = re.compile(r"^/(\d{4})/(\d{2})(?:/(\d{2}))?/([^/]+?)(?:\.html?)?$")
_NAMED = re.compile(r"^/([^/]+)$")
# The site's own pages at these paths answer 200, so `?p=N` there is looked at first.
ID_PAGES = ("/", "/index.php")


def old_address_lookups(path: str, query: dict) -> list[Q]:
    """The lookups, most exact first, that find the post an old address named. Pure."""
    path = path.rstrip("/")[:500]
    lookups = []
    if path:
        forms = dict.fromkeys([path, quote(path, safe="/"), quote(path, safe="/").lower()])
        lookups.append(Q(old_path__in=list(forms)))
    if (post_id := query.get("p", "")).isdigit() and len(post_id) < 19:
        # WordPress's own form, on the blog's root or wherever the blog lived (/blog/?p=N)
        lookups.append(Q(source_id=int(post_id)))
    if m := _ARCHIVES.match(path):
        lookups.append(Q(source_id=int(m.group(1))))
    if m := _DATED.match(path):
        year, month, day, slug = m.groups()
        dated = Q(source_slug=slug, published__year=int(year), published__month=int(month))
        lookups.append(dated & Q(published__day=int(day)) if day else dated)
    elif (m := _NAMED.match(path)) and "." not in m.group(1):
        lookups.append(Q(source_slug=m.group(1)))
    return lookups


class OldPermalinkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wanted = request.path_info in ID_PAGES and "p" in request.GET
        if wanted and (found := _redirect(request)) is not None:
            return found
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        return _redirect(request) or response


def _redirect(request) -> HttpResponsePermanentRedirect | None:
    if request.method not in ("GET", "HEAD"):
        return None
    for lookup in old_address_lookups(request.path_info, request.GET):
        slugs = Post.objects.filter(lookup).order_by("id").values_list("slug", flat=True)
        if (slug := slugs.first()) is not None:
            return HttpResponsePermanentRedirect(Post(slug=slug).get_absolute_url())
    return None
