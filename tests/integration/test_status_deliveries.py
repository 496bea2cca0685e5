"""`radar status` shows notifications' deliveries, read from its real database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from radar_cli.delivery_status import read_deliveries
from radar_cli.status import SystemStatus, problems, render_json, render_text
from tests.integration.notifications_service import address, running_notifications

pytestmark = pytest.mark.integration


async def test_status_shows_pending_sent_failed_and_lag_of_the_deliveries(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> None:
    async with running_notifications(new_database, redis_url, tmp_path) as n:
        email = address()
        r = await n.subscribe(email=email, scope={"type": "all"})
        assert r.status_code == 202, r.text
        await n.mails(email, 1)
        await n.settled()
        figures, error = await read_deliveries(n.settings.database_url)
    assert error is None and figures is not None
    assert figures.by_state["sent"] == 1 and figures.by_state["pending"] == 0
    status = SystemStatus([], [], [], {}, deliveries=figures)
    text = render_text(status)
    assert "notifications (deliveries)" in text and "lag p50 (s)" in text
    assert '"sent": 1' in render_json(status) and problems(status) == []


async def test_unreadable_deliveries_are_a_problem() -> None:
    figures, error = await read_deliveries("postgresql://nobody@127.0.0.1:9/none")
    assert figures is None and error
    status = SystemStatus([], [], [], {}, deliveries_error=error)
    assert "unavailable" in render_text(status)
    assert problems(status) == [f"cannot read the deliveries of notifications: {error}"]
