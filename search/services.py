"""Site search: one ranked, paginated list over every kind of searchable thing.

`search(params)` is the whole service; the view only parses the request and renders. Each kind
(posts, wiki pages: `search.kinds`) says how its rows match a query, how they rank, how a page
of hits is shown, and how titles are matched exactly or loosely.

How a search runs, in a fixed number of SQL queries whatever the archive's size:
1. an exact (folded) title match jumps straight to that page, one query per kind;
2. one query (`search.ranking`) ranks the candidates of every kind by `ts_rank` over the
   stored, GIN-indexed vectors; pages are cut from that list in Python, so its length is the
   total;
3. one query per kind on the current page adds titles and snippets (`ts_headline` runs for
   those rows only);
4. when full-text search finds few hits for a short query and the server has pg_trgm, one
   query finds titles like the query, for typos ("Did you mean …").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery
from django.core.paginator import Page
from django.db import connections

from core.cache import for_generation
from core.pagination import paginate
from core.text import SEARCH_CONFIG
from posts.models import Topic
from search import ranking
from search.kinds import KINDS, Hit, Kind

# Longer queries are cut to this many characters (and the page says so): nobody types more,
# and it bounds the work a single request can ask of the database.
QUERY_MAX_CHARS = 200
RESULTS_PER_PAGE = 20
# Ranking reads every candidate's stored vector, so ranking all 95,000 posts that mention a
# common word would take seconds. Each kind ranks at most this many title hits (through the
# title-only index) and this many of all its hits (search.ranking); past that, results are
# "more than" the count shown.
CANDIDATES = 200
# With fewer full-text hits than this, titles like the query are suggested (pg_trgm).
FEW_HITS = 3
SUGGESTIONS = 5
# Typo matching needs a word this long: short words are trigram-alike to half the titles.
SUGGEST_MIN_WORD = 4
# ... and a query of at most this many words: a mistyped title is typed as a word or three. A
# sentence's trigrams are in most titles, so matching it reads most of the trigram index
# (~20 ms at 100,000 posts for a six-word query that matches no title at all).
SUGGEST_MAX_WORDS = 3

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WORD = re.compile(r"\w+")
# A term as websearch_to_tsquery reads it: an optional "-", then a "quoted phrase" or a word.
_TERM = re.compile(r'(-?)("[^"]*"?|[^\s"]+)')


# --- What was asked ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchParams:
    """A search request, normalised: `q` is clean and capped, `kind` and `topic` are as given."""

    q: str = ""
    kind: str = ""
    topic: str = ""
    page: str = ""
    cut: bool = False  # `q` was longer than QUERY_MAX_CHARS and was cut

    @classmethod
    def from_query_dict(cls, data) -> SearchParams:
        """Parse `request.GET`. Never raises: odd input becomes a search that finds nothing."""
        # PostgreSQL text cannot hold NUL, and control characters are never meant.
        q = " ".join(_CONTROL.sub(" ", data.get("q", "")).split())
        cut = len(q) > QUERY_MAX_CHARS
        if cut:
            q = q[:QUERY_MAX_CHARS].rstrip()
        kind = data.get("kind", "")
        return cls(
            q=q,
            kind=kind if kind in KINDS else "",
            topic=_CONTROL.sub("", data.get("topic", ""))[:100].strip(),
            page=data.get("page", "")[:10],
            cut=cut,
        )

    @property
    def has_words(self) -> bool:
        """Whether `q` holds anything to search for (letters or digits, not only punctuation)."""
        return _WORD.search(self.q) is not None

    @property
    def has_wanted_words(self) -> bool:
        """Whether `q` asks for at least one word, not only leaves words out ("-council").

        A query of exclusions alone matches nearly everything and no index can serve it.
        """
        return any(
            not minus and term.upper() != "OR" and _WORD.search(term)
            for minus, term in _TERM.findall(self.q)
        )


# --- What is found ----------------------------------------------------------------------------


@dataclass
class Suggestion:
    """A title like the query, for a typo."""

    kind_label: str
    title: str
    url: str


@dataclass
class Results:
    params: SearchParams
    redirect: str | None = None
    topic: Topic | None = None
    unknown_topic: bool = False
    page: Page | None = None
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    more: bool = False  # at least one kind had more matches than it ranks
    suggestions: list[Suggestion] = field(default_factory=list)
    trigram: bool = False  # typo tolerance was available for this search


# --- Typo tolerance ----------------------------------------------------------------------------

_trigram_by_database: dict[tuple[str, str], bool] = {}


def trigram_available(using: str = "default") -> bool:
    """Whether the database has pg_trgm installed; asked once per process and database.

    Without it (the embedded pgserver has no contrib extensions) typo tolerance is off:
    search still works, but a misspelt title finds nothing.
    """
    connection = connections[using]
    key = (using, connection.settings_dict["NAME"])
    if key not in _trigram_by_database:
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
            _trigram_by_database[key] = bool(cursor.fetchone()[0])
    return _trigram_by_database[key]


def _suggestions(kinds: Iterable[Kind], text: str, exclude: set[str]) -> list[Suggestion]:
    parts = [kind.similar_titles(text) for kind in kinds]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    rows = union.order_by("-similarity", "title")[: SUGGESTIONS + len(exclude)]
    found = []
    for kind_name, title, slug, _similarity in rows:
        kind = KINDS[kind_name]
        url = kind.url(slug)
        if url not in exclude:
            found.append(Suggestion(kind_label=kind.label, title=title, url=url))
    return found[:SUGGESTIONS]


# --- The search --------------------------------------------------------------------------------


def search(params: SearchParams) -> Results:
    """Run a search. `Results.redirect` is set when the query is exactly one title.

    The results are the same for every reader until the next write, so they are kept in the
    shared cache for the current generation (as the page cache keeps an anonymous reader's
    whole page): a logged-in reader repeating a search, or paging through it, is served
    without ranking again. Off with the page cache (PAGE_CACHE_SECONDS=0).
    """
    asked = repr((params.q, params.kind, params.topic, params.page, params.cut))
    key = "search:" + hashlib.sha256(asked.encode()).hexdigest()
    return for_generation(key, lambda: _search(params))


def _search(params: SearchParams) -> Results:
    results = Results(params=params)
    kinds = [KINDS[params.kind]] if params.kind else list(KINDS.values())
    if params.topic:
        results.topic = Topic.objects.filter(slug=params.topic).first()
        results.unknown_topic = results.topic is None
        if results.unknown_topic:
            return results
    if not params.has_wanted_words:
        return results

    # A bare query that is exactly a title goes to that page; a filtered or paged search is
    # someone reading results, so it stays on them.
    if not (params.topic or params.page):
        for kind in kinds:
            url = kind.exact_title(params.q)
            if url:
                results.redirect = url
                return results

    topic_pk = results.topic.pk if results.topic else None
    ranked = ranking.ranked([(k.name, k.rows) for k in kinds], params.q, topic_pk, CANDIDATES)
    results.total = len(ranked)
    results.more = any(
        sum(1 for row in ranked if row[0] == kind.name) >= CANDIDATES for kind in kinds
    )

    page = paginate(ranked, params.page, RESULTS_PER_PAGE)
    results.page = page
    on_page: dict[str, list[int]] = {}
    for kind_name, pk, _rank in page.object_list:
        on_page.setdefault(kind_name, []).append(pk)
    query = SearchQuery(params.q, search_type="websearch", config=SEARCH_CONFIG)
    found = {
        (kind_name, pk): hit
        for kind_name, pks in on_page.items()
        for pk, hit in KINDS[kind_name].hits(pks, query).items()
    }
    # A row deleted between the two queries is simply left out.
    results.hits = [found[k, pk] for k, pk, _rank in page.object_list if (k, pk) in found]

    words = _WORD.findall(params.q)
    if (
        results.total < FEW_HITS
        and results.topic is None
        and max(map(len, words), default=0) >= SUGGEST_MIN_WORD
        and len(words) <= SUGGEST_MAX_WORDS
        and trigram_available()
    ):
        results.trigram = True
        results.suggestions = _suggestions(kinds, params.q, {hit.url for hit in results.hits})
    return results
