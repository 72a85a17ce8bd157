"""Edits to the archive outside the importer (the admin, the shell) make its kept figures stale.

The importer writes with COPY and plain SQL, which send no signals, and calls `archive_changed`
itself; everything else that saves or deletes a post, a topic or a post's topic, or changes a
post's archives or mentions, goes through the ORM and lands here. Saving or deleting a post, a
topic or a post's topic also makes the topic figures the importer keeps stale (posts.figures).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from core.cache import archive_changed, post_key_name, topic_key_name
from posts.figures import forget_topic_figures
from posts.models import Post, TaggedPost, Topic


@receiver(post_save, sender=Post)
@receiver(post_save, sender=Topic)
@receiver(post_save, sender=TaggedPost)
@receiver(post_delete, sender=Post)
@receiver(post_delete, sender=Topic)
@receiver(post_delete, sender=TaggedPost)
def _saved_or_deleted(sender, instance, **kwargs) -> None:
    if sender is Post:
        archive_changed({post_key_name(instance.pk)})
    elif sender is Topic:
        archive_changed({topic_key_name(instance.pk)})
    else:
        archive_changed(
            {post_key_name(instance.content_object_id), topic_key_name(instance.tag_id)}
        )
    # A topic's size, its shared posts or its months may have changed (posts.figures).
    forget_topic_figures()


@receiver(m2m_changed, sender=Post.archives.through)
@receiver(m2m_changed, sender=Post.mentions.through)
def _links_changed(sender, instance, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        archive_changed({post_key_name(instance.pk)} if isinstance(instance, Post) else None)
