"""Page contexts for the reading side, kept apart from the views so other views can reuse them.

A topic page is shown by `posts.views.topic_detail` and, later, by the wiki's view of the same topic
with its summary above the posts; both build their context with `topic_page_context`.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.cache import for_archive
from core.pagination import paginate
from posts.maps import queries as maps
from posts.models import Post, Topic

POSTS_PER_PAGE = 20
RELATED_TOPICS = 12
# Topics whose names do not start with a letter are grouped under this heading.
OTHER_LETTER = "#"


@dataclass
class LetterGroup:
    """Topics whose names start with one letter, for the A–Z list."""

    letter: str
    topics: list[Topic] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return "letter-other" if self.letter == OTHER_LETTER else f"letter-{self.letter}"


def first_letter(name: str) -> str:
    """The A–Z heading for a name: accents dropped ("Émile" → "E"), non-letters → "#"."""
    stripped = name.strip()
    if not stripped:
        return OTHER_LETTER
    base = unicodedata.normalize("NFKD", stripped[0])[0].upper()
    return base if "A" <= base <= "Z" else OTHER_LETTER


def group_by_letter(topics: Iterable[Topic]) -> list[LetterGroup]:
    """Topics (already in A–Z order) grouped by first letter, "#" first as in an index."""
    groups: dict[str, LetterGroup] = {}
    for topic in topics:
        letter = first_letter(topic.name)
        groups.setdefault(letter, LetterGroup(letter)).topics.append(topic)
    return sorted(groups.values(), key=lambda g: (g.letter != OTHER_LETTER, g.letter))


def topic_figures(topic: Topic) -> dict:
    """What a topic page shows about the whole topic, whichever page of its posts: its size,
    related topics, and the two pictures drawn from them ("" when empty)."""
    in_topic = Post.objects.for_topic(topic)
    total = in_topic.count()
    related = Topic.objects.related_to(topic, limit=RELATED_TOPICS)
    months = list(in_topic.per_month())
    return {
        "post_total": total,
        "related_topics": related,
        "neighbourhood_svg": maps.neighbourhood_svg(topic, total, related),
        "timeline_svg": maps.timeline_svg(topic, months),
        # The timeline shows dated posts only; the page says how many it leaves out.
        "undated_total": total - sum(posts for _, posts in months),
    }


def topic_page_context(topic: Topic, page_number: str | int | None) -> dict:
    """Everything `posts/topic_detail.html` needs: the topic, one page of posts, related topics
    and the pictures (its neighbourhood in the topic map, its posts per month; "" when empty).

    The topic's figures are aggregates over the whole archive, the same for every reader: they
    are kept until the archive changes (`for_archive`), pictures included, in one entry, so a page
    costs one cache round trip for them and draws nothing. The page is chosen on ids alone, so
    PostgreSQL sorts (published, id) pairs, not the openings of every post in the topic.
    """
    figures = for_archive(f"topic-figures:{topic.pk}", lambda: topic_figures(topic))
    in_topic = Post.objects.for_topic(topic)
    page = paginate(
        in_topic.newest_first().values("pk"),
        page_number,
        POSTS_PER_PAGE,
        count=figures["post_total"],
    )
    page.object_list = Post.objects.filter(pk__in=page.object_list).for_listing().newest_first()
    return {"topic": topic, "page_obj": page, "posts": page.object_list, **figures}
