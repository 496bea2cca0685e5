"""`radar up` with RADAR_PROCESSES: two processes of participation, moderation and the gateway.

Each process is a consumer of its service's groups under its own name, the groups share the
entries and apply each once; the gateway's processes share the public port; a killed process
is started again; a stop leaves none of them running; a bad setting stops the start at once.
The tests share one system, started again for the next test when a test stopped it.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from radar_cli.databases import DEFAULT_PREFIX, database_name
from radar_cli.embedded import EmbeddedPostgres, free_port
from radar_cli.processes import port_is_free
from tests.e2e.conftest import SharedSystem, shared_systems
from tests.radar_process import Launcher, alive, eventually_ready, processes_mentioning

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
PROCESSES = "participation=2,moderation=2,gateway=2"
ADMIN_PASSWORD = "replicas-test-password-1"
COMMENTS = 30
SUBMITTED, APPROVED = "radar.comment.submitted", "radar.comment.approved"


@pytest.fixture(scope="module")
def systems(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedSystem]:
    replicas = SharedSystem(
        tmp_path_factory,
        RADAR_PROCESSES=PROCESSES,
        RADAR_ADMIN_PASSWORD=ADMIN_PASSWORD,
        RADAR_COMMENTS_PER_WINDOW="1000000",
    )
    with shared_systems(replicas) as shared:
        yield shared


@pytest.fixture
def system(systems: SharedSystem) -> Launcher:
    return systems.running()


def eventually(check: Callable[[], bool], *, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.25)


def deliveries(url: str, stream: str) -> Counter[str]:
    """What became of the deliveries of `stream` in the process at `url`, by outcome (its /metrics)."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    found: Counter[str] = Counter()
    for family in text_string_to_metric_families(text):
        if family.name == "radar_event_handler_duration_seconds":
            for sample in family.samples:
                if sample.name.endswith("_count") and sample.labels["stream"] == stream:
                    found[sample.labels["outcome"]] += int(sample.value)
    return found


def sql_count(system: Launcher, service: str, statement: str) -> int:
    pg = EmbeddedPostgres(system.data_dir)
    assert pg.attach()
    return int(pg.psql(statement, database=database_name(DEFAULT_PREFIX, service)).strip())


def in_list(ids: list[str]) -> str:
    return "(" + ",".join(f"'{i}'" for i in ids) + ")"  # uuids from the gateway's answers


def post_comments(url: str, count: int) -> list[str]:
    with httpx.Client(base_url=url, timeout=30) as client:
        answers = [
            client.post("/api/v1/measures/e-akte/comments", json={"body": f"Replikat-Test Nummer {n}."})
            for n in range(count)
        ]
    assert [a.status_code for a in answers] == [202] * count, answers[0].text
    return [str(a.json()["id"]) for a in answers]


def approve(url: str, ids: list[str]) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        login = {"email": "admin@example.org", "password": ADMIN_PASSWORD}
        client.post("/api/v1/auth/login", json=login).raise_for_status()
        client.headers["X-CSRF-Token"] = client.cookies["radar_csrf"]
        for comment_id in ids:
            decision = {"decision": "approve"}
            r = client.post(f"/api/v1/moderation/comments/{comment_id}/decision", json=decision)
            assert r.status_code == 200, r.text


def consumers(system: Launcher, stream: str, group: str) -> dict[str, dict[str, object]]:
    admin = redis.Redis.from_url(system.run_info()["redis_url"], socket_timeout=5, decode_responses=True)
    return {c["name"]: c for c in admin.xinfo_consumers(stream, group)}


def test_each_process_is_a_child_of_its_own_with_its_own_consumer_name(system: Launcher) -> None:
    info = system.run_info()
    names = {"participation", "participation-2", "moderation", "moderation-2", "gateway", "gateway-2"}
    assert names <= set(info["processes"]) and names <= set(info["services"])
    for name in names:
        service, _, number = name.partition("-")
        env = psutil.Process(info["processes"][name]["pid"]).environ()
        assert env["RADAR_CONSUMER_NAME"] == f"{service}-{number or 1}"
        assert env["OTEL_SERVICE_NAME"] == service
        eventually_ready(info["services"][name] + "/readyz", timeout=5)  # each asked on its own port
        assert (system.data_dir / "logs" / f"{name}.log").exists()
    assert "catalog-2" not in info["processes"] and "notifications-2" not in info["processes"]


