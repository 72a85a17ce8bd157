"""/accounts/: Django's auth views (login, logout, password change and reset) plus sign-up."""

from django.urls import include, path

from accounts import views as views_accounts

urlpatterns = [
    path("signup/", views_accounts.signup, name="signup"),
    # Before Django's: the same path and name, throttled.
    path("password_reset/", views_accounts.PasswordResetView.as_view(), name="password_reset"),
    path("verify/", views_accounts.resend_verification, name="resend_verification"),
    path("verify/<str:token>/", views_accounts.verify_email, name="verify_email"),
    path("", include("django.contrib.auth.urls")),
]
