"""Top-level URLs: each app owns its own; this file only mounts them."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from core import views
from posts.sitemaps import PostSitemap
from wiki.sitemaps import PageSitemap, TopicWithEntrySitemap

SITEMAPS = {"topics": TopicWithEntrySitemap, "posts": PostSitemap, "pages": PageSitemap}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("search/", include("search.urls")),
    # The JSON API (/api/v1/) and the token pages of the preferences.
    path("", include("api.urls")),
    # Before the wiki's: /wiki/<slug>/talk/ and /users/<name>/block/ sit beside its pages.
    path("", include("community.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("wiki.urls")),
    path("", include("posts.urls")),
]

# The benchmark's ceiling exists only when the server was started with BENCH_CEILING=1.
if settings.BENCH_CEILING:
    urlpatterns.append(path("bench/ceiling/", views.ceiling, name="bench_ceiling"))

handler500 = "core.views.server_error"
