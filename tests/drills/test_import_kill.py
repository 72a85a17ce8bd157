"""Drill: `import_seeds` killed with SIGKILL half-way through a 20,000-post archive.

The database must hold exactly what it held before that file (the file is one transaction), and
a rerun must complete and leave exactly what a clean import of the same files leaves. The clean
import runs meanwhile in a database of its own, so the drill takes the time of one import and a
half, not two and a half. DRILL_IMPORT_POSTS changes the archive's size (default 20,000).
"""

import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection

from tests.drills.dump import canonical_dump, first_difference, summary
from tests.drills.servers import database_url, drill_env, manage
from tests.processes import ROOT

pytestmark = pytest.mark.drill

ARCHIVE_POSTS = int(os.environ.get("DRILL_IMPORT_POSTS", "20000"))
EARLIER_POSTS = 300
PROGRESS = re.compile(r"([\d,]+)/([\d,]+) posts loaded")


@pytest.fixture
def archives(tmp_path):
    """(earlier, big): a small archive imported first, then the big one that gets killed."""
    files = []
    for name, posts, seed in [("earlier", EARLIER_POSTS, 2), ("big", ARCHIVE_POSTS, 1)]:
        path = tmp_path / f"generated-{name}-{posts}.txt"
        subprocess.run(
            [sys.executable, "-m", "bench.generate", f"--posts={posts}", f"--seed={seed}"]
            + [f"--out={path}"],
            cwd=ROOT,
            check=True,
        )
        files.append(str(path))
    return files


@pytest.fixture
def clean_database_url(transactional_db):
    """A second, empty database on the same server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_clean"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield database_url(connection.settings_dict, name)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def dump_of(url: str) -> dict:
    """The canonical dump of a database this process is not connected to."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.drills.dump"],
        cwd=ROOT,
        env=drill_env(url),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def clean_import(url: str, files: list[str]) -> dict:
    env = drill_env(url)
    manage("migrate", "--noinput", "-v0", env=env)
    for path in files:
        manage("import_seeds", path, env=env)
    return dump_of(url)


def import_until_half_way_then_kill(path: str, env: dict) -> tuple[int, int]:
    """Start `import_seeds path`, SIGKILL it once half the posts are loaded: (loaded, total)."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_seeds", path],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # A stuck import must not hang the drill: past the deadline it is killed all the same.
    watchdog = threading.Timer(600, process.kill)
    watchdog.start()
    seen = []
    try:
        for line in process.stderr:
            seen.append(line)
            match = PROGRESS.search(line)
            if match:
                done, total = (int(n.replace(",", "")) for n in match.groups())
                if done * 2 >= total:
                    os.kill(process.pid, signal.SIGKILL)
                    break
    finally:
        watchdog.cancel()
        process.wait(timeout=30)
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL, (
        f"the import was not killed half-way (exit {process.returncode}):\n{''.join(seen)}"
    )
    assert done < total
    return done, total


def test_import_killed_half_way_leaves_the_state_before_and_a_rerun_matches_a_clean_import(
    archives, clean_database_url, test_database_url, report
):
    earlier, big = archives
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        clean = pool.submit(clean_import, clean_database_url, archives)

        env = drill_env(test_database_url)
        manage("import_seeds", earlier, env=env)
        before = canonical_dump()
        assert len(before["posts"]) > 0

        loaded, total = import_until_half_way_then_kill(big, env)
        killed_at = time.monotonic() - started
        after_kill = canonical_dump()
        assert after_kill == before, (
            "after the kill the database holds part of the file: "
            f"{summary(after_kill)} against {summary(before)} before; "
            f"{first_difference(after_kill, before)}"
        )

        manage("import_seeds", big, env=env)
        rerun = canonical_dump()
        reference = clean.result(timeout=900)
    assert len(reference["posts"]) > len(before["posts"])
    assert rerun == reference, (
        f"rerun: {summary(rerun)}; clean: {summary(reference)}; "
        f"{first_difference(rerun, reference)}"
    )
    report(
        f"killed at {loaded:,}/{total:,} posts loaded ({killed_at:.0f} s in); the database held "
        f"the state before ({summary(before)}); the rerun matched a clean import "
        f"({summary(rerun)}); {time.monotonic() - started:.0f} s in all"
    )
