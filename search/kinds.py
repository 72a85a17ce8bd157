"""The kinds of thing search finds (posts, wiki pages) and how each is matched and shown.

A `Kind` is five small functions, each one query. Adding a kind is writing those five and
listing it in `KINDS`; `search.services` does the rest (ranking across kinds, pages, typos).
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
    SearchRank,
    TrigramWordSimilarity,
)
from django.db.models import Case, CharField, F, QuerySet, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from posts.importer.parse import fold
from posts.models import SEARCH_CONFIG, Post, Topic, title_search_vector
from wiki.markup import link_key
from wiki.models import Page, page_title_search_vector
from wiki.targets import post_url, topic_url

# ts_headline marks matches with these; they are private-use characters, which `escape` leaves
# alone, so the snippet is escaped whole and only then are the markers turned into <mark>.
START_SEL, STOP_SEL = "\ue000", "\ue001"
_MARKED = re.compile(f"{START_SEL}([^{START_SEL}{STOP_SEL}]*){STOP_SEL}")
# Normalisation 1 divides a rank by the log of the text's length: long texts do not win by bulk.
RANK_NORMALISATION = 1
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


def rank(query: SearchQuery) -> SearchRank:
    return SearchRank(F("search_vector"), query, normalization=RANK_NORMALISATION)


# How many rows, in primary-key order, are read for body hits before the full-text index is
# asked (as a multiple of the candidate limit). A GIN index cannot stop early: it hands over every
# match as one bitmap, ~85,000 rows (~6 ms) for "people" at 100,000 posts, only to keep 200. Read
# in order, a word in half the posts finds its 200 within these rows and the index is never
# used; a rarer word pays for reading them (under 2 ms) and then asks the index as before.
HEAD_ROWS_PER_CANDIDATE = 2


def _compiled(expression, queryset: QuerySet) -> tuple[str, list]:
    query = queryset.query
    return query.get_compiler(queryset.db).compile(expression.resolve_expression(query))


def candidates(searchable: QuerySet, title_vector, query: SearchQuery, limit: int) -> RawSQL:
    """Primary keys worth ranking, as SQL for `pk__in`: up to `limit` title hits (through the
    title-only index) and the first `limit` of all the hits in primary-key order. Ranking reads
    each row's vector, so a common word must not rank every row it matches; titles come first
    because they outrank any body mention.

    `searchable` is every row that may be found (live pages, a topic's posts), unordered and
    without the search condition. Raw SQL because the ORM cannot select from a LIMITed subquery,
    and both tricks below depend on one:
    - title hits must also match the full vector ("-word" holds for bodies too), but as a check
      on each title hit (behind OFFSET 0), not as a second index scan: ANDing the two indexes
      would build the common word's whole bitmap again;
    - body hits come first from the head of the table read in order, and from the index only
      for the rows after it, when the head did not hold enough; the outer LIMIT stops the
      UNION ALL before the index is touched.
    """
    tsquery, tsquery_params = _compiled(query, searchable)
    head_rows = HEAD_ROWS_PER_CANDIDATE * limit
    in_order = searchable.order_by("pk")
    title_sql, title_params = (
        searchable.alias(title_vector=title_vector)
        .filter(title_vector=query)
        .values("pk", "search_vector")
        .query.sql_with_params()
    )
    head_sql, head_params = in_order.values("pk", "search_vector")[
        :head_rows
    ].query.sql_with_params()
    after_head = Subquery(in_order.values("pk")[head_rows - 1 : head_rows])
    tail_sql, tail_params = (
        searchable.filter(search_vector=query, pk__gt=after_head)
        .values("pk")
        .query.sql_with_params()
    )
    sql = (
        f"(SELECT pk FROM ({title_sql} OFFSET 0) AS title_hits"
        f" WHERE search_vector @@ {tsquery} LIMIT {int(limit)})"
        " UNION ALL "
        f"(SELECT pk FROM ((SELECT pk FROM ({head_sql}) AS head WHERE search_vector @@ {tsquery})"
        f" UNION ALL ({tail_sql})) AS body_hits LIMIT {int(limit)})"
    )
    params = (
        *title_params,
        *tsquery_params,
        *head_params,
        *tsquery_params,
        *tail_params,
    )
    return RawSQL(sql, params)


@dataclass(frozen=True)
class Kind:
    """How one kind of thing is searched. Every function runs exactly one query."""

    name: str  # the `?kind=` value
    label: str  # shown beside each hit: "Post"
    plural: str  # the kind filter's choice: "Posts"
    # (query, topic or None, limit) -> values_list queryset of (kind, pk, rank), unordered
    ranked: Callable[[SearchQuery, Topic | None, int], QuerySet]
    # (pks, query) -> Hits by pk
    hits: Callable[[list[int], SearchQuery], dict[int, Hit]]
    # query as typed -> URL of the thing titled exactly so (after folding), or None
    exact_title: Callable[[str], str | None]
    # text -> values_list queryset of (kind, title, url part, similarity), unordered
    similar_titles: Callable[[str], QuerySet]
    # the "url part" of similar_titles -> URL
    url: Callable[[str], str]


# --- Posts -----------------------------------------------------------------------------------


def _post_ranked(query: SearchQuery, topic: Topic | None, limit: int) -> QuerySet:
    searchable = Post.objects.order_by()
    if topic is not None:
        searchable = searchable.filter(tagged_items__tag=topic)
    return (
        Post.objects.filter(pk__in=candidates(searchable, title_search_vector(), query, limit))
        .order_by()
        .annotate(kind=Value(POSTS.name), rank=rank(query))
        .values_list("kind", "pk", "rank")
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
    ranked=_post_ranked,
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


def _page_ranked(query: SearchQuery, topic: Topic | None, limit: int) -> QuerySet:
    searchable = Page.objects.live().order_by()
    if topic is not None:
        searchable = searchable.filter(topic=topic)
    return (
        Page.objects.filter(pk__in=candidates(searchable, page_title_search_vector(), query, limit))
        .order_by()
        .annotate(kind=Value(WIKI.name), rank=rank(query))
        .values_list("kind", "pk", "rank")
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
    # `Page.key` is link_key(title), indexed; not unique, so the oldest page wins.
    found = Page.objects.live().filter(key=link_key(q)).order_by("pk")
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
    ranked=_page_ranked,
    hits=_page_hits,
    exact_title=_page_exact_title,
    similar_titles=_page_similar_titles,
    url=_page_url,
)

# The kinds search covers. An exact title goes to the first kind that has it: the wiki's
# summary before an archive post of the same name.
KINDS: dict[str, Kind] = {kind.name: kind for kind in (WIKI, POSTS)}
