"""A supervised process that dies is started again after a delay that grows (`Restarts`, used
for the children here and for the embedded servers in servers.py); and one child process of
`radar up`: how it starts, when it is ready, how it stops."""

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
class Restarts:
    """When a supervised process that died starts again: after a delay that doubles up to
    MAX_BACKOFF, and starts from FIRST_BACKOFF again if the process had run STABLE_AFTER."""

    count: int = 0
    backoff: float = FIRST_BACKOFF
    due_at: float | None = None  # set while the process is down and waits for its next start
    started_at: float | None = None  # None while it is down, or when its last start failed

    def started(self) -> None:
        """Note that the process has just been started."""
        self.started_at = time.monotonic()
        self.due_at = None

    def schedule(self) -> float:
        """Note an unexpected exit or a failed start; return the delay before the next start."""
        self.count += 1
        now = time.monotonic()
        if self.started_at is not None and now - self.started_at > STABLE_AFTER:
            self.backoff = FIRST_BACKOFF
        delay = self.backoff
        self.due_at = now + delay
        self.started_at = None
        self.backoff = min(self.backoff * 2, MAX_BACKOFF)
        return delay

    def is_due(self) -> bool:
        return self.due_at is not None and time.monotonic() >= self.due_at


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
    restarts: Restarts = field(default_factory=Restarts)

    @property
    def url(self) -> str:
        return http_url(self.host, self.port)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> None:
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
        self.restarts.started()

    def exit_code(self) -> int | None:
        """The exit code once the process has ended, else None."""
        return self.process.poll() if self.process is not None else None

    def ended(self) -> str | None:
        """How the process ended, for the launcher's output; None while it runs (or waits to start)."""
        code = self.exit_code()
        return None if code is None else f"exited with code {code}"

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
        child.restarts.due_at = None
