"""/accounts/: Django's auth views (login, logout, password change and reset) plus sign-up."""

from django.urls import include, path

from accounts import views as views_accounts

urlpatterns = [
    path("signup/", views_accounts.signup, name="signup"),
    path("", include("django.contrib.auth.urls")),
]
