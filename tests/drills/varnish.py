"""Debian's Varnish 7 with varnish-modules' xkey, run by a drill in front of its app servers with
the VCL that ships in deploy/ (only the list of backends is the drill's own)."""

from __future__ import annotations

import contextlib
import http.client
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.drills.servers import HOST, AppServer, free_port
from tests.processes import ROOT

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VARNISHSTAT = shutil.which("varnishstat") or "/usr/bin/varnishstat"
VCL = ROOT / "deploy" / "varnish.vcl"


def missing() -> str | None:
    """Why Varnish cannot run here, or None."""
    if not Path(VARNISHD).exists():
        return "varnishd is missing: apt-get install varnish varnish-modules (make drill does)"
    if not list(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so")):
        return "varnish-modules (xkey) is missing: apt-get install varnish-modules"
    return None


class Varnish:
    def __init__(self, backends: list[AppServer], *, port: int | None = None):
        # Readable by Varnish's compiler whatever user it runs as; the socket path stays short.
        self.folder = Path(tempfile.mkdtemp(prefix="bigsoc-varnish-"))
        self.folder.chmod(0o755)
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        names = [f"app{n}" for n in range(1, len(backends) + 1)]
        lines = [
            'probe healthz { .url = "/healthz"; .interval = 1s; .timeout = 1s;'
            " .window = 2; .threshold = 1; }"
        ]
        lines += [
            f'backend {name} {{ .host = "{HOST}"; .port = "{server.port}"; .probe = healthz; }}'
            for name, server in zip(names, backends, strict=True)
        ]
        lines.append("sub vcl_init {\n    new app = directors.round_robin();")
        lines += [f"    app.add_backend({name});" for name in names]
        lines.append("}")
        backends_vcl = self.folder / "bigsoc-backends.vcl"
        backends_vcl.write_text("\n".join(lines) + "\n")
        backends_vcl.chmod(0o644)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def workdir(self) -> str:
        return str(self.folder / "n")

    def start(self, timeout: float = 30) -> Varnish:
        command = [
            VARNISHD, "-F", "-j", "none", "-n", self.workdir,
            "-a", f"{HOST}:{self.port}", "-f", str(VCL), "-p", f"vcl_path={self.folder}",
            "-s", "malloc,32m",
        ]  # fmt: skip
        log = open(self.folder / "varnishd.log", "ab")  # noqa: SIM115 (kept open by the child)
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"varnishd exited at start:\n{self.log()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return self
            time.sleep(0.2)
        raise AssertionError(f"Varnish did not answer within {timeout} s:\n{self.log()}")

    def counter(self, name: str) -> int:
        """One of varnishstat's counters (MAIN.cache_hit, MAIN.cache_miss …)."""
        result = subprocess.run(
            [VARNISHSTAT, "-n", self.workdir, "-1", "-f", name],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(result.stdout.split()[1])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def log(self) -> str:
        path = self.folder / "varnishd.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""
