"""The kinds of thing search finds (posts, wiki pages) and how each is matched and shown.

A `Kind` is where its rows are (`Rows`, for the ranking query every kind shares) and four small
functions, each one query. Adding a kind is writing those and listing it in `KINDS`;
`search.services` does the rest (ranking across kinds, pages, typos).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    TrigramWordSimilarity,
)
from django.db.models import Case, CharField, QuerySet, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.text import SEARCH_CONFIG, fold
from posts.models import Post, TaggedPost
from search.ranking import Rows
from wiki.models import Page
from wiki.targets import post_url, topic_url

# ts_headline marks matches with these; they are private-use characters, which `escape` leaves
# alone, so the snippet is escaped whole and only then are the markers turned into <mark>.
START_SEL, STOP_SEL = "\ue000", "\ue001"
_MARKED = re.compile(f"{START_SEL}([^{START_SEL}{STOP_SEL}]*){STOP_SEL}")
SNIPPET = {"max_words": 35, "min_words": 15, "max_fragments": 2, "fragment_delimiter": " … "}


@dataclass
class Hit:
    """One search result, ready to show: `title_html` and `snippet_html` are escaped and marked."""

    kind: str
    kind_label: str
    url: str
    title: str
    title_html: SafeString
    snippet_html: SafeString
    date: date | None = None
    date_label: str = ""  # what `date` is, when it is not a post's publication date


def marked_html(text: str) -> SafeString:
    """`text` from ts_headline, escaped, with its match markers turned into <mark> elements."""
    marked = _MARKED.sub(r"<mark>\1</mark>", escape(text))
    # A marker the text itself held (or an unpaired one) is dropped rather than shown.
    return mark_safe(marked.replace(START_SEL, "").replace(STOP_SEL, ""))  # noqa: S308


def headline(expression: str, query: SearchQuery, **options) -> SearchHeadline:
    return SearchHeadline(
        expression, query, config=SEARCH_CONFIG, start_sel=START_SEL, stop_sel=STOP_SEL, **options
    )


@dataclass(frozen=True)
class Kind:
    """How one kind of thing is searched. Every function runs exactly one query."""

    name: str  # the `?kind=` value
    label: str  # shown beside each hit: "Post"
    plural: str  # the kind filter's choice: "Posts"
    # where its rows are, for the one ranking query (search.ranking)
    rows: Rows
    # (pks, query) -> Hits by pk
    hits: Callable[[list[int], SearchQuery], dict[int, Hit]]
    # query as typed -> URL of the thing titled exactly so (after folding), or None
    exact_title: Callable[[str], str | None]
    # text -> values_list queryset of (kind, title, url part, similarity), unordered
    similar_titles: Callable[[str], QuerySet]
    # the "url part" of similar_titles -> URL
    url: Callable[[str], str]


# --- Posts -----------------------------------------------------------------------------------


_POST_ROWS = Rows(
    table=Post._meta.db_table,
    # The expression of the `post_title_search` index (posts.models.title_search_vector).
    title_vector="to_tsvector(%(config)s::regconfig, COALESCE({row}.title, ''))",
    in_topic=(
        f"EXISTS (SELECT 1 FROM {TaggedPost._meta.db_table} tagged"
        " WHERE tagged.content_object_id = {row}.id AND tagged.tag_id = %(topic)s)"
    ),
)


def _post_hits(pks: list[int], query: SearchQuery) -> dict[int, Hit]:
    rows = (
        Post.objects.filter(pk__in=pks)
        .order_by()
        .annotate(
            title_marked=headline("title", query, highlight_all=True),
            snippet=headline("body", query, **SNIPPET),
        )
        .values_list("pk", "slug", "title", "published", "title_marked", "snippet")
    )
    return {
        pk: Hit(
            kind=POSTS.name,
            kind_label=POSTS.label,
            url=post_url(slug),
            title=title,
            title_html=marked_html(title_marked),
            snippet_html=marked_html(snippet),
            date=published,
        )
        for pk, slug, title, published, title_marked, snippet in rows
    }


def _post_exact_title(q: str) -> str | None:
    # `Post.key` is the folded title, unique and indexed.
    slug = Post.objects.filter(key=fold(q)).values_list("slug", flat=True).first()
    return post_url(slug) if slug else None


def _post_similar_titles(text: str) -> QuerySet:
    return (
        Post.objects.filter(title__trigram_word_similar=text)
        .order_by()
        .annotate(kind=Value(POSTS.name), similarity=TrigramWordSimilarity(text, "title"))
        .values_list("kind", "title", "slug", "similarity")
    )


POSTS = Kind(
    name="posts",
    label="Post",
    plural="Posts",
    rows=_POST_ROWS,
    hits=_post_hits,
    exact_title=_post_exact_title,
    similar_titles=_post_similar_titles,
    url=post_url,
)


# --- Wiki pages ------------------------------------------------------------------------------


def _page_url(slug_and_topic: str) -> str:
    """A page's URL from "slug" or "topic:slug" (a topic's entry lives at the topic's page)."""
    kind, _, slug = slug_and_topic.rpartition(":")
    return topic_url(slug) if kind == "topic" else Page(slug=slug).get_absolute_url()


