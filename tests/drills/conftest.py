"""Fixtures for the failure drills (`make drill`, or `pytest -m drill`).

Drills run the site as production does: gunicorn processes with DEBUG off, talking to the test
database (`transactional_db`, so what the test writes is committed and the servers see it), and
Redis database 7 (or DRILL_REDIS_DB) where a drill needs a shared cache. They are left out of a
plain `pytest` run unless selected with `-m drill` or named by path: they take minutes.
"""

import os

import pytest
import redis
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from tests.drills.servers import AppServer, database_url, drill_env, manage
from wiki.permissions import MODERATORS_GROUP

# Only ever one Redis database on loopback, 7 unless DRILL_REDIS_DB says otherwise: other work on
# this machine uses the others.
REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('DRILL_REDIS_DB', '7')}"
# A database URL for commands that never connect (collectstatic still parses the setting).
NO_DATABASE = "postgres://nobody@127.0.0.1:1/none"


# Figures the drills report (timings, the soak's counts and memory), printed after the run.
FIGURES: list[str] = []


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("drill figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture
def report(request):
    """`report("text")`: a line for the drill figures at the end of the run."""

    def note(line: str) -> None:
        FIGURES.append(f"{request.node.name}: {line}")

    return note


def pytest_collection_modifyitems(config, items):
    markexpr = config.getoption("markexpr") or ""
    named = any("drills" in str(arg) for arg in config.args)
    if "drill" in markexpr or named:
        return
    deselected = [item for item in items if item.get_closest_marker("drill")]
    if deselected:
        items[:] = [item for item in items if not item.get_closest_marker("drill")]
        config.hook.pytest_deselected(items=deselected)


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    # Overrides the suite's MD5 hashing: the servers check passwords with the real hashers, so
    # the passwords the test stores must be hashed the same way.
    yield


@pytest.fixture(scope="session")
def static_manifest():
    """collectstatic once: with DEBUG off, templates name static files through its manifest."""
    manage("collectstatic", "--noinput", "-v0", env=drill_env(NO_DATABASE))


@pytest.fixture
def test_database_url(transactional_db):
    """The test database as a DATABASE_URL, for child processes."""
    return database_url(connection.settings_dict)


@pytest.fixture
def redis_url():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError as error:
        reason = f"Redis is not reachable at {REDIS_URL}: {error}"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def start_server(static_manifest, tmp_path):
    """`start_server(database_url, workers=2, threads=4, **env)` → a running AppServer."""
    servers = []

    def start(url: str, *, workers: int = 2, threads: int = 4, **env: str) -> AppServer:
        log = tmp_path / f"gunicorn-{len(servers) + 1}.log"
        server = AppServer(drill_env(url, **env), log, workers=workers, threads=threads)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


def make_person(username: str, password: str, *, moderator: bool = False):
    """A volunteer (or moderator) whose password the servers can check."""
    user = get_user_model().objects.create_user(username, f"{username}@example.org", password)
    if moderator:
        # The migration's group is gone once a transactional test has flushed the database.
        group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        user.groups.add(group)
    return user
