"""Top-level URLs: each app owns its own; this file only mounts them."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("wiki.account_urls")),
    path("", include("wiki.urls")),
    path("", include("posts.urls")),
]