def test_the_processes_of_a_group_share_its_entries_and_apply_each_comment_once(system: Launcher) -> None:
    info = system.run_info()
    url, own = info["gateway_url"], info["services"]
    moderation, participation = ("moderation", "moderation-2"), ("participation", "participation-2")
    before = {name: deliveries(own[name], SUBMITTED) for name in moderation}
    before |= {name: deliveries(own[name], APPROVED) for name in participation}

    ids = post_comments(url, COMMENTS)
    queued = f"SELECT count(*) FROM queue_items WHERE comment_id IN {in_list(ids)}"
    eventually(lambda: sql_count(system, "moderation", queued) >= COMMENTS, what="all comments queued")
    approve(url, ids)
    published = f"SELECT count(*) FROM comments WHERE comment_id IN {in_list(ids)} AND status = 'published'"
    eventually(lambda: sql_count(system, "participation", published) == COMMENTS, what="all published")

    submitted = {name: deliveries(own[name], SUBMITTED) - before[name] for name in moderation}
    approved = {name: deliveries(own[name], APPROVED) - before[name] for name in participation}
    for handled in (submitted, approved):
        assert sum(h["ok"] for h in handled.values()) == COMMENTS, handled  # each entry applied once
        assert all(h["ok"] > 0 for h in handled.values()), f"one process took every entry: {handled}"
        assert not any(set(h) - {"ok"} for h in handled.values()), handled  # no duplicate, no failure
    assert sql_count(system, "moderation", queued) == COMMENTS
    announced = (
        "SELECT count(*) FROM outbox WHERE stream = 'radar.comment.published'"
        f" AND body::jsonb #>> '{{payload,comment_id}}' IN {in_list(ids)}"
    )
    assert sql_count(system, "participation", announced) == COMMENTS  # published once each
    for stream, group in ((SUBMITTED, "moderation"), (APPROVED, "participation")):
        found = consumers(system, stream, group)
        assert set(found) == {f"{group}-1", f"{group}-2"}, found
        assert all(c["pending"] == 0 for c in found.values()), found
        assert all(c["inactive"] != -1 for c in found.values()), f"one never read an entry: {found}"


def test_the_gateway_processes_share_the_public_port(system: Launcher) -> None:
    info = system.run_info()
    for _ in range(40):  # a new connection each time: the kernel picks a process per connection
        assert httpx.get(info["gateway_url"] + "/healthz", timeout=10).status_code == 200
    for name in ("gateway", "gateway-2"):
        text = httpx.get(info["services"][name] + "/metrics", timeout=10).text
        served = [
            sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == "radar_http_request_duration_seconds_count"
            and sample.labels["route"] == "/healthz"
        ]
        assert sum(served) > 0, f"{name} served none of the requests"


@pytest.mark.parametrize("name", ["participation-2", "gateway-2"])
def test_a_killed_process_of_a_service_is_started_again_under_its_name(system: Launcher, name: str) -> None:
    info = system.run_info()
    old = info["processes"][name]["pid"]
    seen = len(system.lines)
    os.kill(old, signal.SIGKILL)

    eventually(
        lambda: any(f"radar: {name} exited with code -9; restarting" in line for line in system.lines[seen:]),
        what=f"the launcher noticed {name}",
    )
    eventually_ready(info["services"][name] + "/readyz")
    new = system.run_info()["processes"][name]["pid"]
    assert new != old and alive(new)
    service, _, number = name.partition("-")
    assert psutil.Process(new).environ()["RADAR_CONSUMER_NAME"] == f"{service}-{number}"
    assert httpx.get(info["gateway_url"] + "/readyz", timeout=10).status_code == 200


def test_sigterm_stops_every_process_of_every_service(system: Launcher) -> None:
    info = system.run_info()
    recorded = [(p["pid"], p["created"]) for p in info["processes"].values()]
    assert len(recorded) == 10  # 5 services + 3 second processes, the SMTP sink, Valkey
    port = int(info["gateway_url"].rsplit(":", 1)[1])

    assert system.stop(timeout=60) == 0

    assert "radar: stopped" in system.output
    left = [pid for pid, created in recorded if alive(pid, created)]
    assert left == [], f"still running: {left}"
    assert processes_mentioning(system.data_dir) == []
    assert port_is_free("127.0.0.1", port)


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ("participation=0", "'participation=0': the count must be a whole number from 1 to 8"),
        ("moderation=two", "'moderation=two': the count must be a whole number from 1 to 8"),
        ("billing=2", "'billing=2' is not <service>=<count> with a service of catalog, participation"),
        ("participation=2,participation=3", "participation is named twice"),
    ],
)
def test_a_bad_processes_setting_stops_the_start_with_a_clear_error(
    tmp_path: Path, setting: str, said: str
) -> None:
    launcher = Launcher(tmp_path, free_port(), RADAR_PROCESSES=setting)
    try:
        assert launcher.process.wait(60) == 1
        launcher.wait_for("RADAR_PROCESSES", timeout=5)
        assert f"radar: RADAR_PROCESSES: {said}" in launcher.output
        assert not (tmp_path / "logs").exists(), "nothing was started"
        assert not (tmp_path / "postgres").exists()
    finally:
        launcher.force_stop()
