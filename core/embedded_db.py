"""An embedded PostgreSQL for machines that have no server configured.

When DATABASE_URL is unset, settings call `embedded_database()`: pgserver starts a private
PostgreSQL whose data lives in a git-ignored folder of the project, and leaves it running so
the next start (or another process, such as the test run next to `make run`) reuses it.
"""

import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

DATABASE_NAME = "bigsoc"


def embedded_database(data_dir: Path) -> dict:
    data_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # platformdirs warns on every start when XDG_RUNTIME_DIR is unset (servers, CI): noise.
        warnings.simplefilter("ignore", UserWarning)
        import pgserver  # imported here: only machines without DATABASE_URL pay for it

        # cleanup_mode=None keeps the server up after this process exits, so it is reused.
        server = pgserver.get_server(data_dir, cleanup_mode=None)
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
