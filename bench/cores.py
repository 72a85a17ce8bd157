"""Where an import's CPU went: how busy each core was, and the CPU seconds of each process.

    with CoreWatch(database="bigsoc_bench", root_pid=process.pid) as watch:
        ...                                   # the import runs
    watch.busy()     # [97.0, 95.5]: per core, % of the time not idle (/proc/stat deltas)
    watch.seconds()  # {"importer": 21.9, "preparing": 4.5, "PostgreSQL": [16.9, 8.4, 8.3]}

Linux only (/proc). Core figures are machine-wide: on a shared machine they include the
neighbours' work, so the load average printed in the table's header says how far to trust them.
Process figures are the import's own: its process tree (importer, preparing process) and the
PostgreSQL backends connected to its database, sampled every SAMPLE_S (a backend's last
fraction of a sample before it exits is lost).
"""

from __future__ import annotations

import os
import threading
from urllib.parse import urlsplit, urlunsplit

SAMPLE_S = 0.2
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def core_times() -> list[tuple[int, int]]:
    """(total, idle) jiffies per core, from /proc/stat."""
    cores = []
    with open("/proc/stat") as stat:
        for line in stat:
            if line.startswith("cpu") and line[3].isdigit():
                values = [int(v) for v in line.split()[1:9]]
                cores.append((sum(values), values[3] + values[4]))  # idle + iowait
    return cores


def process_seconds(pid: int) -> float | None:
    """User + system CPU seconds of `pid` so far, None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


class CoreWatch:
    """Samples, in a thread, the cores and the import's processes (see the module docstring)."""

    def __init__(self, *, database_url: str, root_pid: int):
        import psycopg

        parts = urlsplit(database_url)
        self._database = parts.path.lstrip("/")
        self._monitor = psycopg.connect(
            urlunsplit(parts._replace(path="/postgres")), autocommit=True
        )
        self._root = root_pid
        self._seen: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> CoreWatch:
        self._start = core_times()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._end = core_times()
        self._monitor.close()

    def _run(self) -> None:
        while True:
            self._sample()
            if self._stop.wait(SAMPLE_S):
                return

    def _sample(self) -> None:
        pids = [(self._root, "importer")]
        pids += [(pid, "preparing") for pid in self._tree(self._root)]
        backends = self._monitor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [self._database],
        ).fetchall()
        pids += [(pid, "PostgreSQL") for (pid,) in backends]
        for pid, kind in pids:
            if (seconds := process_seconds(pid)) is not None:
                self._seen[pid] = (kind, seconds)

    def _tree(self, pid: int) -> list[int]:
        found = []
        for child in children(pid):
            found += [child, *self._tree(child)]
        return found

    def busy(self) -> list[float]:
        """Per core, the % of the watched time it was not idle."""
        result = []
        for (total0, idle0), (total1, idle1) in zip(self._start, self._end, strict=True):
            total = total1 - total0
            result.append(100 * (total - (idle1 - idle0)) / total if total else 0.0)
        return result

    def seconds(self) -> dict[str, list[float]]:
        """CPU seconds per process (over 0.05 s), grouped by kind, biggest first."""
        kinds: dict[str, list[float]] = {}
        for kind, seconds in self._seen.values():
            if seconds >= 0.05:
                kinds.setdefault(kind, []).append(seconds)
        return {kind: sorted(values, reverse=True) for kind, values in kinds.items()}

    def describe(self) -> str:
        """One line: 'CPU s: importer 21.9, preparing 4.5, PostgreSQL 33.6 (16.9 + 8.4 + 8.3)'."""
        parts = []
        for kind, values in self.seconds().items():
            each = f" ({' + '.join(f'{v:.1f}' for v in values)})" if len(values) > 1 else ""
            parts.append(f"{kind} {sum(values):.1f}{each}")
        return "CPU s: " + ", ".join(parts)
