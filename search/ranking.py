"""The ranking query: which rows of every kind match, best first, in one hand-written statement.

It is written by hand for two reasons. Its shape needs LIMITed subqueries the ORM cannot
select from (below), and it is the hottest query of the search page: built through the ORM,
the union of both kinds took ~3.5 ms of Python per request to assemble and compile. The SQL
depends only on the kinds and on whether a topic filters them, so it is built once per shape;
every value arrives as a parameter.

Ranking reads each row's vector, so a common word must not rank every row it matches
(85,000 of 100,000 posts mention "people"). Each kind ranks at most `limit` title hits and the
first `limit` of all its hits in primary-key order:
- title hits come through the title-only index, because a title hit outranks any body
  mention. They must match the full vector too ("-word" holds for bodies), but as a check on
  each title hit behind OFFSET 0, not as a second index scan: ANDing the two indexes would
  build the common word's whole bitmap;
- body hits come first from the head of the table read in order, and from the full-text index
  only for rows after the head when the head did not hold enough. A GIN index cannot stop
  early: it hands over every match as one bitmap (~85,000 rows, ~6 ms, for "people"), only for
  200 to be kept. The outer LIMIT stops the UNION ALL before the index is asked. The rows
  after the head are told apart from it above an OFFSET 0, so the planner does not AND the
  full-text bitmap with a primary-key range of nearly every row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.db import connection

from core.text import SEARCH_CONFIG

# How many rows the head holds, as a multiple of the candidate limit: a word in half the rows
# finds its candidates there; a rarer word pays for reading them (~1–2 ms) and then asks the
# index as before.
HEAD_ROWS_PER_CANDIDATE = 2
# Normalisation 1 divides a rank by the log of the text's length: long texts do not win by bulk.
RANK_NORMALISATION = 1

_NAME = re.compile(r"^[a-z_]+$")
_TSQUERY = "websearch_to_tsquery(%(config)s::regconfig, %(q)s)"


@dataclass(frozen=True)
class Rows:
    """Where one kind's searchable rows live, as SQL fragments over the row alias `{row}`.

    The table has `id` and the stored, GIN-indexed `search_vector`; `title_vector` must be the
    title-only index's expression exactly, or PostgreSQL will not use that index.
    """

    table: str
    title_vector: str
    live: str = "TRUE"  # which rows may be found at all
    in_topic: str = "FALSE"  # the topic filter, with `%(topic)s` for the topic's pk


def _kind_sql(kind: str, rows: Rows, topic: bool) -> str:
    if not (_NAME.match(kind) and _NAME.match(rows.table)):
        raise ValueError(f"not a plain name: {kind!r}, {rows.table!r}")

    def searchable(row: str) -> str:
        where = rows.live + (f" AND {rows.in_topic}" if topic else "")
        return "(" + where.replace("{row}", row) + ")"

    title_vector = rows.title_vector.replace("{row}", "t")
    return f"""
SELECT '{kind}' AS kind, r.id AS pk, ts_rank(r.search_vector, {_TSQUERY}, {RANK_NORMALISATION})
    AS rank
FROM {rows.table} r
WHERE r.id IN (
    (SELECT id FROM (
        SELECT t.id, t.search_vector FROM {rows.table} t
        WHERE {title_vector} @@ {_TSQUERY} AND {searchable("t")} OFFSET 0
    ) title_hits WHERE search_vector @@ {_TSQUERY} LIMIT %(limit)s)
    UNION ALL
    (SELECT id FROM (
        (SELECT id FROM (
            SELECT h.id, h.search_vector FROM {rows.table} h
            WHERE {searchable("h")} ORDER BY h.id LIMIT %(head)s
        ) head WHERE search_vector @@ {_TSQUERY})
        UNION ALL
        (SELECT id FROM (
            SELECT b.id FROM {rows.table} b
            WHERE b.search_vector @@ {_TSQUERY} AND {searchable("b")} OFFSET 0
        ) tail WHERE id > (
            SELECT e.id FROM {rows.table} e WHERE {searchable("e")}
            ORDER BY e.id OFFSET %(head)s - 1 LIMIT 1))
    ) body_hits LIMIT %(limit)s)
)"""


@cache
def _sql(kinds: tuple[tuple[str, Rows], ...], topic: bool) -> str:
    arms = [f"({_kind_sql(kind, rows, topic)})" for kind, rows in kinds]
    return " UNION ALL ".join(arms) + "\nORDER BY rank DESC, kind, pk"


def ranked(
    kinds: list[tuple[str, Rows]], q: str, topic_pk: int | None, limit: int
) -> list[tuple[str, int, float]]:
    """(kind, pk, rank) of the candidates of every kind, best first. `q` is websearch syntax."""
    params = {
        "config": SEARCH_CONFIG,
        "q": q,
        "limit": limit,
        "head": HEAD_ROWS_PER_CANDIDATE * limit,
        "topic": topic_pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(_sql(tuple(kinds), topic_pk is not None), params)
        return cursor.fetchall()
