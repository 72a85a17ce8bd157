"""Site-wide views that belong to no app: the health check, robots.txt, /favicon.ico, the
server-error handler, and the benchmark's ceiling (mounted only when BENCH_CEILING=1)."""

import sys
from functools import cache

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache

from core.outages import UNAVAILABLE


@never_cache
def healthz(request):
    """For load balancers: 200 when PostgreSQL answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@cache
def _favicon() -> bytes:
    return (settings.BASE_DIR / "static" / "img" / "favicon.svg").read_bytes()


def favicon(request):
    """/favicon.ico, which browsers, feed readers and crawlers ask for whatever the page's
    <link rel="icon"> says: the site's SVG icon (every current browser reads it), kept a day."""
    response = HttpResponse(_favicon(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def server_error(request):
    """handler500: a friendly 503 while the database is down, the site's 500 page otherwise.

    Django calls this inside its exception handler, so sys.exc_info() holds the error. Neither
    template touches the database or the request context, so both render with PostgreSQL gone.
    """
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def robots_txt(request):
    """robots.txt: crawl everything but accounts, the admin and the wiki's tools; find the rest
    through the sitemap, whose address is absolute as the standard asks."""
    return render(
        request,
        "robots.txt",
        {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )


# 6 KB of text: the benchmark's yardstick for the fastest any Django page can be served here.
CEILING_BODY = ("The quick brown fox jumps over the lazy dog. " * 140)[:6144]


def ceiling(request):
    """A minimal view returning a 6 KB string, through the same middleware as every page.

    Plain text, so the page cache leaves it alone: it measures Django, not the cache.
    """
    return HttpResponse(CEILING_BODY, content_type="text/plain; charset=utf-8")
