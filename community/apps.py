from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community: watchlists, talk, log, blocks, review"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The wiki calls community through its seams (wiki.seams): it never imports community.
        from community import hooks, recent
        from community import slots as fillers
        from core import slots
        from wiki import seams

        seams.register(
            revision_saved=hooks.revision_saved,
            moderated=hooks.moderated,
            recent_page=recent.recent_page,
            recent_choices=recent.SHOW_CHOICES,
        )
        # Community's places on the archive's pages (core.slots: posts never imports us).
        slots.fill("topic_tools", fillers.topic_tools)
        slots.fill("volunteer_home", fillers.volunteer_home)
        slots.fill("topics_with_entries", fillers.topics_with_entries)
