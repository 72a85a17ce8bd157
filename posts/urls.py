"""URLs of the reading side: home, topics, posts.

Slugs are matched as `str`: topic slugs may hold non-ASCII letters (taggit keeps Unicode).
`authors/<name>/` matches the byline exactly as the archive gave it.
`topics/map/` comes before `topics/<slug>/`, so a topic whose slug is "map" cannot hide the map.
"""

from django.urls import path

from posts import views
from posts.feeds import RecentPostsFeed, TopicPostsFeed

app_name = "posts"

urlpatterns = [
    path("", views.home, name="home"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/map/", views.topic_map, name="topic_map"),
    path("topics/<str:slug>/", views.topic_detail, name="topic_detail"),
    path("topics/<str:slug>/feed/", TopicPostsFeed(), name="topic_feed"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/<str:slug>/", views.post_detail, name="post_detail"),
    path("feeds/posts/", RecentPostsFeed(), name="recent_feed"),
    # A byline may hold a "/" (rarely): `path` matches it too.
    path("authors/", views.author_list, name="author_list"),
    path("authors/<path:name>/", views.author_detail, name="author_detail"),
]
