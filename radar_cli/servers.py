"""The embedded servers under supervision: one that dies is started again on the same port or
socket directory with the same data, so the URLs the services were given stay valid.

Valkey is our child, so its exit code says how it ended. PostgreSQL's postmaster is started
by pg_ctl and is not our child: it is watched as the process it was right after its start
(pid and start time, so that a reused pid is never taken for it). A start that fails is
tried again after the same growing delay as a service's. External servers (RADAR_REDIS_URL,
RADAR_DATABASE_ADMIN_URL) are not ours, and nothing here watches them.
"""

from __future__ import annotations

import subprocess
from typing import Protocol

import psutil

from radar_cli.child import Restarts
from radar_cli.embedded import EmbeddedPostgres
from radar_cli.postmaster import running
from radar_cli.valkey import EmbeddedValkey


class StartFailed(Exception):
    """A server did not start; the message says why."""


class Supervised(Protocol):
    """What the launcher watches and starts again: a child process or an embedded server."""

    name: str
    restarts: Restarts

    def start(self) -> None: ...

    def ended(self) -> str | None:
        """How it ended, for the launcher's output; None while it runs (or waits to start)."""


class ValkeyServer:
    """The embedded Valkey, watched through its process."""

    name = "valkey"

    def __init__(self, valkey: EmbeddedValkey) -> None:
        self.valkey = valkey
        self.restarts = Restarts()

    @property
    def pid(self) -> int | None:
        process = self.valkey.process
        return process.pid if process is not None and process.poll() is None else None

    def start(self) -> None:
        """Start Valkey on its port with its append-only file, and wait until it answers."""
        try:
            self.valkey.start()
        except (RuntimeError, TimeoutError, OSError) as exc:
            raise StartFailed(f"Valkey did not start on port {self.valkey.port}: {exc}") from None
        self.restarts.started()

    def ended(self) -> str | None:
        process = self.valkey.process
        code = process.poll() if process is not None else None
        return None if code is None else f"exited with code {code}"

    def stop(self) -> None:
        """Stop the Valkey running now, whichever start made it."""
        self.valkey.stop()


class PostgresServer:
    """The embedded PostgreSQL, watched through its postmaster."""

    name = "postgresql"

    def __init__(self, pg: EmbeddedPostgres) -> None:
        """Watch the postmaster running now, which Databases.start started."""
        self.pg = pg
        self.restarts = Restarts()
        self.postmaster = self._running_postmaster()

    def _running_postmaster(self) -> psutil.Process:
        postmaster = self.pg.postmaster()
        if postmaster is None:
            raise StartFailed(f"PostgreSQL ended right after its start; see {self.pg.pgdata}/server.log")
        self.restarts.started()
        return postmaster

    def start(self) -> None:
        """Start PostgreSQL on its data and socket directory, and wait until it accepts connections."""
        try:
            self.pg.start()
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            said = " ".join(str(exc).split())  # pg_ctl's lines, on one line
            raise StartFailed(f"PostgreSQL did not start ({said}); see {self.pg.pgdata}/server.log") from None
        self.postmaster = self._running_postmaster()

    def ended(self) -> str | None:
        if running(self.postmaster):
            return None
        return f"exited (postmaster pid {self.postmaster.pid})"
