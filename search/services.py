"""Site search: one ranked, paginated list over every kind of searchable thing.

`search(params)` is the whole service; the view only parses the request and renders. Each kind
(posts, wiki pages: `search.kinds`) says how its rows match a query, how they rank, how a page
of hits is shown, and how titles are matched exactly or loosely.

How a search runs, in a fixed number of SQL queries whatever the archive's size:
1. an exact (folded) title match jumps straight to that page: one query for every kind;
2. one prepared statement (`search.ranking`) ranks the candidates of every kind in tiers (own
   title words, stemmed title words, phrase, `ts_rank`) over the stored, GIN-indexed vectors,
   and reads the titles and texts of those on the page asked for; pages are cut from that list
   in Python, so its length is the total; the query's words are marked and the snippet picked
   in Python (`search.snippets`). A page past the end shows the last page (core.pagination),
   and the statement reads that one;
3. on a first page without filters, one query finds the topics the query names: the exact
   title's when that ran (a bare query), its own otherwise (`?page=1`);
4. when full-text search finds nothing for a short query and the server has pg_trgm, one
   query finds topics like the query and, without a close one, one more finds titles like it,
   for typos ("Did you mean …?"); a query that found something is never second-guessed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from django.core.paginator import Page
from django.db import connection, connections

from core.cache import for_generation
from core.pagination import page_asked, paginate
from core.prepared import prepared_cursor
from core.text import SEARCH_CONFIG, fold
from posts.addresses import topic_url
from posts.models import Topic
from search import ranking
from search.kinds import KINDS, Hit, Kind
from search.snippets import Marker

# Longer queries are cut to this many characters (and the page says so): nobody types more,
# and it bounds the work a single request can ask of the database.
QUERY_MAX_CHARS = 200
RESULTS_PER_PAGE = 20
# Ranking reads every candidate's stored vector, so ranking all 95,000 posts that mention a
# common word would take seconds. Each kind ranks at most TITLE_CANDIDATES title hits and
# CANDIDATES hits of any kind, the first its indexes or table hand over (search.ranking); past
# that, results are "more than" the count shown. Three pages' worth: a reader who pages past
# them is told to narrow the search. Larger limits make the ranking query several times slower
# for the same first page (docs/performance.md).
CANDIDATES = 60
TITLE_CANDIDATES = 20
SUGGESTIONS = 5
# A topic is suggested for a query this alike (pg_trgm's word_similarity, 0 to 1): "socety" is
# 0.5 alike to "Big Society", "camron" to "David Cameron". Lower, and any name sharing a few
# letters comes up; pg_trgm's own threshold (0.6) missed both.
TOPIC_SIMILARITY = 0.4
# Topics shown above the results when their names match the query.
TOPICS_SHOWN = 5
# Typo matching needs this many letters: shorter queries are trigram-alike to half the titles
# ("Nat Wie", six letters in two short words, is a name worth matching).
SUGGEST_MIN_LETTERS = 5
# ... and a query of at most this many words: a mistyped title is typed as a word or three. A
# sentence's trigrams are in most titles, so matching it reads most of the trigram index
# even when it matches no title at all.
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
            q = _cut_at_word(q, QUERY_MAX_CHARS)
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
    def phrase(self) -> str | None:
        """The query's words, when they could be said as a phrase: two words or more, typed
        plainly (no quotes, exclusions or OR). A row holding them side by side ranks higher."""
        terms = self.q.split()
        if len(terms) < 2 or '"' in self.q or any(t.startswith("-") or t == "OR" for t in terms):
            return None
        return self.q

    @property
    def excludes_words(self) -> bool:
        """Whether the query leaves words out ("-council")."""
        return any(minus for minus, _term in _TERM.findall(self.q))

    @property
    def wanted_words(self) -> str:
        """The words the query asks for, without its syntax: those a hit shows marked."""
        return " ".join(
            term.strip('"')
            for minus, term in _TERM.findall(self.q)
            if not minus and term.upper() != "OR"
        )

    @property
    def has_wanted_words(self) -> bool:
        """Whether `q` asks for at least one word, not only leaves words out ("-council").

        A query of exclusions alone matches nearly everything and no index can serve it.
        """
        return any(
            not minus and term.upper() != "OR" and _WORD.search(term)
            for minus, term in _TERM.findall(self.q)
        )


def _cut_at_word(q: str, limit: int) -> str:
    """`q` cut to at most `limit` characters between words, never inside one; a first word
    longer than the limit is all there is to cut, so it is cut where the limit falls."""
    if len(q) <= limit:
        return q
    head = q[: limit + 1]  # one more: is the character after the limit a space?
    kept = head.rsplit(" ", 1)[0] if " " in head else head[:limit]
    return kept.rstrip()


# --- What is found ----------------------------------------------------------------------------


@dataclass
class Suggestion:
    """A title like the query, for a typo."""

    kind_label: str
    title: str
    url: str


@dataclass
class TopicHit:
    """A topic whose name (or an alias) matches the query: shown as a small group above the
    posts and pages."""

    name: str
    url: str
    description: str


@dataclass
class Results:
    params: SearchParams
    redirect: str | None = None
    topic: Topic | None = None
    unknown_topic: bool = False
    page: Page | None = None
    hits: list[Hit] = field(default_factory=list)
    topics: list[TopicHit] = field(default_factory=list)
    total: int = 0
    more: bool = False  # at least one kind had more matches than it ranks
    suggestions: list[Suggestion] = field(default_factory=list)
    trigram: bool = False  # typo tolerance was available for this search
    # Set when no hit shown has any query word as typed, only other forms of it (stemming
    # matched "volunteered" to "volunteering"): those forms, as the hits spell them.
    other_forms: list[str] = field(default_factory=list)


_MARKED = re.compile(r"<mark>(.*?)</mark>", re.S)
OTHER_FORMS_SHOWN = 4


def _unaccented(word: str) -> str:
    """`word` folded, without its accents: "Société" and "societe" are one word as typed."""
    decomposed = unicodedata.normalize("NFD", fold(word))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _other_forms(hits: list[Hit], wanted: str) -> list[str]:
    """The words the hits matched by stemming alone, when none matched a query word as typed
    (accents and case aside): so the page can say "volunteered" was found as "volunteering".
    Read from the marks on the page's own titles and snippets: no query."""
    typed = {_unaccented(word) for word in _WORD.findall(wanted)}
    forms: dict[str, str] = {}
    for hit in hits:
        for html in (hit.title_html, hit.snippet_html):
            for word in _MARKED.findall(html):
                key = _unaccented(word)
                if key in typed:
                    return []
                forms.setdefault(key, word)
    return sorted(forms.values(), key=str.casefold)[:OTHER_FORMS_SHOWN]


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


