"""`radar status` and `radar dlq list` against a run file that points at real servers."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from redis import Redis

from radar_cli.databases import service_database
from radar_cli.embedded import EmbeddedPostgres
from radar_cli.main import build_parser
from radar_cli.runfile import acquire_lock, write_run_file
from radar_lib.db import migrate

pytestmark = pytest.mark.integration


class Readyz(BaseHTTPRequestHandler):
    """A service's /readyz that answers what the test sets."""

    answer: ClassVar[tuple[int, dict[str, Any]]] = (200, {})

    def do_GET(self) -> None:
        code, body = self.answer
        raw = json.dumps(body).encode()
        self.send_response(code if self.path == "/readyz" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def service_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Readyz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run(*argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    return int(args.func(args))


def test_status_exit_code_follows_what_needs_a_look(
    pg: EmbeddedPostgres,
    redis_url: str,
    service_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data_dir = tmp_path / "data"
    env = {
        "RADAR_DATA_DIR": str(data_dir),
        "RADAR_DATABASE_ADMIN_URL": pg.admin_dsn(),
        "RADAR_DATABASE_PREFIX": f"status_{uuid.uuid4().hex[:8]}",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for service in ("catalog", "gateway"):
        with service_database(data_dir, env, service) as dsn:
            asyncio.run(migrate(dsn, service_migrations=tmp_path))
    lock = acquire_lock(data_dir)
    try:
        write_run_file(
            data_dir, {"redis_url": redis_url, "services": {"catalog": service_url, "gateway": service_url}}
        )
        relay = {"outbox-relay": {"state": "running", "restarts": 1, "last_error": None}}
        Readyz.answer = (200, {"status": "ready", "tasks": relay})
        with Redis.from_url(redis_url) as redis:
            redis.xadd("radar.measure.updated", {"n": "1"})
            redis.xadd("radar.measure.updated", {"n": "2"})
            redis.xgroup_create("radar.measure.updated", "participation", id="0")

            assert run("status") == 0
            out = capsys.readouterr().out
            assert "radar.measure.updated  participation    2        0" in out
            assert "task outbox-relay: running, 1 restart(s)" in out

            redis.xadd("radar.dlq.comment.submitted", {"error": "boom"})
            Readyz.answer = (503, {"status": "unready", "database": "unavailable: TimeoutError"})
            assert run("status", "--json") == 1
        printed = capsys.readouterr()
    finally:
        lock.close()
    report = json.loads(printed.out)
    assert [o["figures"]["backlog"] for o in report["outboxes"]] == [0, 0]
    assert report["problems"] == [
        "catalog is not ready (503 unready)",
        "gateway is not ready (503 unready)",
        "1 dead letter(s) on radar.dlq.comment.submitted",
    ]
    assert printed.err.splitlines() == [f"radar: {problem}" for problem in report["problems"]]


def test_status_of_a_system_that_is_not_running_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RADAR_DATA_DIR", str(tmp_path))

    assert run("status") == 1

    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err == f"radar: the system is not running on {tmp_path} (start it with `radar up`)\n"


def test_dlq_list_shows_real_totals_while_the_listing_stays_capped(
    redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RADAR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RADAR_REDIS_URL", redis_url)
    letter = {"stream": "radar.comment.submitted", "group": "moderation", "error": "boom", "deliveries": "6"}
    with Redis.from_url(redis_url) as redis, redis.pipeline(transaction=False) as pipe:
        for _ in range(2345):
            pipe.xadd("radar.dlq.comment.submitted", letter)
        for _ in range(3):
            pipe.xadd("radar.dlq.measure.updated", {**letter, "stream": "radar.measure.updated"})
        pipe.execute()

    assert run("dlq", "list") == 0

    out = capsys.readouterr().out.splitlines()
    assert sum(1 for line in out if "  radar.comment.submitted  group=moderation" in line) == 100
    assert sum(1 for line in out if "  radar.measure.updated  group=moderation" in line) == 3
    assert [line for line in out if line.startswith("radar: ")] == [
        "radar: showing 100 of 2,345 dead letters on radar.dlq.comment.submitted",
        "radar: 2,348 dead letter(s), 103 shown",
    ]
