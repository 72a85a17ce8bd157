"""Index the pages that existed before pages had a search vector (later saves keep it current)."""

from django.db import migrations

FILL = """
UPDATE wiki_page AS p
SET search_vector = setweight(to_tsvector('english', COALESCE(p.title, '')), 'A')
    || setweight(to_tsvector('english', COALESCE(r.html, '')), 'B')
FROM wiki_revision AS r
WHERE r.id = p.current_revision_id
"""


class Migration(migrations.Migration):
    dependencies = [("wiki", "0003_page_search_vector")]

    operations = [migrations.RunSQL(FILL, migrations.RunSQL.noop)]
