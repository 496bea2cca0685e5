"""One supervised child process: how it starts, when it is ready, how it stops."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

FIRST_BACKOFF = 0.5
MAX_BACKOFF = 10.0
STABLE_AFTER = 30.0  # a child that ran this long before it died starts again from FIRST_BACKOFF

# readiness probes go straight to 127.0.0.1, never through an HTTP proxy from the environment
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_url(host: str, port: int) -> str:
    """The URL of a server listening on host:port; a wildcard address is reached through 127.0.0.1."""
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@dataclass
class Child:
    """A child process in its own session, logging to its own file."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    port: int
    ready_path: str | None = "/readyz"  # None: ready once the port accepts connections
    host: str = "127.0.0.1"
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    backoff: float = FIRST_BACKOFF
    restart_at: float | None = None
    started_at: float = field(default=0.0)

    @property
    def url(self) -> str:
        return http_url(self.host, self.port)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def spawn(self) -> None:
        """Start the process; its stdout and stderr are appended to its log file."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            log.write(f"--- radar: starting {self.name} at {datetime.now(UTC).isoformat()}\n".encode())
            log.flush()
            # start_new_session: a terminal's Ctrl-C reaches only the launcher, which stops us in order
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started_at = time.monotonic()
        self.restart_at = None

    def exit_code(self) -> int | None:
        """The exit code once the process has ended, else None."""
        return self.process.poll() if self.process is not None else None

    def schedule_restart(self) -> float:
        """Note an unexpected exit; return the delay before the next start."""
        self.restarts += 1
        now = time.monotonic()
        if now - self.started_at > STABLE_AFTER:
            self.backoff = FIRST_BACKOFF
        delay = self.backoff
        self.restart_at = now + delay
        self.backoff = min(self.backoff * 2, MAX_BACKOFF)
        self.process = None
        return delay

    def is_ready(self) -> bool:
        """True when the readiness probe answers 200 (or the port accepts connections)."""
        if self.ready_path is None:
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    return True
            except OSError:
                return False
        try:
            with _opener.open(self.url + self.ready_path, timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def signal(self, sig: int) -> None:
        """Send a signal to the child's whole process group."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it ended a moment ago
                os.killpg(self.process.pid, sig)

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of the child's log, indented for the launcher's output."""
        try:
            text = self.log_path.read_bytes()[-20_000:].decode(errors="replace")
        except OSError:
            return "    (no log)"
        return "\n".join("    " + line for line in text.splitlines()[-lines:])


def stop_all(children: Iterable[Child], *, timeout: float = 10.0) -> None:
    """SIGTERM to every child at once, then SIGKILL to those still running after `timeout`."""
    running = [c for c in children if c.process is not None and c.process.poll() is None]
    for child in running:
        child.signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in running:
        assert child.process is not None
        try:
            child.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.signal(signal.SIGKILL)
            child.process.wait()
    for child in children:
        child.restart_at = None
