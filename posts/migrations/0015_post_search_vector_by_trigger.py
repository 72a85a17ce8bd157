"""`Post.search_vector` becomes a plain column kept by triggers instead of a generated column.

A generated column is computed by the backend that writes the row, so a first import's COPY
computed every post's vector in one backend. A plain column lets the importer hand COPY
vectors computed beside it by other backends (importer.write.vectors); the triggers keep every
other write (ORM, admin, a re-import's updates) computing it as before. `post_search_vector`
is the one definition of the vector, used by the triggers and by the importer.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

FUNCTIONS = """
CREATE FUNCTION post_search_vector(title text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('bigsoc'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('bigsoc'::regconfig, coalesce(body, '')), 'B')
$$;
CREATE FUNCTION post_search_vector_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := post_search_vector(NEW.title, NEW.body);
    RETURN NEW;
END
$$;
CREATE TRIGGER post_search_vector_insert BEFORE INSERT ON posts_post
    FOR EACH ROW EXECUTE FUNCTION post_search_vector_trigger();
CREATE TRIGGER post_search_vector_update BEFORE UPDATE OF title, body ON posts_post
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.body IS DISTINCT FROM NEW.body)
    EXECUTE FUNCTION post_search_vector_trigger();
UPDATE posts_post SET search_vector = post_search_vector(title, body);
"""

DROP_FUNCTIONS = """
DROP TRIGGER post_search_vector_update ON posts_post;
DROP TRIGGER post_search_vector_insert ON posts_post;
DROP FUNCTION post_search_vector_trigger();
DROP FUNCTION post_search_vector(text, text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0014_topic_search_vector"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="post", name="post_search_vector"),
        migrations.RemoveField(model_name="post", name="search_vector"),
        migrations.AddField(
            model_name="post",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        migrations.AddIndex(
            model_name="post",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="post_search_vector"
            ),
        ),
        migrations.RunSQL("ANALYZE posts_post", migrations.RunSQL.noop),
    ]
