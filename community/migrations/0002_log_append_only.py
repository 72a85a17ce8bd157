"""The moderation log is append-only in the database: a trigger refuses UPDATE and DELETE of
its rows, whoever asks (the site, the admin, a psql session). TRUNCATE, which only an owner
running maintenance (or the test runner's flush) can issue, is left alone."""

from django.db import migrations

CREATE = """
CREATE FUNCTION community_log_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the moderation log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER community_logentry_append_only
    BEFORE UPDATE OR DELETE ON community_logentry
    FOR EACH ROW EXECUTE FUNCTION community_log_is_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS community_logentry_append_only ON community_logentry;
DROP FUNCTION IF EXISTS community_log_is_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("community", "0001_watches_talk_log_blocks_review")]

    operations = [migrations.RunSQL(CREATE, DROP)]
