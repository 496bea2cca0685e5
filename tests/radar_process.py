"""`radar up` in a subprocess for the tests that need the whole system: e2e and browser."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

RADAR = Path(sys.executable).parent / "radar"
READY_LINE = "radar: ready in"


class Launcher:
    """`radar up` in a subprocess, with its output collected line by line."""

    def __init__(self, data_dir: Path, port: int, **extra_env: str) -> None:
        self.data_dir = data_dir
        self.url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("RADAR_")}
        env.update(RADAR_DATA_DIR=str(data_dir), RADAR_PORT=str(port), OTEL_RESOURCE_ATTRIBUTES="test=e2e")
        env.update(extra_env)
        self.process = subprocess.Popen(
            [str(RADAR), "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: list[str] = []
        self.last_info: dict[str, Any] = {}
        self.finished = False
        self._changed = threading.Condition()
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self.finished = True
            self._changed.notify_all()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float = 150.0) -> str:
        """The first output line containing text; fails if the launcher exits or time runs out."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [line for line in self.lines if text in line]
                if found:
                    return found[0]
                if self.finished or time.monotonic() > deadline:
                    raise AssertionError(f"no line with {text!r}; launcher output:\n{self.output}")
                self._changed.wait(0.5)

    def wait_until_ready(self) -> None:
        self.wait_for(READY_LINE)
        self.run_info()

    def run_info(self) -> dict[str, Any]:
        """The launcher's run file; kept, so that clean-up after a failed test knows the pids."""
        self.last_info = dict(json.loads((self.data_dir / "run" / "radar.json").read_text()))
        return self.last_info

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, and the exit code once it has stopped."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def force_stop(self) -> None:
        """Last resort after a failed test: nothing of this data directory may outlive it."""
        try:
            self.stop()
        except subprocess.TimeoutExpired:
            self.process.kill()
        recorded = self.last_info.get("processes", {}).values()
        for process in processes_mentioning(self.data_dir):
            process.kill()
        for identity in recorded:  # Valkey's command line does not name the data directory
            if alive(identity["pid"], identity["created"]):
                os.kill(identity["pid"], signal.SIGKILL)


def processes_mentioning(data_dir: Path) -> list[psutil.Process]:
    """Running processes whose command line contains the data directory."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if f"{data_dir}{os.sep}" in cmdline and process.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(process)
    return found


def alive(pid: int, created: float | None = None) -> bool:
    """True if the process still runs (a zombie or a reused pid does not count)."""
    try:
        process = psutil.Process(pid)
        if created is not None and abs(process.create_time() - created) > 0.01:
            return False
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def eventually_ready(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"{url} did not answer 200 within {timeout} s"
        time.sleep(0.2)
