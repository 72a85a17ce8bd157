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

        from django.contrib.auth.signals import user_logged_out

        from wiki.views_accounts import say_logged_out

        user_logged_out.connect(say_logged_out, dispatch_uid="wiki.say_logged_out")
