"""Community URLs, mounted at the site root: watchlist, watch buttons, talk pages, the log,
blocks, the review queue, preferences and the signed unsubscribe link."""

from django.urls import path

from community import views, views_moderation, views_talk

app_name = "community"

urlpatterns = [
    path("watchlist/", views.watchlist, name="watchlist"),
    path("wiki/<str:slug>/watch/", views.watch_page, name="watch_page"),
    path("topics/<str:slug>/watch/", views.watch_topic, name="watch_topic"),
    path("wiki/<str:slug>/talk/", views_talk.talk, name="talk"),
    path("talk/comments/<int:pk>/edit/", views_talk.comment_edit, name="comment_edit"),
    path("talk/comments/<int:pk>/hide/", views_talk.comment_hide, name="comment_hide"),
    path("log/", views_moderation.moderation_log, name="log"),
    path("log/feed/", views_moderation.LogFeed(), name="log_feed"),
    path("review/", views_moderation.review_queue, name="review"),
    path("users/<str:username>/block/", views_moderation.block, name="block"),
    path("accounts/preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