_PAGE_ROWS = Rows(
    table=Page._meta.db_table,
    # The expression of the `page_title_search` index (wiki.models.page_title_search_vector).
    title_vector="to_tsvector(%(config)s::regconfig, COALESCE({row}.title, ''))",
    live="NOT {row}.is_deleted",  # Page.objects.live()
    in_topic="{row}.topic_id = %(topic)s",
)


def _page_hits(pks: list[int], query: SearchQuery) -> dict[int, Hit]:
    rows = (
        Page.objects.filter(pk__in=pks)
        .order_by()
        .annotate(
            title_marked=headline("title", query, highlight_all=True),
            # The page's own copy of its current HTML (no join to the revision): ts_headline
            # leaves its tags out, entities are decoded below.
            snippet=headline("html", query, **SNIPPET),
        )
        .values_list("pk", "slug", "topic_id", "title", "updated_at", "title_marked", "snippet")
    )
    return {
        pk: Hit(
            kind=WIKI.name,
            kind_label="Topic summary" if topic_id else WIKI.label,
            url=topic_url(slug) if topic_id else _page_url(slug),
            title=title,
            title_html=marked_html(title_marked),
            snippet_html=marked_html(html.unescape(snippet or "")),
            date=updated_at.date(),
            date_label="edited",
        )
        for pk, slug, topic_id, title, updated_at, title_marked, snippet in rows
    }


def _page_exact_title(q: str) -> str | None:
    # `Page.key` is fold(title), indexed; not unique, so the oldest page wins.
    found = Page.objects.live().filter(key=fold(q)).order_by("pk")
    row = found.values_list("slug", "topic_id").first()
    if row is None:
        return None
    slug, topic_id = row
    return topic_url(slug) if topic_id else _page_url(slug)


def _page_similar_titles(text: str) -> QuerySet:
    return (
        Page.objects.live()
        .filter(title__trigram_word_similar=text)
        .order_by()
        .annotate(
            kind=Value(WIKI.name),
            url_part=Case(
                When(topic__isnull=False, then=Concat(Value("topic:"), "slug")),
                default="slug",
                output_field=CharField(),
            ),
            similarity=TrigramWordSimilarity(text, "title"),
        )
        .values_list("kind", "title", "url_part", "similarity")
    )


WIKI = Kind(
    name="wiki",
    label="Wiki page",
    plural="Wiki pages",
    rows=_PAGE_ROWS,
    hits=_page_hits,
    exact_title=_page_exact_title,
    similar_titles=_page_similar_titles,
    url=_page_url,
)

# The kinds search covers. An exact title goes to the first kind that has it: the wiki's
# summary before an archive post of the same name.
KINDS: dict[str, Kind] = {kind.name: kind for kind in (WIKI, POSTS)}
