"""`radar up` under faults: a killed Valkey or PostgreSQL is started again on the same port or
socket directory with its data, the services recover, and a stop then leaves nothing running.

The tests share one system (see conftest.py); each kill counts its own restart number, so
they work alone and in any order.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil
import pytest
import redis

from tests.radar_process import Launcher, alive, eventually_ready, processes_mentioning

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def eventually(check: Callable[[], bool], *, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.2)


def next_restart(system: Launcher, name: str) -> int:
    """The number the launcher gives the next restart of `name` (a failed start counts as one)."""
    numbers = re.findall(
        rf"^radar: {name}\b.*\(restart #(\d+)\)$", system.output, re.IGNORECASE | re.MULTILINE
    )
    return 1 + max(map(int, numbers), default=0)


def take_port(port: int) -> socket.socket:
    """Listen on the port as soon as it is free (a killed server lets go of it a moment later)."""
    deadline = time.monotonic() + 0.3
    while True:
        squatter = socket.socket()
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            squatter.bind(("127.0.0.1", port))
            squatter.listen()
            return squatter
        except OSError:
            squatter.close()
            assert time.monotonic() < deadline, f"port {port} still taken"
            time.sleep(0.005)


def wait_for_new_line(system: Launcher, text: str, *, seen: int, timeout: float = 30.0) -> None:
    """Wait for a line with `text` among those after the first `seen`."""
    deadline = time.monotonic() + timeout
    while not any(text in line for line in system.lines[seen:]):
        assert time.monotonic() < deadline, f"no new line with {text!r}; launcher output:\n{system.output}"
        time.sleep(0.2)


def socket_dir(data_dir: Path) -> str:
    """The socket directory of the PostgreSQL server running now (line 5 of postmaster.pid)."""
    return (data_dir / "postgres" / "postmaster.pid").read_text().splitlines()[4]


def still_running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def in_append_only_file(data_dir: Path, marker: bytes) -> bool:
    return any(marker in f.read_bytes() for f in (data_dir / "valkey").rglob("*.aof"))


def comment_is_accepted(gateway_url: str) -> bool:
    """A new participant's comment on a seeded measure answers 202."""
    body = {"body": f"Nach dem Ausfall noch da? {uuid.uuid4()}"}
    try:
        response = httpx.post(f"{gateway_url}/api/v1/measures/e-akte/comments", json=body, timeout=10)
    except httpx.HTTPError:
        return False
    return response.status_code == 202


def services_recover(system: Launcher) -> None:
    info = system.run_info()
    for url in info["services"].values():
        eventually_ready(url + "/readyz", timeout=90)
    gateway = info["gateway_url"]
    eventually(lambda: comment_is_accepted(gateway), what="a comment answered 202", timeout=30)


def kill_valkey(system: Launcher) -> dict[str, float]:
    """kill -9 the embedded Valkey; wait until the launcher has started a new one; its identity."""
    old = system.run_info()["processes"]["valkey"]
    restart = next_restart(system, "valkey")
    os.kill(old["pid"], signal.SIGKILL)
    system.wait_for(f"radar: valkey exited with code -9; restarting (restart #{restart})", timeout=30)
    eventually(
        lambda: system.run_info()["processes"].get("valkey", old)["pid"] != old["pid"], what="a new Valkey"
    )
    new: dict[str, float] = system.run_info()["processes"]["valkey"]
    assert alive(int(new["pid"]), new["created"])
    return new


def kill_postgres(system: Launcher) -> psutil.Process:
    """kill -9 the postmaster; wait until the launcher has started a new one; the new postmaster."""
    old = psutil.Process(system.run_info()["postgres_pid"])
    restart = next_restart(system, "postgresql")
    old.kill()
    system.wait_for(
        f"radar: postgresql exited (postmaster pid {old.pid}); restarting (restart #{restart})", timeout=30
    )
    return new_postmaster(system, old)


def new_postmaster(system: Launcher, old: psutil.Process) -> psutil.Process:
    """Wait until the run file names a running postmaster other than `old`; that one."""

    def started() -> bool:
        pid = system.run_info()["postgres_pid"]
        return pid is not None and pid != old.pid and alive(pid)

    eventually(started, what="a new postmaster")
    return psutil.Process(system.run_info()["postgres_pid"])


