"""wrk as the read load: fixed connections and threads, its own latency histogram read through
a small Lua `done` hook (_wrk_report.lua) that prints one JSON line, so that nothing parses
wrk's human summary."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from benchmarks._stats import per_second

WRK = shutil.which("wrk") or "/usr/bin/wrk"
CONNECTIONS = 64
THREADS = 2
MARK = "WRK_JSON "
REPORT_LUA = Path(__file__).with_name("_wrk_report.lua")  # prints MARK and the figures as JSON


@dataclass(frozen=True)
class WrkFigures:
    """One wrk run: rate, latency and everything that was not a clean 2xx/3xx answer."""

    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    bytes_per_request: int
    errors: dict[str, int]  # "status" counts answers other than 2xx/3xx

    @property
    def clean(self) -> bool:
        return not any(self.errors.values())


def parse_report(output: str) -> WrkFigures:
    """The figures from the JSON line REPORT_LUA prints; ValueError if wrk printed none."""
    line = next((ln for ln in output.splitlines() if ln.startswith(MARK)), None)
    if line is None:
        raise ValueError(f"wrk printed no report line:\n{output[-2000:]}")
    raw = json.loads(line[len(MARK) :])
    requests, seconds = int(raw["requests"]), raw["duration_us"] / 1e6
    return WrkFigures(
        requests=requests,
        seconds=round(seconds, 2),
        requests_per_second=per_second(requests, seconds),
        p50_ms=round(raw["p50_us"] / 1000, 1),
        p99_ms=round(raw["p99_us"] / 1000, 1),
        max_ms=round(raw["max_us"] / 1000, 1),
        bytes_per_request=int(raw["bytes"] // requests) if requests else 0,
        errors={k: int(v) for k, v in raw["errors"].items()},
    )


def run_wrk(url: str, *, seconds: float) -> WrkFigures:
    """wrk against url for `seconds` at CONNECTIONS connections on THREADS threads."""
    argv = [
        WRK, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s",
        "--timeout", "10s", "-s", str(REPORT_LUA), url,
    ]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return parse_report(done.stdout)


def wrk_version() -> str:
    """wrk's name and version as it prints them (`wrk debian/4.1.0-3 [epoll]`)."""
    done = subprocess.run([WRK, "-v"], capture_output=True, text=True, check=False)
    first = (done.stdout or done.stderr or "?").splitlines()[0]
    return first.split(" Copyright")[0].strip()
