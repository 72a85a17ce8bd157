"""Watching pages and topics, and the preferences that go with it."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connection

from community.models import EmailMode, Preference, Watch
from community.targets import Target
from core.cache import for_generation, readers_see_no_change
from core.prepared import prepared_cursor


def preference_for(user) -> Preference:
    """The volunteer's preferences (the defaults when none were saved; not written)."""
    found = Preference.objects.filter(user=user).first()
    return found if found is not None else Preference(user=user, email_mode=EmailMode.EACH)


def watchlist_seen_at(user) -> datetime | None:
    """When `user` last opened their watchlist (None: never), read with one fixed statement.

    The logged-in home page asks on every request (its kept panels are keyed on it); through
    the ORM the query is compiled anew each time, about as much CPU as the rest of the page's
    own work (cProfile, 2026-11), as `core.auth.user_by_id` found for the user's row.
    """
    meta = Preference._meta
    quote = connection.ops.quote_name
    column = quote(meta.get_field("watchlist_seen_at").column)
    user_column = quote(meta.get_field("user").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {quote(meta.db_table)} WHERE {user_column} = %s", [user.pk]
        )
        row = cursor.fetchone()
    return row[0] if row else None


def is_watching(user, target: Target) -> bool:
    """Whether `user` watches `target`, kept until the next write: watching and unwatching are
    writes (a POST, or an edit's own watch), so the button is right on the next request. The
    query it saves was a tenth of a logged-in topic or wiki page's CPU (its ORM compilation)."""
    if not user.is_authenticated:
        return False
    kind, obj = next(iter(target.filter().items()))
    return for_generation(
        f"watching:{user.pk}:{kind}:{obj.pk}",
        lambda: Watch.objects.filter(user=user, **target.filter()).exists(),
    )


def watch(user, target: Target) -> None:
    """One INSERT … ON CONFLICT DO NOTHING: watching twice (a second click, a second edit) is
    watching once, without a savepoint and a look-up first (every edit of a page calls this)."""
    Watch.objects.bulk_create([Watch(user=user, **target.filter())], ignore_conflicts=True)
    readers_see_no_change()  # the volunteer's own button and watchlist change, no reader's page


def unwatch(user, target: Target) -> None:
    readers_see_no_change()
    Watch.objects.filter(user=user, **target.filter()).delete()


def watch_if_wanted(user, target: Target) -> None:
    """After an edit or a comment: watch the target unless the volunteer turned that off."""
    if user is not None and preference_for(user).watch_edits:
        watch(user, target)


# Every new revision asks it (community.notify), mostly to find nobody: hand-written, as its ORM
# form (a subquery and a join to the preferences) cost more Python to build than to answer.
_WATCHERS_SQL = """
SELECT u.id, u.email, p.email_mode FROM {user} u LEFT JOIN {preference} p ON p.user_id = u.id
 WHERE u.is_active AND u.id IN (SELECT w.user_id FROM {watch} w WHERE w.{column} = %s)
"""


def watchers(target: Target) -> list[tuple[int, str, str | None]]:
    """(id, email, email mode or None for the defaults) of the active accounts watching
    `target`."""
    ((field, obj),) = target.filter().items()
    sql = _WATCHERS_SQL.format(
        user=get_user_model()._meta.db_table,
        preference=Preference._meta.db_table,
        watch=Watch._meta.db_table,
        column=Watch._meta.get_field(field).column,
    )
    with prepared_cursor() as cursor:
        cursor.execute(sql, [obj.pk])
        return cursor.fetchall()