_folded_by_database: dict[tuple[str, str], bool] = {}


def accents_folded(using: str = "default") -> bool:
    """Whether search folds accents ("café" finds "cafe"): the search configuration maps words
    through unaccent (posts.0009 does so where the server has it). Asked once per process and
    database. Without it search still works, and a query must spell accents as the text does.
    """
    connection = connections[using]
    key = (using, connection.settings_dict["NAME"])
    if key not in _folded_by_database:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_ts_config_map m"
                " JOIN pg_ts_config c ON c.oid = m.mapcfg JOIN pg_ts_dict d ON d.oid = m.mapdict"
                " WHERE c.cfgname = %s AND d.dictname = 'unaccent')",
                [SEARCH_CONFIG],
            )
            _folded_by_database[key] = bool(cursor.fetchone()[0])
    return _folded_by_database[key]


# Plain SQL, as the ranking query is: built through the ORM, the two suggestion queries cost
# more Python to assemble than PostgreSQL takes to answer them.
# Topics are few (hundreds): compared one by one, with a threshold of our own.
_SIMILAR_TOPICS = (
    f"SELECT name, slug FROM {Topic._meta.db_table}"
    " WHERE word_similarity(%(text)s, name) >= %(threshold)s"
    " ORDER BY word_similarity(%(text)s, name) DESC, name LIMIT %(limit)s"
)


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _similar_topics(text: str) -> list[Suggestion]:
    found = _fetch(
        _SIMILAR_TOPICS, {"text": text, "threshold": TOPIC_SIMILARITY, "limit": SUGGESTIONS}
    )
    return [Suggestion(kind_label="Topic", title=name, url=topic_url(slug)) for name, slug in found]


@cache
def _similar_titles_sql(kind_names: tuple[str, ...]) -> str:
    parts = [f"({KINDS[name].similar_titles_sql})" for name in kind_names]
    return " UNION ALL ".join(parts) + " ORDER BY 4 DESC, 2 LIMIT %(limit)s"


def _similar_titles(kinds: Iterable[Kind], text: str, exclude: set[str]) -> list[Suggestion]:
    sql = _similar_titles_sql(tuple(kind.name for kind in kinds))
    rows = _fetch(sql, {"text": text, "limit": SUGGESTIONS + len(exclude)})
    found = []
    for kind_name, title, slug, _similarity in rows:
        kind = KINDS[kind_name]
        url = kind.url(slug)
        if url not in exclude:
            found.append(Suggestion(kind_label=kind.label, title=title, url=url))
    return found[:SUGGESTIONS]


def _suggestions(kinds: list[Kind], text: str, exclude: set[str]) -> list[Suggestion]:
    """Topics, then titles, like `text`: one query each. A close topic is enough on its own;
    titles cost more (the trigram index hands over every title sharing most of its trigrams: a
    typo of a word in 8,500 titles), so they are asked only without one."""
    found = _similar_topics(text) if len(kinds) == len(KINDS) else []
    found = [s for s in found if s.url not in exclude]
    return found or _similar_titles(kinds, text, exclude)


_TOPIC_ORDER = "lower(name) = lower(%(q)s::text) DESC, length(name), lower(name)"
_TOPICS = (
    f"SELECT slug, name, description FROM {Topic._meta.db_table}"
    f" WHERE search_vector @@ (SELECT websearch_to_tsquery('{SEARCH_CONFIG}', %(q)s::text))"
    f" ORDER BY {_TOPIC_ORDER} LIMIT %(limit)s"
)
# The same as one value, [[slug, name, description], …], to ask beside the exact title.
_TOPICS_JSON = (
    f"SELECT json_agg(json_build_array(slug, name, description) ORDER BY {_TOPIC_ORDER})"
    f" FROM ({_TOPICS}) named"
)


