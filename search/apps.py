from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Site search over posts and wiki pages. No models of its own: it reads theirs."""

    name = "search"
