"""The system under drill: `radar up` on its own data directory, its status, its database server,
and the check that nothing of it outlives the stop."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from radar_cli.embedded import EmbeddedPostgres
from radar_cli.processes import free_port
from tests.radar_process import Launcher, alive, processes_mentioning

RADAR = Path(sys.executable).parent / "radar"
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception)\w*(: |$)")  # the last line of a traceback


@dataclass(frozen=True)
class Settings:
    """What the drill sets in the launcher's environment, and how hard it pushes."""

    claim_idle_ms: int = 2000
    max_deliveries: int = 3
    rate: float = 6.0  # comments per second, all participants together
    participants: int = 10
    block_seconds: float = 20.0  # longer than max_deliveries x claim_idle_ms
    pause_seconds: float = 5.0  # between a recovery and the next fault
    recovery_timeout: float = 90.0
    quiet_timeout: float = 150.0

    def env(self, admin_password: str) -> dict[str, str]:
        return {
            "RADAR_HOST": "127.0.0.1",
            "RADAR_ADMIN_PASSWORD": admin_password,
            "RADAR_CLAIM_IDLE_MS": str(self.claim_idle_ms),
            "RADAR_MAX_DELIVERIES": str(self.max_deliveries),
            # the gateway's comment limits, high enough that the drill does not measure the limiter
            "RADAR_COMMENTS_PER_WINDOW": "1000000",
        }


class System:
    """One `radar up` for the drill; every call here blocks (run it in a thread from async code)."""

    def __init__(self, data_dir: Path, settings: Settings, admin_password: str) -> None:
        self.data_dir = data_dir
        self.launcher = Launcher(data_dir, free_port(), **settings.env(admin_password))
        self.url = self.launcher.url

    def wait_until_ready(self) -> None:
        self.launcher.wait_until_ready()

    def run_info(self) -> dict[str, Any]:
        """The run file as the launcher wrote it last (read again until it parses)."""
        deadline = time.monotonic() + 10
        while True:
            try:
                return self.launcher.run_info()
            except (OSError, ValueError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def status(self) -> dict[str, Any]:
        """`radar status --json` of the running system; {"error": ...} when it cannot be read."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("RADAR_")}
        env["RADAR_DATA_DIR"] = str(self.data_dir)
        try:
            done = subprocess.run(
                [str(RADAR), "status", "--json"], env=env, capture_output=True, text=True, timeout=60
            )
            return dict(json.loads(done.stdout))
        except (subprocess.TimeoutExpired, ValueError) as exc:
            return {"error": f"{type(exc).__name__}: {exc}"}

    def sql(self, statement: str) -> str:
        """Run SQL as the PostgreSQL superuser (password from secrets.json, socket from postmaster.pid)."""
        pg = EmbeddedPostgres(self.data_dir)
        if not pg.attach():
            raise RuntimeError("no PostgreSQL server runs on the data directory")
        return pg.psql(statement).strip()

    def restart_lines(self) -> list[str]:
        return [line for line in self.launcher.lines if "restart" in line]

    def stop(self) -> list[str]:
        """SIGTERM the launcher, then name (and SIGKILL) whatever of the run still runs."""
        with contextlib.suppress(OSError, ValueError):  # no run file: the last one read stays
            self.run_info()
        recorded = dict(self.launcher.last_info.get("processes") or {})
        postmaster = self.launcher.last_info.get("postgres_pid")
        try:
            self.launcher.stop(timeout=90)
        except subprocess.TimeoutExpired:
            self.launcher.process.kill()
            self.launcher.process.wait(10)
        time.sleep(1)  # the launcher has waited for its children; give init a moment to reap
        left = [f"pid {p.pid}: {' '.join(p.cmdline())[:120]}" for p in processes_mentioning(self.data_dir)]
        for name, identity in recorded.items():  # Valkey's command line does not name the data dir
            if alive(identity["pid"], identity["created"]):
                left.append(f"{name} (pid {identity['pid']})")
        if postmaster and alive(int(postmaster)):
            left.append(f"postmaster (pid {postmaster})")
        if left:
            self.kill_leftovers(recorded)
        return sorted(set(left))

    def kill_leftovers(self, recorded: dict[str, Any]) -> None:
        """Last resort: SIGKILL every process of this run."""
        if self.launcher.process.poll() is None:
            self.launcher.process.kill()
        for process in processes_mentioning(self.data_dir):
            process.kill()
        for identity in recorded.values():
            if alive(identity["pid"], identity["created"]):
                os.kill(identity["pid"], signal.SIGKILL)

    def log_findings(self, *, limit: int = 8) -> dict[str, list[str]]:
        """Per log file, the most frequent lines that name an error, a dead letter or an exception."""
        found: dict[str, list[str]] = {}
        for log in sorted((self.data_dir / "logs").glob("*.log")):
            lines = Counter(
                line.strip()[:240]
                for line in log.read_text(errors="replace").splitlines()
                if "ERROR" in line or "dead-letter" in line or EXCEPTION_LINE.match(line)
            )
            if lines:
                found[log.name] = [f"{n}× {line}" for line, n in lines.most_common(limit)]
        return found
