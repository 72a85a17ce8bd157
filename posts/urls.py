"""URLs of the reading side: home, topics, posts.

Slugs are matched as `str`: topic slugs may hold non-ASCII letters (taggit keeps Unicode).
"""

from django.urls import path

from posts import views

app_name = "posts"

urlpatterns = [
    path("", views.home, name="home"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<str:slug>/", views.topic_detail, name="topic_detail"),
    path("posts/<str:slug>/", views.post_detail, name="post_detail"),
]
