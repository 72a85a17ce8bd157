"""Top-level URLs: each app owns its own; this file only mounts them."""

from django.contrib import admin
from django.urls import include, path

from bigsoc import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("search/", include("search.urls")),
    path("accounts/", include("wiki.account_urls")),
    path("", include("wiki.urls")),
    path("", include("posts.urls")),
]

handler500 = "bigsoc.views.server_error"