def _topic_hits(rows) -> list[TopicHit]:
    return [
        TopicHit(name=name, url=topic_url(slug), description=description)
        for slug, name, description in rows
    ]


def _matching_topics(q: str) -> list[TopicHit]:
    """Topics named by the query (stemmed, as posts are searched), the one named exactly so
    first, then the shortest names: "Volunteering" before "Volunteering in Leeds". One query
    over the topics' stored vectors (hundreds of rows, no index needed), prepared
    (core.prepared): the query's tsquery is a scalar subquery, computed once a run."""
    with prepared_cursor() as cursor:
        cursor.execute(_TOPICS, {"q": q, "limit": TOPICS_SHOWN})
        return _topic_hits(cursor.fetchall())


@cache
def _exact_title_sql(kind_names: tuple[str, ...], with_topics: bool) -> str:
    # One row of one value per kind (NULL where none has the title), in the order asked, then
    # the matching topics.
    values = [f"({KINDS[name].exact_title_sql})" for name in kind_names]
    return "SELECT " + ", ".join(values + ([f"({_TOPICS_JSON})"] if with_topics else []))


def _exact_title(
    kinds: list[Kind], q: str, *, with_topics: bool
) -> tuple[str | None, list[TopicHit] | None]:
    """The URL of the thing titled exactly `q` (after folding), of the first kind that has
    one, or None; and, `with_topics`, the topics `q` names (as `_matching_topics`), which a
    first page of every kind shows, or None. One prepared statement."""
    params = {"key": fold(q), "q": q, "limit": TOPICS_SHOWN}
    with prepared_cursor() as cursor:
        cursor.execute(_exact_title_sql(tuple(k.name for k in kinds), with_topics), params)
        found = cursor.fetchone()
    part, kind = next(((p, k) for p, k in zip(found, kinds, strict=False) if p), (None, None))
    topics = _topic_hits(found[-1] or []) if with_topics else None
    return (kind.url(part) if kind else None), topics


_TOPIC_CHOICES = (
    f"SELECT slug, name FROM {Topic._meta.db_table} ORDER BY lower(name), name"  # a_to_z()
)


def topic_choices() -> list[tuple[str, str]]:
    """(slug, name) of every topic A–Z, for the topic filter. Plain SQL: the page asks on every
    search, and the ORM took longer to build the query than PostgreSQL to answer it; prepared
    (core.prepared), so it is not planned again either."""
    with prepared_cursor() as cursor:
        cursor.execute(_TOPIC_CHOICES)
        return cursor.fetchall()


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


def _hits(rows: list[tuple]) -> list[Hit]:
    """The Hits of the page of ranked rows the ranking statement read (search.ranking.ranked:
    kind, pk, rank, the kind's shown columns, the lexemes to mark), in their order; each kind
    makes its own."""
    if not rows:
        return []
    marker = Marker(rows[0][-1] or [])
    places: dict[str, list[int]] = {}
    for place, row in enumerate(rows):
        places.setdefault(row[0], []).append(place)
    hits: list[Hit] = [None] * len(rows)
    for kind, at in places.items():
        made = KINDS[kind].hits([rows[place][3:-1] for place in at], marker)
        for place, hit in zip(at, made, strict=True):
            hits[place] = hit
    return hits


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
    named = None  # the topics the query names, when asked with the exact title
    if not (params.topic or params.page):
        results.redirect, named = _exact_title(kinds, params.q, with_topics=not params.kind)
        if results.redirect:
            return results

    topic_pk = results.topic.pk if results.topic else None

    candidates = ranking.ranked(
        [(k.name, k.rows) for k in kinds],
        params.q,
        topic_pk,
        CANDIDATES,
        page=page_asked(params.page),
        per_page=RESULTS_PER_PAGE,
        words=params.wanted_words,
        title_limit=TITLE_CANDIDATES,
        phrase=params.phrase,
        excluding=params.excludes_words,
    )
    page = paginate(candidates, params.page, RESULTS_PER_PAGE)
    results.page = page
    results.total = len(candidates)
    results.more = any(
        sum(1 for row in candidates if row[0] == kind.name) >= CANDIDATES for kind in kinds
    )
    results.hits = _hits(page.object_list)

    if page.number == 1 and not (params.kind or params.topic):
        results.topics = named if named is not None else _matching_topics(params.q)
    results.other_forms = _other_forms(results.hits, params.wanted_words)

    words = _WORD.findall(params.q)
    if (
        results.total == 0
        and results.topic is None
        and sum(map(len, words)) >= SUGGEST_MIN_LETTERS
        and len(words) <= SUGGEST_MAX_WORDS
        and trigram_available()
    ):
        results.trigram = True
        results.suggestions = _suggestions(kinds, params.q, {hit.url for hit in results.hits})
    return results
