import django.contrib.postgres.search
import django.db.models.expressions
from django.db import migrations, models

from core.text import SEARCH_CONFIG

# The words a topic is searched by: its name and aliases as one text. array_to_string is only
# STABLE (an array's elements could print differently under other settings; text cannot), so
# the function is declared IMMUTABLE itself, as a generated column requires.
CREATE_FUNCTION = f"""
CREATE FUNCTION bigsoc_topic_words(name text, aliases text[]) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT to_tsvector('{SEARCH_CONFIG}', name || ' ' || array_to_string(aliases, ' ')) $$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0013_archive_language_post_local_dates_and_source_names"),
    ]

    operations = [
        migrations.RunSQL(CREATE_FUNCTION, "DROP FUNCTION bigsoc_topic_words(text, text[])"),
        migrations.AddField(
            model_name="topic",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.expressions.Func(
                    "name",
                    "aliases",
                    function="bigsoc_topic_words",
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
    ]
