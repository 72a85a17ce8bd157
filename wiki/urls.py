"""Wiki URLs: /wiki/..., /recent/ and /users/<username>/ (mounted at the site root)."""

from django.urls import path

from wiki import views, views_lists, views_moderation

app_name = "wiki"

urlpatterns = [
    path("wiki/", views_lists.page_index, name="index"),
    path("wiki/wanted/", views_lists.wanted_pages, name="wanted"),
    path("wiki/<str:slug>/", views.page_detail, name="page"),
    path("wiki/<str:slug>/edit/", views.page_edit, name="edit"),
    path("wiki/<str:slug>/history/", views.page_history, name="history"),
    path("wiki/<str:slug>/revisions/<int:number>/", views.revision_detail, name="revision"),
    path("wiki/<str:slug>/links/", views.page_links, name="links"),
    path("wiki/<str:slug>/diff/", views.page_diff, name="diff"),
    path("wiki/<str:slug>/revert/<int:number>/", views_moderation.page_revert, name="revert"),
    path("wiki/<str:slug>/move/", views_moderation.page_move, name="move"),
    path("wiki/<str:slug>/protect/", views_moderation.page_protect, name="protect"),
    path("wiki/<str:slug>/delete/", views_moderation.page_delete, name="delete"),
    path("wiki/<str:slug>/restore/", views_moderation.page_restore, name="restore"),
    path("recent/", views_lists.recent_changes, name="recent"),
    path("users/<str:username>/", views_lists.user_contributions, name="user"),
]
