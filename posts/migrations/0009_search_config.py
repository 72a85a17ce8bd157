"""The search configuration `bigsoc` (and `bigsoc_simple`), and every stored vector in it.

`bigsoc` is a copy of `english`; `bigsoc_simple` a copy of `simple`. Where the server has the
unaccent extension (a full PostgreSQL and the embedded PostgreSQL 18 do; the old pgserver does
not), both put unaccent before their dictionary, so "café" and "cafe" are the same word in
stored vectors and in queries. Without it, search works as before and accents count: the
configurations exist either way, so the generated column's expression is the same everywhere.
Search feature-detects the folding at run time (`search.services.accents_folded`).

The post vector is a generated column, whose expression PostgreSQL cannot alter: it is dropped
and added again (every post's vector recomputed: ~30 s at 100,000 posts), with its indexes.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import DatabaseError, migrations, models, transaction

WORD_TOKENS = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"


def create_configs(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cfgname FROM pg_ts_config WHERE cfgname IN ('bigsoc', 'bigsoc_simple')"
        )
        have = {name for (name,) in cursor.fetchall()}
        if "bigsoc" not in have:
            cursor.execute("CREATE TEXT SEARCH CONFIGURATION bigsoc (COPY = pg_catalog.english)")
        if "bigsoc_simple" not in have:
            cursor.execute(
                "CREATE TEXT SEARCH CONFIGURATION bigsoc_simple (COPY = pg_catalog.simple)"
            )
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
        if cursor.fetchone() is None:
            return
        try:
            # A savepoint: without the right to create it, migrating still succeeds.
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        except DatabaseError:
            return
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION bigsoc ALTER MAPPING FOR {WORD_TOKENS}"
            " WITH unaccent, english_stem"
        )
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION bigsoc_simple ALTER MAPPING FOR {WORD_TOKENS}"
            " WITH unaccent, simple"
        )


def drop_configs(apps, schema_editor):
    # The extension stays: other database objects may use it, and it costs nothing idle.
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS bigsoc")
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS bigsoc_simple")


def vector(config):
    search = django.contrib.postgres.search
    return models.GeneratedField(
        db_persist=True,
        expression=search.CombinedSearchVector(
            search.SearchVector("title", config=config, weight="A"),
            "||",
            search.SearchVector("body", config=config, weight="B"),
            search.SearchConfig(config),
        ),
        output_field=search.SearchVectorField(),
    )


def indexes(config):
    return [
        django.contrib.postgres.indexes.GinIndex(
            fields=["search_vector"], name="post_search_vector"
        ),
        django.contrib.postgres.indexes.GinIndex(
            django.contrib.postgres.search.SearchVector("title", config=config),
            name="post_title_search",
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [("posts", "0008_refold_post_keys")]

    operations = [
        migrations.RunPython(create_configs, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="post", name="post_search_vector"),
        migrations.RemoveIndex(model_name="post", name="post_title_search"),
        migrations.RemoveField(model_name="post", name="search_vector"),
        migrations.AddField(model_name="post", name="search_vector", field=vector("bigsoc")),
        *[migrations.AddIndex(model_name="post", index=index) for index in indexes("bigsoc")],
        # The rewritten column has no statistics until autovacuum comes by: gather them now.
        migrations.RunSQL("ANALYZE posts_post", migrations.RunSQL.noop),
        # Last when migrating back: the english column no longer uses the configurations.
        migrations.RunPython(migrations.RunPython.noop, drop_configs),
    ]
