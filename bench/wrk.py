"""Drive `wrk` against one row of URLs and read back requests/s, latency percentiles and errors.

A Lua script rotates through the row's paths (one path for most pages, twenty for search) and
prints its figures as one JSON line at the end, so nothing depends on wrk's text layout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass

LUA = r"""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local cookie = os.getenv("BENCH_COOKIE")
local auth = os.getenv("BENCH_AUTHORIZATION")
local n = 0
request = function()
  n = n + 1
  local headers = {}
  if cookie and cookie ~= "" then headers["Cookie"] = cookie end
  if auth and auth ~= "" then headers["Authorization"] = auth end
  return wrk.format("GET", paths[(n % #paths) + 1], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


@dataclass
class Load:
    rate: float  # requests per second
    p50: float  # milliseconds
    p95: float
    p99: float
    errors: int


def ensure_wrk() -> str:
    """Path of wrk; installs Debian's package when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench: installing Debian's wrk …", file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False, env=env)
        if shutil.which("wrk") is None:
            subprocess.run(["apt-get", "update"], check=True, env=env)
            subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, env=env)
        return shutil.which("wrk")
    sys.exit("bench: wrk is missing. Install it with: sudo apt-get install wrk")


def run_wrk(
    wrk: str,
    base_url: str,
    paths: list[str],
    *,
    seconds: float,
    connections: int,
    threads: int = 1,
    cookie: str = "",
    authorization: str = "",
) -> Load:
    with tempfile.TemporaryDirectory(prefix="bigsoc-wrk-") as tmp:
        script = os.path.join(tmp, "rotate.lua")
        listing = os.path.join(tmp, "paths.txt")
        with open(script, "w") as f:
            f.write(LUA)
        with open(listing, "w") as f:
            f.write("\n".join(paths) + "\n")
        result = subprocess.run(
            [
                wrk,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds:g}s",
                "--timeout",
                "5s",
                "-s",
                script,
                base_url,
            ],  # fmt: skip
            env={
                **os.environ,
                "BENCH_PATHS": listing,
                "BENCH_COOKIE": cookie,
                "BENCH_AUTHORIZATION": authorization,
            },
            capture_output=True,
            text=True,
        )
    if result.returncode:
        sys.exit(f"bench: wrk failed: {result.stderr.strip() or result.stdout.strip()}")
    line = next(line for line in result.stdout.splitlines() if line.startswith('{"requests"'))
    data = json.loads(line)
    return Load(
        rate=data["requests"] / data["seconds"],
        p50=data["p50"],
        p95=data["p95"],
        p99=data["p99"],
        errors=data["errors"],
    )
