"""Page vectors and the page-title index in the `bigsoc` search configuration (posts.0009):
accents folded where the server has unaccent."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

REFILL = """
UPDATE wiki_page
SET search_vector = setweight(to_tsvector('{config}', COALESCE(title, '')), 'A')
    || setweight(to_tsvector('{config}', COALESCE(html, '')), 'B')
WHERE search_vector IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [("wiki", "0008_refold_keys"), ("posts", "0009_search_config")]

    operations = [
        migrations.RemoveIndex(model_name="page", name="page_title_search"),
        migrations.AddIndex(
            model_name="page",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("title", config="bigsoc"),
                name="page_title_search",
            ),
        ),
        migrations.RunSQL(REFILL.format(config="bigsoc"), REFILL.format(config="english")),
    ]
