"""What a volunteer can watch and discuss: a wiki page, or a topic (whose entry page, if it has
one, is reached through it). One small value type so watches, talk and notifications agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse

from posts.models import Topic
from wiki.models import Page, PageRedirect


@dataclass(frozen=True)
class Target:
    page: Page | None = None
    topic: Topic | None = None

    @property
    def slug(self) -> str:
        return self.topic.slug if self.topic else self.page.slug

    @property
    def title(self) -> str:
        return self.topic.name if self.topic else self.page.title

    @property
    def url(self) -> str:
        return self.topic.get_absolute_url() if self.topic else self.page.get_absolute_url()

    @property
    def talk_url(self) -> str:
        return reverse("community:talk", args=[self.slug])

    def filter(self) -> dict:
        """Keyword arguments selecting rows (watches, threads) about this target."""
        return {"topic": self.topic} if self.topic else {"page": self.page}


def target_for_page(page: Page) -> Target:
    """The target a change to `page` is about: its topic for a topic's entry."""
    if page.topic_id:
        return Target(topic=Topic.objects.get(pk=page.topic_id))
    return Target(page=page)


def target_for_slug(slug: str) -> Target:
    """The topic or live page at `slug` (following a moved page's old slug); 404 otherwise."""
    topic = Topic.objects.filter(slug=slug).first()
    if topic is not None:
        return Target(topic=topic)
    page = Page.objects.live().filter(slug=slug).first()
    if page is None:
        moved = PageRedirect.objects.filter(old_slug=slug).select_related("page").first()
        page = moved.page if moved and not moved.page.is_deleted else None
    if page is None:
        raise Http404("There is no page or topic here.")
    if page.topic_id:
        return Target(topic=Topic.objects.get(pk=page.topic_id))
    return Target(page=page)


def target_for_topic_slug(slug: str) -> Target:
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        raise Http404("No such topic.")
    return Target(topic=topic)
