from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community: watchlists, talk, log, blocks, review"
    default_auto_field = "django.db.models.BigAutoField"
