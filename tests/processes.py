"""Run `manage.py` in a fresh Python process, for tests of how settings behave at start-up.

Settings are read once per process, so production-like settings (DEBUG off, HTTPS on) can only
be seen in a process of their own.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Variables the test run sets for itself (tests/environment.py) and a child must not inherit.
TEST_ONLY_VARIABLES = {"DEBUG", "HTTPS", "SECRET_KEY"}

PRODUCTION_LIKE = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 64 + "-production-like-secret",
    "ALLOWED_HOSTS": "wiki.example.org",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`manage.py *args` with the parent's environment minus test-only variables, plus `env`."""
    base = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
