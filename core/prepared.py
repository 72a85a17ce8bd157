"""Prepared statements for the few hand-written statements a hot page runs on every request.

Django's PostgreSQL backend binds parameters on the client (psycopg's `ClientCursor`): every
statement reaches the server as new text, to be parsed and planned again. `prepared_cursor()`
gives a cursor that binds on the server and prepares each statement the first time a
connection runs it; later runs on that connection send only the parameters and reuse the plan.
The ORM is untouched: Django's `OPTIONS["prepare_threshold"]` alone does nothing with
client-side binding, and `OPTIONS["server_side_binding"]` would move every ORM query to
server-side binding, whose typing rules differ.

The cursor is Django's own wrapper around it, so `execute_wrapper`s, `CaptureQueriesContext`
and `assertNumQueries` count its statements, and database errors are Django's.

A statement written for it must give PostgreSQL a plan worth keeping: after five runs the
server may keep a generic plan, made without the parameters' values, so an expression of
parameters (`websearch_to_tsquery('bigsoc', %(q)s)`) is computed again for every row that
uses it. Compute such values once, in a scalar subquery (an InitPlan: once per run), and
write constants the planner must see to use an index (a text-search configuration) as
literals, never as parameters.

Prepared statements live in the server process of one connection, and psycopg keeps track of
them per connection. Behind PgBouncer use session pooling (docs/scaling.md), or transaction
pooling with `max_prepared_statements` set (PgBouncer 1.21 and later).
"""

from __future__ import annotations

from django.db import connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper


class _PreparingCursor(ServerBindingCursor):
    """psycopg's server-binding cursor, preparing every statement it runs."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class _DebugCursor(CursorDebugWrapper):
    """Django's logging wrapper, logging the statement with its values. Django reads what it
    logs from a client-binding cursor's last query, which a prepared run does not leave."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return CursorWrapper.execute(self, sql, params)


def prepared_cursor(using: str = "default"):
    """A cursor of the `using` database (as `connection.cursor()`, use it in a `with`) whose
    statements are prepared on the server and kept for the connection's life."""
    connection = connections[using]
    # What connection.cursor() does before it makes a cursor: a kept connection is checked
    # (CONN_HEALTH_CHECKS), opened if need be, and used from its own thread only.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        return _DebugCursor(cursor, connection)
    return connection.make_cursor(cursor)
