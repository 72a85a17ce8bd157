"""The kinds of thing search finds (posts, wiki pages) and how each is matched and shown.

A `Kind` is where its rows are and what a hit shows of them (`Rows`, for the ranking query every
kind shares, which also reads the page's hits), the SQL that finds a title exactly or loosely
(search asks every kind in one statement), and two small functions: a page of hits from the
columns the ranking query read (no query) and a URL. Adding a kind is writing those and listing
it in `KINDS`; `search.services` does the rest (ranking across kinds, pages, typos).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.safestring import SafeString, mark_safe

from core.text import SEARCH_CONFIG
from posts.addresses import post_url, topic_url
from posts.models import Post, TaggedPost
from search.ranking import Rows
from search.snippets import BLOCK, START_SEL, STOP_SEL, Marker, marked_snippet
from wiki.models import Page

# Matched words are marked with private-use characters, which `escape` leaves alone, so a
# snippet is escaped whole and only then are the markers turned into <mark>.
_MARKED = re.compile(f"{START_SEL}([^{START_SEL}{STOP_SEL}]*){STOP_SEL}")
# Snippets are looked for in this much of a text.
SNIPPET_SOURCE_CHARS = 20_000
# Where a block of HTML ends (so no sentence runs across a heading), and any tag.
_BLOCK_END = re.compile(
    r"</(?:h[1-6]|p|li|blockquote|pre|dd|dt|td|th|tr|div|table|ul|ol)>|<br\s*/?>", re.I
)
_TAG = re.compile(r"<[^>]*>|<[^>]*$")


def html_text(html_source: str) -> str:
    """The text of sanitised HTML: BLOCK where a block ends, no tags, entities decoded."""
    return html.unescape(_TAG.sub("", _BLOCK_END.sub(BLOCK, html_source)))


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
    """`text` (marked by search.snippets.Marker), escaped, with its match markers turned into
    <mark> elements."""
    # split (in C) gives text, marked word, text, marked word …; a template substitution
    # called Python for every match. html.escape is what django's escape calls, unwrapped.
    parts = _MARKED.split(html.escape(text))
    parts[1::2] = [f"<mark>{word}</mark>" for word in parts[1::2]]
    marked = "".join(parts)
    # A marker the text itself held (or an unpaired one) is dropped rather than shown.
    if START_SEL in marked or STOP_SEL in marked:
        marked = marked.replace(START_SEL, "").replace(STOP_SEL, "")
    return mark_safe(marked)  # noqa: S308


@dataclass(frozen=True)
class Kind:
    """How one kind of thing is searched. `hits` runs exactly one query; `url` none."""

    name: str  # the `?kind=` value
    label: str  # shown beside each hit: "Post"
    plural: str  # the kind filter's choice: "Posts"
    # where its rows are and what a hit shows, for the one ranking query (search.ranking)
    rows: Rows
    # (the `Rows.shown` columns of a page of hits, a Marker of the query's words) -> their Hits
    hits: Callable[[list[tuple], Marker], list[Hit]]
    # SQL of one value, the "url part" of the thing whose key is %(key)s (the folded query):
    # search asks every kind in one statement (search.services)
    exact_title_sql: str
    # SQL of rows (kind, title, url part, similarity) whose title is like %(text)s (pg_trgm's
    # word similarity), unordered: search asks every kind in one statement (search.services)
    similar_titles_sql: str
    # the "url part" of similar_titles and exact_title_sql -> URL
    url: Callable[[str], str]


# --- Posts -----------------------------------------------------------------------------------


_POST_ROWS = Rows(
    table=Post._meta.db_table,
    # The expression of the `post_title_search` index (posts.models.title_search_vector).
    title_vector=f"to_tsvector('{SEARCH_CONFIG}', COALESCE({{row}}.title, ''))",
    shown=(
        "{row}.title, {row}.slug, {row}.published,"
        f" left({{row}}.body, {SNIPPET_SOURCE_CHARS})"
    ),
    in_topic=(
        f"EXISTS (SELECT 1 FROM {TaggedPost._meta.db_table} tagged"
        " WHERE tagged.content_object_id = {row}.id AND tagged.tag_id = %(topic)s)"
    ),
)


_PLAIN_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_SLUG_HOLDER = "slug-holder"


def _post_urls():
    """slug -> post URL, reversing once per page of hits (reverse() is costly) instead of per
    hit; a slug that URL quoting would change goes through reverse() itself."""
    pattern = post_url(_SLUG_HOLDER)
    return lambda slug: (
        pattern.replace(_SLUG_HOLDER, slug) if _PLAIN_SLUG.match(slug) else post_url(slug)
    )


def _post_hits(rows: list[tuple], marker: Marker) -> list[Hit]:
    url = _post_urls()
    return [
        Hit(
            kind=POSTS.name,
            kind_label=POSTS.label,
            url=url(slug),
            title=title,
            title_html=marked_html(marker.mark(title)),
            snippet_html=marked_html(marked_snippet(body, marker)),
            date=published,
        )
        for title, slug, published, body in rows
    ]


# `Post.key` is the folded title, unique and indexed.
_POST_BY_KEY = f"SELECT slug FROM {Post._meta.db_table} WHERE key = %(key)s"


# `%>` is what the `post_title_trigram` index serves (title__trigram_word_similar).
_POST_SIMILAR_TITLES = (
    "SELECT 'posts', title, slug, word_similarity(%(text)s, title)"
    f" FROM {Post._meta.db_table} WHERE title %%> %(text)s"
)


POSTS = Kind(
    name="posts",
    label="Post",
    plural="Posts",
    rows=_POST_ROWS,
    hits=_post_hits,
    exact_title_sql=_POST_BY_KEY,
    similar_titles_sql=_POST_SIMILAR_TITLES,
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
    title_vector=f"to_tsvector('{SEARCH_CONFIG}', COALESCE({{row}}.title, ''))",
    # The page's own copy of its current HTML (no join to the revision), made text in Python;
    # a topic's entry as "topic:slug" (_page_url), its date in UTC as Django reads it.
    shown=(
        "{row}.title, CASE WHEN {row}.topic_id IS NULL THEN {row}.slug"
        " ELSE 'topic:' || {row}.slug END, ({row}.updated_at AT TIME ZONE 'UTC')::date,"
        f" left({{row}}.html, {SNIPPET_SOURCE_CHARS})"
    ),
    live="NOT {row}.is_deleted",  # Page.objects.live()
    in_topic="{row}.topic_id = %(topic)s",
)


def _page_hits(rows: list[tuple], marker: Marker) -> list[Hit]:
    return [
        Hit(
            kind=WIKI.name,
            kind_label="Topic summary" if part.startswith("topic:") else WIKI.label,
            url=_page_url(part),
            title=title,
            title_html=marked_html(marker.mark(title)),
            snippet_html=marked_html(marked_snippet(html_text(page_html), marker)),
            date=updated_on,
            date_label="edited",
        )
        for title, part, updated_on, page_html in rows
    ]


# `Page.key` is fold(title), indexed; not unique, so the oldest live page wins.
_PAGE_BY_KEY = (
    "SELECT CASE WHEN topic_id IS NULL THEN slug ELSE 'topic:' || slug END"
    f" FROM {Page._meta.db_table} WHERE key = %(key)s AND NOT is_deleted ORDER BY id LIMIT 1"
)


_PAGE_SIMILAR_TITLES = (
    "SELECT 'wiki', title, CASE WHEN topic_id IS NULL THEN slug ELSE 'topic:' || slug END,"
    " word_similarity(%(text)s, title)"
    f" FROM {Page._meta.db_table} WHERE NOT is_deleted AND title %%> %(text)s"
)


WIKI = Kind(
    name="wiki",
    label="Wiki page",
    plural="Wiki pages",
    rows=_PAGE_ROWS,
    hits=_page_hits,
    exact_title_sql=_PAGE_BY_KEY,
    similar_titles_sql=_PAGE_SIMILAR_TITLES,
    url=_page_url,
)

# The kinds search covers. An exact title goes to the first kind that has it: the wiki's
# summary before an archive post of the same name.
KINDS: dict[str, Kind] = {kind.name: kind for kind in (WIKI, POSTS)}
