"""A real streaming replica of a drill's throwaway PostgreSQL: `pg_basebackup -R` (which writes
`primary_conninfo` and `standby.signal`), on its own port in the primary's socket folder, with
every statement logged so a drill can count the reads that reach it."""

from __future__ import annotations

import subprocess
import time
from urllib.parse import quote

from tests.drills.postgres import BINARIES, ThrowawayPostgres

PRIMARY_PORT = 5432  # the primary's default, on its Unix socket only
REPLICA_PORT = 5433


class StreamingReplica:
    def __init__(self, primary: ThrowawayPostgres, *, apply_delay: str = "5s"):
        self.primary = primary
        self.data = primary.folder / "replica"
        self.log = primary.folder / "replica.log"
        primary._run(
            "pg_basebackup", "-h", str(primary.folder), "-p", str(PRIMARY_PORT), "-U", "postgres",
            "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            conf.write(
                f"recovery_min_apply_delay = '{apply_delay}'\n"
                "log_statement = 'all'\n"
                "hot_standby_feedback = on\n"
            )

    def url(self, database: str) -> str:
        return (
            f"postgres://postgres@{quote(str(self.primary.folder), safe='')}:{REPLICA_PORT}"
            f"/{database}"
        )

    def start(self, timeout: float = 30) -> None:
        self.primary._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log),
            "-o", f"-c listen_addresses='' -k {self.primary.folder} -p {REPLICA_PORT}",
            "-w", "start",
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.query("SELECT pg_is_in_recovery()") == "t":
                return
            time.sleep(0.2)
        raise AssertionError(f"the replica did not come up:\n{self.statements()[-2000:]}")

    def stop(self) -> None:
        self.primary._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def query(self, sql: str) -> str:
        result = subprocess.run(
            [str(BINARIES / "psql"), "-h", str(self.primary.folder), "-p", str(REPLICA_PORT),
             "-U", "postgres", "-d", "bigsoc", "-Atc", sql],
            user=self.primary.user, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        return result.stdout.strip()

    def statements(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def reads_of(self, table: str) -> int:
        """How many statements reading `table` the replica has run (its statement log)."""
        return sum(
            1
            for line in self.statements().splitlines()
            if "statement: SELECT" in line and table in line
        )