def test_killed_valkey_comes_back_on_its_port_with_its_data(system: Launcher) -> None:
    info = system.run_info()
    client = redis.Redis.from_url(info["redis_url"], socket_timeout=5)
    key, entry = f"fault-drill-{uuid.uuid4()}", f"entry-{uuid.uuid4()}"
    client.set(key, "kept")
    client.xadd("radar.fault-drill", {"entry": entry})
    # written to the file, not only in Valkey's memory: a kill -9 loses no more than that
    eventually(lambda: in_append_only_file(system.data_dir, entry.encode()), what="the entry in the AOF")
    assert in_append_only_file(system.data_dir, key.encode())

    kill_valkey(system)

    assert system.run_info()["redis_url"] == info["redis_url"]
    assert client.get(key) == b"kept"
    last = client.xrevrange("radar.fault-drill", count=1)
    assert last is not None and last[0][1] == {b"entry": entry.encode()}
    services_recover(system)


def test_killed_postgres_comes_back_on_its_socket_and_services_recover(system: Launcher) -> None:
    sockets_before = socket_dir(system.data_dir)
    old = psutil.Process(system.run_info()["postgres_pid"])
    old_children = old.children(recursive=True)

    kill_postgres(system)

    assert socket_dir(system.data_dir) == sockets_before
    services_recover(system)
    eventually(lambda: not any(still_running(p) for p in old_children), what="the old server processes end")


def test_valkey_whose_port_is_taken_is_tried_again_until_it_starts(system: Launcher) -> None:
    info = system.run_info()
    old = info["processes"]["valkey"]
    port = urlsplit(info["redis_url"]).port
    assert port is not None
    restart = next_restart(system, "valkey")
    seen = len(system.lines)
    os.kill(old["pid"], signal.SIGKILL)
    squatter = take_port(port)  # before the launcher's first try, half a second after it noticed
    try:
        system.wait_for(f"radar: valkey exited with code -9; restarting (restart #{restart})", timeout=30)
        wait_for_new_line(system, f"radar: Valkey did not start on port {port}", seen=seen)
    finally:
        squatter.close()

    eventually(
        lambda: system.run_info()["processes"].get("valkey", old)["pid"] != old["pid"], what="a new Valkey"
    )
    assert redis.Redis.from_url(info["redis_url"], socket_timeout=5).ping()
    services_recover(system)


def test_postgres_start_refused_while_old_server_processes_live_is_tried_again(system: Launcher) -> None:
    old = psutil.Process(system.run_info()["postgres_pid"])
    restart = next_restart(system, "postgresql")
    seen = len(system.lines)
    lingering = []
    for process in old.children():  # old server processes that hold on to the old shared memory
        try:
            process.suspend()
        except psutil.NoSuchProcess:  # a backend that ended a moment ago holds nothing
            continue
        lingering.append(process)
    try:
        old.kill()
        system.wait_for(
            f"radar: postgresql exited (postmaster pid {old.pid}); restarting (restart #{restart})"
        )
        wait_for_new_line(system, "radar: PostgreSQL did not start (", seen=seen)
        assert "pre-existing shared memory block" in (system.data_dir / "postgres" / "server.log").read_text()
    finally:
        for process in lingering:
            if still_running(process):
                process.resume()

    new_postmaster(system, old)
    services_recover(system)


def test_stop_after_restarts_stops_the_servers_running_now(system: Launcher) -> None:
    valkey = kill_valkey(system)
    postmaster = kill_postgres(system)
    info = system.run_info()
    assert info["processes"]["valkey"] == valkey
    recorded = [(p["pid"], p["created"]) for p in info["processes"].values()]
    postgres = [(p.pid, p.create_time()) for p in [postmaster, *postmaster.children(recursive=True)]]

    # a storm of stop signals, as from an impatient Ctrl-C: the launcher still stops in order
    for sig in [signal.SIGTERM, signal.SIGINT, signal.SIGHUP] * 100:
        os.kill(system.process.pid, sig)

    assert system.process.wait(60) == 0
    assert "radar: stopped" in system.output
    left = [pid for pid, created in recorded + postgres if alive(pid, created)]
    assert left == [], f"still running: {left}"
    assert processes_mentioning(system.data_dir) == []
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(info["redis_url"], socket_timeout=2).ping()
