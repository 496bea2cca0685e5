"""The launcher's lock and its run file, `<data dir>/run/radar.json`, which other commands read.

The lock is an flock on `<data dir>/run/radar.lock`: the kernel drops it when the holder
dies, however it dies, so a stale lock file never blocks the next start. A run file that
exists while nobody holds the lock was left by a launcher that was killed; the processes
it lists are stopped before a new launcher starts its own.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import psutil

from radar_cli.child import Child


class AlreadyRunning(Exception):
    """Another launcher holds the lock on this data directory."""


def run_dir(data_dir: Path) -> Path:
    return data_dir / "run"


def run_file(data_dir: Path) -> Path:
    return run_dir(data_dir) / "radar.json"


def acquire_lock(data_dir: Path) -> IO[str]:
    """Take the data directory's lock (kept while the returned file stays open)."""
    run_dir(data_dir).mkdir(parents=True, exist_ok=True)
    lock = open(run_dir(data_dir) / "radar.lock", "a+")  # noqa: SIM115 - held for the launcher's life
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = lock.read().strip() or "unknown"
        lock.close()
        raise AlreadyRunning(
            f"another radar (pid {holder}) is running on {data_dir}; stop it first, "
            "or set RADAR_DATA_DIR to another directory"
        ) from None
    lock.truncate(0)
    lock.write(str(os.getpid()))
    lock.flush()
    return lock


def is_locked(data_dir: Path) -> bool:
    """True while a launcher holds the lock on this data directory."""
    path = run_dir(data_dir) / "radar.lock"
    if not path.exists():
        return False
    with open(path) as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False


def read_running(data_dir: Path) -> dict[str, Any] | None:
    """What the running launcher wrote about itself, or None when no launcher is running."""
    path = run_file(data_dir)
    if not path.exists() or not is_locked(data_dir):
        return None
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return None  # a file being replaced right now: the caller may ask again


def process_identity(pid: int) -> dict[str, Any]:
    """A pid with its start time, so that a reused pid is never taken for ours."""
    try:
        return {"pid": pid, "created": psutil.Process(pid).create_time()}
    except psutil.Error:
        return {"pid": pid, "created": None}


def write_run_file(data_dir: Path, info: dict[str, Any]) -> None:
    """Replace the run file atomically, so readers never see half of it."""
    path = run_file(data_dir)
    tmp = path.with_suffix(".tmp")
    # 0600: an external Redis URL in it may carry a password
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(json.dumps(info, indent=2))
    tmp.replace(path)


def record_run(
    data_dir: Path,
    *,
    status: str,
    gateway_url: str,
    redis_url: str,
    children: Mapping[str, Child],
    valkey_pid: int | None,
    postgres_pid: int | None,
) -> None:
    """Write what runs now: the URLs, and each process with its identity (Valkey's too)."""
    pids = {name: c.pid for name, c in children.items() if c.pid}
    if valkey_pid is not None:
        pids["valkey"] = valkey_pid
    sink = children.get("smtp-sink")
    info = {
        "status": status,
        "launcher_pid": os.getpid(),
        "data_dir": str(data_dir),
        "gateway_url": gateway_url,
        "redis_url": redis_url,
        "services": {name: c.url for name, c in children.items() if name != "smtp-sink"},
        "smtp": {"host": "127.0.0.1", "port": sink.port} if sink else None,
        "mail_dir": str(data_dir / "mail"),
        "postgres_pid": postgres_pid,
        "processes": {name: process_identity(pid) for name, pid in pids.items()},
    }
    write_run_file(data_dir, info)


def remove_run_file(data_dir: Path) -> None:
    run_file(data_dir).unlink(missing_ok=True)


def stop_leftovers(data_dir: Path) -> list[str]:
    """Stop the processes a killed launcher left behind; return their names."""
    path = run_file(data_dir)
    if not path.exists():
        return []
    try:
        recorded = json.loads(path.read_text()).get("processes", {})
    except (OSError, ValueError):
        recorded = {}
    found: dict[str, psutil.Process] = {}
    for name, identity in recorded.items():
        try:
            process = psutil.Process(identity["pid"])
            created = identity.get("created")
            if created is not None and abs(process.create_time() - created) < 0.01:  # not a reused pid
                found[name] = process
        except psutil.Error:
            continue
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for process in found.values():
            _signal_group(process, sig)
        if not _wait_gone(list(found.values()), timeout=10):
            break
    remove_run_file(data_dir)
    return list(found)


def _signal_group(process: psutil.Process, sig: int) -> None:
    try:
        if os.getpgid(process.pid) == process.pid:  # our children lead their own sessions
            os.killpg(process.pid, sig)
        else:
            process.send_signal(sig)
    except (ProcessLookupError, psutil.NoSuchProcess):
        pass


def _wait_gone(processes: list[psutil.Process], *, timeout: float) -> list[psutil.Process]:
    """Those still running after the timeout; a zombie counts as gone (init reaps it when it will)."""
    deadline = time.monotonic() + timeout
    while True:
        running = [p for p in processes if _running(p)]
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.05)


def _running(process: psutil.Process) -> bool:
    try:
        return bool(process.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False
