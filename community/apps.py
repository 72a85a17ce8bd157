from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community: watchlists, talk, log, blocks, review"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The wiki calls community through its seams (wiki.seams): it never imports community.
        from community import hooks, recent
        from wiki import seams

        seams.register(
            revision_saved=hooks.revision_saved,
            moderated=hooks.moderated,
            recent_page=recent.recent_page,
            recent_choices=recent.SHOW_CHOICES,
        )
