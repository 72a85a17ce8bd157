"""Drill: `import_seeds` stopped by SIGTERM or Ctrl-C (SIGINT) while PostgreSQL runs its statement.

The drill holds a lock the import needs, so the import's backend waits inside a statement for as
long as the drill likes. Stopped there, the import must cancel that statement (its backend stops
waiting although the lock is still held), write nothing, and say so in one line, never a
traceback.
"""

import signal
import subprocess
import sys
import time

import psycopg
import pytest

from posts.models import Archive, Post
from tests.drills.servers import drill_env
from tests.processes import ROOT

pytestmark = pytest.mark.drill

WAITING = """
SELECT pid FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
  AND state = 'active' AND wait_event_type = 'Lock'
"""


def waiting_backends(conn: psycopg.Connection) -> list[int]:
    return [pid for (pid,) in conn.execute(WAITING).fetchall()]


def poll(check, seconds: float):
    """`check()` until it is true or `seconds` pass; its last value."""
    deadline = time.monotonic() + seconds
    while not (value := check()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_stopped_import_cancels_its_statement_and_says_so_in_one_line(
    signum, test_database_url, tmp_path
):
    archive = tmp_path / "stopped.txt"
    archive.write_text("A post about the library\n\nThe library opens. read more »\n")
    with (
        psycopg.connect(test_database_url, autocommit=True) as watcher,
        psycopg.connect(test_database_url) as locker,
    ):
        locker.execute(f"LOCK TABLE {Archive._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "import_seeds", str(archive)],
            cwd=ROOT,
            env=drill_env(test_database_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert poll(lambda: waiting_backends(watcher), 60), "the import never waited"
            process.send_signal(signum)
            _, err = process.communicate(timeout=30)
            # The lock is still held: a statement that was not cancelled would still wait.
            still_waiting = not poll(lambda: not waiting_backends(watcher), 10)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        locker.rollback()
    assert not still_waiting, "the import's statement went on running after it was stopped"
    assert process.returncode == 128 + signum
    assert "Traceback" not in err
    name = signal.Signals(signum).name
    assert err.strip().splitlines() == [
        f"CommandError: import stopped ({name}): nothing of stopped.txt was written"
    ]
    assert not Post.objects.exists()
