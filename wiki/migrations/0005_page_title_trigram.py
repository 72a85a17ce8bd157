"""Typo-tolerant page-title search where the server has pg_trgm; a no-op where it does not.

As posts.0003_title_trigram: the embedded pgserver ships no contrib extensions, so the index is
created only when `pg_available_extensions` lists pg_trgm and the extension can be created.
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
            "CREATE INDEX IF NOT EXISTS page_title_trigram "
            "ON wiki_page USING gin (title gin_trgm_ops)"
        )


def drop_title_trigram_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS page_title_trigram")


class Migration(migrations.Migration):
    dependencies = [("wiki", "0004_page_search_vector_data")]

    operations = [migrations.RunPython(add_title_trigram_index, drop_title_trigram_index)]
