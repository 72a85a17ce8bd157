from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts: sign-up, log-in, password reset"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from accounts.views import say_logged_out

        user_logged_out.connect(say_logged_out, dispatch_uid="accounts.say_logged_out")
