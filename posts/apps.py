from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = "Archive"

    def ready(self):
        from posts import signals  # noqa: F401 (connects the receivers)
