from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts: sign-up, log-in, password reset"
    default_auto_field = "django.db.models.BigAutoField"
