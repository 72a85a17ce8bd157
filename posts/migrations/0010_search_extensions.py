"""The contrib extensions search uses, created wherever the server offers them.

pg_trgm (typo-tolerant titles), unaccent (accent folding: `café` finds `cafe`) and fuzzystrmatch
(edit distance) ship with a full PostgreSQL and with the embedded PostgreSQL 18. Where one is not
offered, or the database user may not create it, migrating still succeeds and search
feature-detects what is there (`search.services`). (pg_trgm is also created by posts.0003 and
wiki.0005 with their title indexes, unaccent by posts.0009 with the search configurations; IF NOT
EXISTS makes the repeat harmless.)
"""

from django.db import DatabaseError, migrations, transaction

EXTENSIONS = ("pg_trgm", "unaccent", "fuzzystrmatch")


def create_extensions(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM pg_available_extensions WHERE name = ANY(%s)", [list(EXTENSIONS)]
        )
        available = {name for (name,) in cursor.fetchall()}
        for name in EXTENSIONS:
            if name not in available:
                continue
            try:
                # A savepoint: without the right to create it, migrating still succeeds.
                with transaction.atomic(using=connection.alias):
                    cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {name}")
            except DatabaseError:
                continue

class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0009_search_config"),
    ]

    # Extensions stay on the way back: other database objects may use them, idle they cost nothing.
    operations = [migrations.RunPython(create_extensions, migrations.RunPython.noop)]
