"""The API's URLs (mounted at /api/v1/) and the token pages of a volunteer's preferences."""

from django.urls import path

from api import views_tokens
from api.api import api, nothing_here

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", nothing_here, name="api_not_found"),
    path("accounts/tokens/new/", views_tokens.create, name="api_token_create"),
    path("accounts/tokens/<int:pk>/revoke/", views_tokens.revoke, name="api_token_revoke"),
]
