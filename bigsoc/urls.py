"""Top-level URLs: each app owns its own; this file only mounts them."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from bigsoc import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("wiki.account_urls")),
    path("", include("wiki.urls")),
    path("", include("posts.urls")),
]

# The benchmark's ceiling exists only when the server was started with BENCH_CEILING=1.
if settings.BENCH_CEILING:
    urlpatterns.append(path("bench/ceiling/", views.ceiling, name="bench_ceiling"))

handler500 = "bigsoc.views.server_error"
