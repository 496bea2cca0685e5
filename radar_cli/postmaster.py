"""A PostgreSQL data directory's postmaster: which process it is, how it is stopped, and the
lock files a killed one leaves behind, which would otherwise keep the next one from starting.

The postmaster is found through line 1 of `<pgdata>/postmaster.pid`; a zombie (a dead
postmaster that nobody has reaped yet) does not count as running. Stopping is what
`pg_ctl stop -m fast` does, SIGINT and a wait, but done as ourselves: pg_ctl runs as the
unprivileged user, which may have lost access to the folders above the data directory
(a test runner tightens /tmp/pytest-of-root while a server runs, for instance).
"""

from __future__ import annotations

import contextlib
import signal
import time
from pathlib import Path

import psutil


def first_line(path: Path) -> str:
    """The first line of a lock file; empty when it is missing or being written."""
    try:
        return path.read_text().split("\n", 1)[0].strip()
    except OSError:
        return ""


def postmaster_pid(pgdata: Path) -> int | None:
    """The pid in postmaster.pid, whether that process still runs or not."""
    first = first_line(pgdata / "postmaster.pid")
    return int(first) if first.isdigit() else None


def running(process: psutil.Process) -> bool:
    """True while the process runs; False once it ended, is a zombie, or its pid was reused."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def running_postmaster(pgdata: Path) -> psutil.Process | None:
    """The postmaster running now on this data directory, or None."""
    pid = postmaster_pid(pgdata)
    try:
        process = psutil.Process(pid) if pid is not None else None
        # a pid from an old file may belong to another program by now: never signal that one
        is_postgres = process is not None and process.name() == "postgres"
    except psutil.NoSuchProcess:
        return None
    return process if process is not None and is_postgres and running(process) else None


def stop_postmaster(process: psutil.Process, *, timeout: float = 60.0) -> None:
    """Fast shutdown (sessions are ended, data is kept); wait until the postmaster has ended."""
    with contextlib.suppress(psutil.NoSuchProcess):
        process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + timeout
    while running(process):
        if time.monotonic() > deadline:
            raise RuntimeError(f"PostgreSQL (pid {process.pid}) did not stop within {timeout:.0f} s")
        time.sleep(0.05)


def remove_stale_lock_files(pgdata: Path, socket_dir: Path | None) -> None:
    """Remove the lock files of a postmaster that is not running (PostgreSQL takes a zombie's pid
    for a running server). Safe: a new postmaster still refuses to start while an old server
    process is attached to the old shared memory, which it finds through the data directory,
    not through these files."""
    pid = postmaster_pid(pgdata)
    if pid is None or running_postmaster(pgdata) is not None:
        return
    locks = [pgdata / "postmaster.pid"]
    if socket_dir is not None:
        locks += [p for p in socket_dir.glob(".s.PGSQL.*.lock") if first_line(p) == str(pid)]
    for lock in locks:
        lock.unlink(missing_ok=True)
