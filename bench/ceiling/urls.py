"""The ceiling's two addresses: the 6 KB view, and /healthz so the bench's Server sees it start."""

from django.http import HttpResponse
from django.urls import path

# The same 6 KB of plain text as core.views.CEILING_BODY, without importing bigsoc.
BODY = ("The quick brown fox jumps over the lazy dog. " * 140)[:6144]


def ceiling(request):
    return HttpResponse(BODY, content_type="text/plain; charset=utf-8")


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling/", ceiling),
    path("healthz", healthz),
]
