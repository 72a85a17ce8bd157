"""URLs of the reading side: home, topics, posts.

Slugs are matched as `str`: topic slugs may hold non-ASCII letters (taggit keeps Unicode).
`authors/<name>/` matches the byline exactly as the archive gave it.
`topics/map/` comes before `topics/<slug>/`, so a topic whose slug is "map" cannot hide the map.
"""

from django.urls import path, register_converter

from posts import views
from posts.feeds import RecentPostsFeed, TopicPostsFeed

app_name = "posts"


class BylineConverter:
    """Any byline, "/" and line breaks included: `path` stops at a line break, and a link to
    an author whose name held one could not be made (a 500 on every page naming them)."""

    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(BylineConverter, "byline")

urlpatterns = [
    path("", views.home, name="home"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/map/", views.topic_map, name="topic_map"),
    path("topics/<str:slug>/", views.topic_detail, name="topic_detail"),
    path("topics/<str:slug>/feed/", TopicPostsFeed(), name="topic_feed"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/<str:slug>/", views.post_detail, name="post_detail"),
    path("feeds/posts/", RecentPostsFeed(), name="recent_feed"),
    path("authors/", views.author_list, name="author_list"),
    path("authors/<byline:name>/", views.author_detail, name="author_detail"),
]
