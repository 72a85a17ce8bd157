"""Helpers for lists of posts (templates/includes/post_list.html). No queries: they read what
`Post.objects.for_listing()` already loaded."""

from dataclasses import dataclass

from django import template

register = template.Library()

# A card names a few topics and counts the rest: 17 chips on a card buried its title.
CARD_TOPICS = 4


@dataclass(frozen=True)
class CardTopics:
    shown: list
    more: int


@register.simple_tag
def card_topics(post, hide_topic=None) -> CardTopics:
    """The first `CARD_TOPICS` of the post's topics (A–Z), without `hide_topic` (the topic whose
    page lists the post), and how many more there are."""
    topics = [topic for topic in post.topics if topic != hide_topic]
    return CardTopics(shown=topics[:CARD_TOPICS], more=max(len(topics) - CARD_TOPICS, 0))


@dataclass(frozen=True)
class ListNotes:
    undated: bool
    excerpts: bool


@register.simple_tag
def list_notes(posts) -> ListNotes:
    """Whether the list holds posts without a date or excerpts: one line above the list says
    what they are, instead of a label repeated on every card."""
    posts = list(posts)
    return ListNotes(
        undated=any(post.published is None for post in posts),
        excerpts=any(post.is_excerpt for post in posts),
    )
