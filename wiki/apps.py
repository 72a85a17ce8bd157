from django.apps import AppConfig


class WikiConfig(AppConfig):
    name = "wiki"
    verbose_name = "Wiki"

    def ready(self):
        # The wiki's places on the archive's pages (core.slots: the posts/wiki seam).
        from core import slots
        from wiki import slots as fillers

        slots.fill("topic_entry", fillers.topic_entry)
        slots.fill("post_citations", fillers.post_citations)
