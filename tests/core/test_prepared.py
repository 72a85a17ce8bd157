"""core.prepared: statements prepared on the server once per connection, counted like any other,
while the ORM's queries stay unprepared."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.prepared import prepared_cursor
from posts.models import Topic

pytestmark = pytest.mark.django_db

STATEMENT = "SELECT %(n)s::int + 1, %(word)s::text || '!'"


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def test_a_statement_is_prepared_once_and_answers_with_each_runs_values():
    answers = []
    for n in range(3):
        with prepared_cursor() as cursor:
            cursor.execute(STATEMENT, {"n": n, "word": f"run {n}"})
            answers.append(cursor.fetchone())
    assert answers == [(1, "run 0!"), (2, "run 1!"), (3, "run 2!")]
    assert prepared_statements() == ["SELECT $1::int + 1, $2::text || '!'"]


def test_prepared_statements_are_counted_like_any_query():
    with CaptureQueriesContext(connection) as queries, prepared_cursor() as cursor:
        cursor.execute(STATEMENT, {"n": 41, "word": "counted"})
        assert cursor.fetchone() == (42, "counted!")
    [query] = queries.captured_queries
    assert "41" in query["sql"] and "counted" in query["sql"]


def test_the_orm_prepares_nothing():
    for _ in range(10):  # more runs than psycopg's prepare threshold
        list(Topic.objects.filter(slug="none").values_list("name"))
    assert prepared_statements() == []
