"""Typo-tolerant title search where the server has pg_trgm; a no-op where it does not.

pg_trgm is a contrib extension: the machine's PostgreSQL ships it, the embedded pgserver does not.
The index is not declared on the model (Django would then require the extension everywhere), so
this migration creates it only when `pg_available_extensions` lists pg_trgm and the extension
can be created. Search feature-detects the extension at run time (`search.services`).
"""

from django.db import DatabaseError, migrations, transaction


def add_title_trigram_index(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        try:
            # A savepoint: without the right to create it, migrating still succeeds.
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            return
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS post_title_trigram "
            "ON posts_post USING gin (title gin_trgm_ops)"
        )


def drop_title_trigram_index(apps, schema_editor):
    # The extension stays: other database objects may use it, and it costs nothing idle.
    schema_editor.execute("DROP INDEX IF EXISTS post_title_trigram")


class Migration(migrations.Migration):
    dependencies = [("posts", "0002_post_search_vector")]

    operations = [migrations.RunPython(add_title_trigram_index, drop_title_trigram_index)]
