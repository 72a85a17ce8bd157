"""The database cache's table (used when REDIS_URL is unset), created by `migrate`.

Every write bumps the page cache's generation, so an import or an edit needs the cache from its
first run: a deploy step that could be forgotten (`createcachetable`) becomes part of migrating.
With Redis configured, `createcachetable` has nothing to do.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("posts", "0004_reading_indexes")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
