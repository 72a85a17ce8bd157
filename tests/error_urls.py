"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.urls import path

from bigsoc.urls import handler500  # noqa: F401 (handler500)
from bigsoc.urls import urlpatterns as site_urlpatterns


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug in a view")


def database_down(request):
    raise OperationalError("connection refused")


urlpatterns = [
    path("test-errors/403/", forbidden),
    path("test-errors/500/", broken),
    path("test-errors/503/", database_down),
    *site_urlpatterns,
]
