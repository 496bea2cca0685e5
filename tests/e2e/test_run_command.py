"""`radar up` as a user runs it: everything starts, a killed service comes back, data survives a
restart, a second launcher is refused, and a stop leaves nothing running.

The tests share one running system (see conftest.py); the one that stops it makes the next
test start a new one, so every test works alone and in any order.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil
import pytest
import redis
from redis.exceptions import AuthenticationError, NoPermissionError, ResponseError

from radar_cli.embedded import free_port
from tests.radar_process import Launcher, alive, eventually_ready, processes_mentioning

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def test_second_launcher_on_same_data_dir_is_refused(system: Launcher) -> None:
    before = system.run_info()
    second = Launcher(system.data_dir, free_port())
    assert second.process.wait(60) == 1
    second.wait_for("is running on")
    assert f"another radar (pid {before['launcher_pid']}) is running on {system.data_dir}" in second.output
    assert system.process.poll() is None
    assert system.run_info()["processes"] == before["processes"]
    eventually_ready(before["gateway_url"] + "/readyz", timeout=5)


def test_killed_service_is_restarted_and_logged(system: Launcher) -> None:
    info = system.run_info()
    os.kill(info["processes"]["participation"]["pid"], signal.SIGKILL)

    system.wait_for("radar: participation exited with code -9; restarting (restart #1)", timeout=30)
    eventually_ready(info["services"]["participation"] + "/readyz")
    new_pid = system.run_info()["processes"]["participation"]["pid"]
    assert new_pid != info["processes"]["participation"]["pid"]
    assert alive(new_pid)


def test_each_service_gets_its_own_database_url_and_its_settings(system: Launcher) -> None:
    info = system.run_info()
    envs = {name: psutil.Process(info["processes"][name]["pid"]).environ() for name in info["services"]}

    for name, env in envs.items():
        assert [k for k in env if k.endswith("_DATABASE_URL")] == [f"RADAR_{name.upper()}_DATABASE_URL"]
        assert env["RADAR_CONSUMER_NAME"] == f"{name}-1"
        assert env["OTEL_SERVICE_NAME"] == name
        assert env["OTEL_RESOURCE_ATTRIBUTES"] == "test=e2e"
        assert urlsplit(env["RADAR_REDIS_URL"]).username == name  # its own Valkey user
        assert env["RADAR_ENV"] == "development"
    assert len({env["RADAR_INTERNAL_TOKEN_SECRET"] for env in envs.values()}) == 1
    assert envs["notifications"]["RADAR_SMTP_PORT"] == str(info["smtp"]["port"])
    assert envs["catalog"]["RADAR_CATALOG_SEED"] == "munich"
    for backend in ("catalog", "participation", "moderation", "notifications"):
        assert envs["gateway"][f"RADAR_{backend.upper()}_URL"] == info["services"][backend]
    assert envs["gateway"]["RADAR_SESSION_SECRET"]


def test_each_service_reaches_valkey_as_its_own_user_and_nobody_without_a_password(system: Launcher) -> None:
    info = system.run_info()
    urls = {
        name: urlsplit(psutil.Process(info["processes"][name]["pid"]).environ()["RADAR_REDIS_URL"])
        for name in info["services"]
    }
    admin = urlsplit(info["redis_url"])  # the run file's: the administrator's, for the radar commands
    assert admin.username == "default"
    for name, url in urls.items():
        assert (url.username, url.hostname, url.port) == (name, admin.hostname, admin.port)
    passwords = [url.password for url in [admin, *urls.values()]]
    assert all(passwords) and len(set(passwords)) == len(passwords)

    participation = redis.Redis.from_url(urls["participation"].geturl(), socket_timeout=5)
    assert participation.xlen("radar.dlq.comment.approved") == 0
    with pytest.raises(NoPermissionError):
        participation.xadd("radar.comment.approved", {"forged": "decision"})
    with pytest.raises(NoPermissionError):
        participation.set("radar:session:" + "0" * 64, '{"roles": ["admin"]}')
    with pytest.raises((AuthenticationError, ResponseError)):
        redis.Redis(host=str(admin.hostname), port=admin.port, socket_timeout=5).ping()
    assert redis.Redis.from_url(info["redis_url"], socket_timeout=5).ping()
    acl_file = system.data_dir / "valkey" / "users.acl"
    assert acl_file.stat().st_mode & 0o777 == 0o600
    assert not any(str(p) in acl_file.read_text() for p in passwords), "only the passwords' hashes"


def test_run_starts_everything_and_stops_cleanly_on_sigterm(system: Launcher) -> None:
    info = system.run_info()
    assert info["status"] == "ready"
    assert set(info["services"]) == {"catalog", "participation", "moderation", "notifications", "gateway"}
    for url in [info["gateway_url"], *info["services"].values()]:
        assert httpx.get(url + "/healthz", timeout=5).status_code == 200, url
    recorded = [(p["pid"], p["created"]) for p in info["processes"].values()]
    postmaster = psutil.Process(info["postgres_pid"])
    postgres = [(p.pid, p.create_time()) for p in [postmaster, *postmaster.children(recursive=True)]]
    assert "valkey" in info["processes"]

    assert system.stop(timeout=30) == 0

    assert "radar: stopped" in system.output
    left = [pid for pid, created in recorded + postgres if alive(pid, created)]
    assert left == [], f"still running: {left}"
    assert processes_mentioning(system.data_dir) == []
    assert not (system.data_dir / "run" / "radar.json").exists()


def test_data_survives_a_restart(tmp_path: Path) -> None:
    first = Launcher(tmp_path, free_port())
    try:
        first.wait_until_ready()
        secrets_before = (tmp_path / "secrets.json").read_text()
        assert "(shown only this once)" in first.output
        assert first.stop() == 0
    finally:
        first.force_stop()

    second = Launcher(tmp_path, free_port())
    try:
        second.wait_until_ready()
        assert (tmp_path / "secrets.json").read_text() == secrets_before
        assert "shown only this once" not in second.output
        assert "the password printed at its first start" in second.output
        eventually_ready(second.run_info()["gateway_url"] + "/readyz", timeout=5)
        assert second.stop() == 0
    finally:
        second.force_stop()
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600
