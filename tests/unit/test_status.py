"""`radar status` output and verdict from figures made up here."""

from __future__ import annotations

import json

import pytest

from radar_cli.status import (
    STUCK_OUTBOX_SECONDS,
    STUCK_PENDING_MS,
    Readiness,
    ServiceOutbox,
    SystemStatus,
    problems,
    render_json,
    render_text,
)
from radar_lib.figures import GroupFigures, OutboxFigures

pytestmark = pytest.mark.unit

RELAY_OK = {"outbox-relay": {"state": "running", "restarts": 0, "last_error": None}}


def healthy() -> SystemStatus:
    return SystemStatus(
        services=[
            Readiness("catalog", "http://127.0.0.1:8101", ready=True, answer="ready", tasks=RELAY_OK),
            Readiness("participation", "http://127.0.0.1:8102", ready=True, answer="ready", tasks=RELAY_OK),
        ],
        groups=[
            GroupFigures(
                "radar.comment.submitted",
                "moderation",
                True,
                lag=12,
                pending=3,
                consumers=2,
                oldest_pending_idle_ms=1500,
            ),
            GroupFigures("radar.measure.updated", "participation", True, lag=None, pending=0, consumers=1),
        ],
        outboxes=[
            ServiceOutbox("catalog", OutboxFigures(backlog=0, oldest_seconds=None)),
            ServiceOutbox("participation", OutboxFigures(backlog=4, oldest_seconds=0.5)),
        ],
        dead_letters={"radar.dlq.comment.submitted": 0},
    )


def test_a_healthy_system_has_no_problems() -> None:
    assert problems(healthy()) == []


def test_each_kind_of_trouble_is_named() -> None:
    status = healthy()
    status.services[1] = Readiness(
        "participation",
        "http://127.0.0.1:8102",
        ready=False,
        answer="503 unready",
        tasks={"subscribers": {"state": "restarting", "restarts": 4, "last_error": "ConnectionError"}},
    )
    status.groups[0] = GroupFigures(
        "radar.comment.submitted",
        "moderation",
        True,
        lag=0,
        pending=1,
        consumers=1,
        oldest_pending_idle_ms=STUCK_PENDING_MS + 1000,
    )
    status.outboxes[0] = ServiceOutbox(
        "catalog", OutboxFigures(backlog=7, oldest_seconds=STUCK_OUTBOX_SECONDS + 5)
    )
    status.outboxes.append(ServiceOutbox("gateway", None, "ConnectionRefusedError: no"))
    status.dead_letters["radar.dlq.measure.updated"] = 2345

    found = problems(status)

    assert found == [
        "participation is not ready (503 unready)",
        "participation: task subscribers is restarting",
        "group moderation on radar.comment.submitted: an entry has been pending for 301 s",
        "the outbox of catalog has rows waiting for 65 s",
        "cannot read the outbox of gateway: ConnectionRefusedError: no",
        "2,345 dead letter(s) on radar.dlq.measure.updated",
    ]
    assert "  gateway: unavailable: ConnectionRefusedError: no" in render_text(status).splitlines()


def test_unreadable_streams_are_a_problem() -> None:
    status = SystemStatus(
        services=[], groups=[], outboxes=[], dead_letters={}, redis_error="ConnectionError: x"
    )
    assert problems(status) == ["cannot read the streams: ConnectionError: x"]
    assert "unavailable: ConnectionError: x" in render_text(status)


def test_text_shows_every_figure_in_aligned_columns() -> None:
    status = healthy()
    status.dead_letters["radar.dlq.measure.updated"] = 2345

    lines = render_text(status).splitlines()

    header = next(line for line in lines if line.lstrip().startswith("stream"))
    moderation = next(line for line in lines if "moderation" in line)
    unknown_lag = next(line for line in lines if "radar.measure.updated" in line)
    assert moderation.split() == ["radar.comment.submitted", "moderation", "12", "3", "2", "1"]
    assert unknown_lag.split()[2] == "-"
    for column in ("lag", "pending", "consumers"):  # numbers end where their heading ends
        end = header.index(column) + len(column)
        assert moderation[:end].rstrip() == moderation[:end] and moderation[end : end + 1] in (" ", "")
    assert moderation.index("moderation") == unknown_lag.index("participation")
    assert "      task outbox-relay: running, 0 restart(s)" in lines
    assert any(line.split() == ["participation", "4", "0.5"] for line in lines)
    assert any(line.split() == ["radar.dlq.measure.updated", "2,345"] for line in lines)


def test_json_carries_the_same_figures_and_the_problems() -> None:
    status = healthy()
    status.dead_letters["radar.dlq.measure.updated"] = 3

    data = json.loads(render_json(status))

    assert data["groups"][0]["lag"] == 12
    assert data["outboxes"][1] == {
        "service": "participation",
        "figures": {"backlog": 4, "oldest_seconds": 0.5},
        "error": None,
    }
    assert data["services"][0]["tasks"] == RELAY_OK
    assert data["problems"] == ["3 dead letter(s) on radar.dlq.measure.updated"]
