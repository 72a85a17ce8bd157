"""The ranking query: which rows of every kind match, best first, and what the page shows of
those on the page asked for, in one hand-written, prepared statement.

It is written by hand for two reasons. Its shape needs LIMITed subqueries the ORM cannot
select from (below), and it is the hottest query of the search page: built through the ORM,
the union of both kinds costs more Python to assemble and compile than to run. The SQL
depends only on the kinds and on whether a topic filters them, so it is built once per shape;
every value arrives as a parameter, and the statement is prepared (core.prepared): each
connection plans it once, not once a search. So the query's values (its tsqueries, the
lexemes to mark) are computed once a run, in `asked`, and read through scalar subqueries; the
text-search configuration is a literal, as the title index's expression has it.

**What the page shows.** Every candidate comes back with its place in the ranking (the total
and the pages are cut from that list in Python); those on the page asked for also bring the
columns their kind shows (`Rows.shown`: a title, what the URL is made from, a date, the text a
snippet is cut from), so a page of results is one statement. A page past the end is the last
page (core.pagination's policy, which `paginate` applies to the list; the statement follows it
so as to read the right page's columns).

**Which rows are ranked.** Ranking reads each row's vector, so a common word must not rank
every row it matches (85,000 of 100,000 posts mention "people"). Each kind ranks at most
`title_limit` title hits and `limit` hits of any kind:
- title hits come through the title-only expression index, whose bitmap (8,500 rows for
  "volunteering") is read in table order until `title_limit` rows also match the full
  vector ("-word" holds for bodies): a check on each title hit, not a second index, because
  ANDing the two indexes would build the common word's whole bitmap;
- other hits come first from the head of the table read in primary-key order, and from the
  full-text index only for rows after the head when the head did not hold enough. A GIN index
  cannot stop early: it hands over every match as one bitmap (~85,000 rows for "people"),
  only for a few to be kept. The outer LIMIT stops the UNION ALL before the index
  is asked. The rows after the head are told apart from it above an OFFSET 0, so the planner
  does not AND the full-text bitmap with a primary-key range of nearly every row.
Neither arm leans on the planner's estimates: without statistics (a table just rewritten),
a plan that trusts them can scan all 100,000 vectors for a word found nowhere.

**How they are ranked** (`SCORE`), in tiers, so that a weaker signal never outweighs a stronger:
1. the query's own words in the title, as typed (an unstemmed vector of the title):
   "Networking Big Society" above "Big day for Big Society Network" for "networking";
2. the query's words in the title after stemming;
3. the query's words side by side, as a phrase, anywhere (for an unquoted query of two words
   or more: "big society" as said, above "a big day for society");
4. within a tier, `ts_rank` over the whole vector, divided by the log of the text's length so a
   long text does not win by bulk, and scaled into [0, 1) so it never crosses a tier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from core.prepared import prepared_cursor
from core.text import SEARCH_CONFIG, SEARCH_CONFIG_UNSTEMMED

# How many rows the head holds, as a multiple of the candidate limit: a word in half the rows
# finds its candidates there; a rarer word pays for reading them (little) and then asks the
# index.
HEAD_ROWS_PER_CANDIDATE = 2
# ... and for a query that leaves words out: "volunteers -council" keeps one row in eight of
# the head at 100,000 posts, so a small head sent it to the index, whose bitmap is every row
# with "volunteers", many times the cost of reading a head of 480 rows.
HEAD_ROWS_PER_CANDIDATE_EXCLUDING = 8
# 1: divide by 1 + log(length); 32: rank / (rank + 1), so the rank stays below 1 (one tier).
RANK_NORMALISATION = 1 | 32

_NAME = re.compile(r"^[a-z_]+$")
if not (_NAME.match(SEARCH_CONFIG) and _NAME.match(SEARCH_CONFIG_UNSTEMMED)):
    raise ValueError("the text-search configurations are written into SQL: plain names only")

# What the query asks, computed once a run and read through scalar subqueries:
# - `words`: the query as a tsquery;
# - `title_words`: the same with every lexeme restricted to weight A: matched against the full
#   vector, it finds the words in the title. tsquery's text form quotes each lexeme
#   ('it''s'); a weight follows the closing quote;
# - `own_words`: the query's own words as typed: an unstemmed configuration (`simple`, accents
#   folded like SEARCH_CONFIG's) neither stems nor drops words;
# - `phrase`: the words side by side, NULL without `%(phrase)s` (the function is strict);
# - `lexemes`: the lexemes of the words a hit shows marked (search.snippets.Marker).
_ASKED = f"""asked AS MATERIALIZED (SELECT
    websearch_to_tsquery('{SEARCH_CONFIG}', %(q)s) AS words,
    regexp_replace(websearch_to_tsquery('{SEARCH_CONFIG}', %(q)s)::text,
        '''((?:[^'']|'''')*)''', '''\\1'':A', 'g')::tsquery AS title_words,
    websearch_to_tsquery('{SEARCH_CONFIG_UNSTEMMED}', %(q)s) AS own_words,
    phraseto_tsquery('{SEARCH_CONFIG}', %(phrase)s::text) AS phrase,
    (SELECT array_agg(lexeme)
     FROM unnest(to_tsvector('{SEARCH_CONFIG}', %(words)s::text))) AS lexemes)"""
_WORDS = "(SELECT words FROM asked)"
_TITLE_AS_TYPED = f"to_tsvector('{SEARCH_CONFIG_UNSTEMMED}', COALESCE(r.title, ''))"

SCORE = f"""(
    CASE WHEN {_TITLE_AS_TYPED} @@ (SELECT own_words FROM asked) THEN 4 ELSE 0 END
    + CASE WHEN r.search_vector @@ (SELECT title_words FROM asked) THEN 2 ELSE 0 END
    + CASE WHEN r.search_vector @@ (SELECT phrase FROM asked) THEN 1 ELSE 0 END
    + ts_rank(r.search_vector, {_WORDS}, {RANK_NORMALISATION})
)"""


@dataclass(frozen=True)
class Rows:
    """Where one kind's searchable rows live, as SQL fragments over the row alias `{row}`.

    The table has `id`, `title` and the stored, GIN-indexed `search_vector` (title at weight
    A); `title_vector` must be the title-only index's expression exactly, or PostgreSQL will
    not use that index. `shown` is what a hit shows, four columns: its title, what its URL is
    made from, a date, and the text its snippet is cut from (text, text, date, text).
    """

    table: str
    title_vector: str
    shown: str
    live: str = "TRUE"  # which rows may be found at all
    in_topic: str = "FALSE"  # the topic filter, with `%(topic)s` for the topic's pk


def _kind_sql(kind: str, rows: Rows, topic: bool) -> str:
    if not (_NAME.match(kind) and _NAME.match(rows.table)):
        raise ValueError(f"not a plain name: {kind!r}, {rows.table!r}")

    def searchable(row: str) -> str:
        where = rows.live + (f" AND {rows.in_topic}" if topic else "")
        return "(" + where.replace("{row}", row) + ")"

    title_vector = rows.title_vector.replace("{row}", "t")
    # The title arm has no ORDER BY: the title index's bitmap is read in table order and stops
    # at the LIMIT (a filtered scan would compute every title's vector, so the planner never
    # prefers it, statistics or not). ts_match_vq is `@@` spelled as a function, which no index
    # serves, so the planner cannot AND the title index with the full vector's.
    return f"""
SELECT '{kind}' AS kind, r.id AS pk, {SCORE} AS rank
FROM {rows.table} r
WHERE r.id IN (
    (SELECT t.id FROM {rows.table} t
     WHERE {title_vector} @@ {_WORDS} AND ts_match_vq(t.search_vector, {_WORDS})
        AND {searchable("t")}
     LIMIT %(title_limit)s)
    UNION ALL
    (SELECT id FROM (
        (SELECT id FROM (
            SELECT h.id, h.search_vector FROM {rows.table} h
            WHERE {searchable("h")} ORDER BY h.id LIMIT %(head)s
        ) head WHERE search_vector @@ {_WORDS})
        UNION ALL
        (SELECT id FROM (
            SELECT b.id FROM {rows.table} b
            WHERE b.search_vector @@ {_WORDS} AND {searchable("b")} OFFSET 0
        ) tail WHERE id > (
            SELECT e.id FROM {rows.table} e WHERE {searchable("e")}
            ORDER BY e.id OFFSET %(head)s - 1 LIMIT 1))
    ) body_hits LIMIT %(limit)s)
)"""


def _shown_sql(kind: str, rows: Rows) -> str:
    # Conditions on the outer row alone: PostgreSQL tests them before reading a row, so only
    # the rows on the page are read (their texts are what costs).
    return f"""
SELECT {rows.shown.replace("{row}", "s")}, (SELECT lexemes FROM asked)
FROM {rows.table} s
WHERE placed.kind = '{kind}' AND placed.place > placed.first_shown
    AND placed.place <= placed.first_shown + %(per_page)s AND s.id = placed.pk"""


@cache
def _sql(kinds: tuple[tuple[str, Rows], ...], topic: bool) -> str:
    candidates = " UNION ALL ".join(f"({_kind_sql(kind, rows, topic)})" for kind, rows in kinds)
    shown = " UNION ALL ".join(f"({_shown_sql(kind, rows)})" for kind, rows in kinds)
    return f"""WITH {_ASKED},
candidates AS ({candidates}),
placed AS (
    SELECT kind, pk, rank, row_number() OVER (ORDER BY rank DESC, kind, pk) AS place,
        -- the places before the page shown: the page asked for, or the last one
        LEAST((%(page)s - 1) * %(per_page)s,
              (count(*) OVER () - 1) / %(per_page)s * %(per_page)s) AS first_shown
    FROM candidates)
SELECT placed.kind, placed.pk, placed.rank, shown.*
FROM placed LEFT JOIN LATERAL ({shown}) shown ON TRUE
ORDER BY placed.place"""


def ranked(
    kinds: list[tuple[str, Rows]],
    q: str,
    topic_pk: int | None,
    limit: int,
    *,
    page: int,
    per_page: int,
    words: str,
    title_limit: int | None = None,
    phrase: str | None = None,
    excluding: bool = False,
) -> list[tuple]:
    """Every kind's candidates, best first: (kind, pk, rank, then `Rows.shown`'s four columns
    and the lexemes of `words`) for those on page `page` (from 1) of pages of `per_page`, or on
    the last page when the list ends before it; NULLs for the rest. `q` is websearch syntax;
    `words`, the words a hit shows marked; `phrase`, when given, is the query's words whose
    appearing side by side earns a row the phrase tier; `excluding`, that the query leaves
    words out (a longer head)."""
    params = {
        "q": q,
        "limit": limit,
        "title_limit": limit if title_limit is None else title_limit,
        "head": (HEAD_ROWS_PER_CANDIDATE_EXCLUDING if excluding else HEAD_ROWS_PER_CANDIDATE)
        * limit,
        "topic": topic_pk,
        "phrase": phrase,
        "words": words,
        # Every page past the end is the last: a number too large for bigint means the same.
        "page": min(page, 1_000_000),
        "per_page": per_page,
    }
    with prepared_cursor() as cursor:
        cursor.execute(_sql(tuple(kinds), topic_pk is not None), params)
        return cursor.fetchall()
