"""Sending in batches: a batch cut short by a stop is completed later without a second mail, and an
address the relay cannot take fails alone."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.integration.helpers import eventually
from tests.integration.notifications_service import (
    RefusingHandler,
    Sink,
    address,
    running_notifications,
    status_change,
)

pytestmark = pytest.mark.integration

BATCH: dict[str, Any] = {"sender_workers": 1, "smtp_connections": 1, "sender_batch": 10}


class HoldingHandler(RefusingHandler):
    """Stores mails until `take` is used up; then holds the next one unanswered (a relay that hangs)."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory, set())
        self.take: int | None = None  # None: store every mail
        self.holding = asyncio.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.take is not None:
            if self.take == 0:
                self.holding.set()
                await asyncio.Event().wait()  # until the client drops the line
            self.take -= 1
        return await super().handle_DATA(server, session, envelope)


class HoldingSink(Sink):
    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.handler = HoldingHandler(directory)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(self.handler, hostname="radar-smtp-sink"), "127.0.0.1", self.port
        )


def changes_to(sink: Sink, email: str) -> int:
    return sum(1 for m in sink.mails_to(email) if str(m["Subject"]).startswith("Geändert"))


async def test_a_batch_half_sent_when_the_service_stops_is_completed_without_duplicates(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> None:
    database = new_database("notifications")
    sink = HoldingSink(tmp_path / "mail")
    emails = [address() for _ in range(6)]
    async with running_notifications(lambda _: database, redis_url, tmp_path, sink=sink, **BATCH) as n:
        measure = await n.measure()
        for email in emails:
            await n.subscribed(email, scope={"type": "measure", "id": measure.payload.slug})
        await n.settled()
        sink.handler.take = 3  # three mails of the batch get through, the fourth hangs
        await n.publish(status_change(measure, version=2, old="geplant", new="in_umsetzung"))
        await asyncio.wait_for(sink.handler.holding.wait(), timeout=20)
    # stopped in the middle of the batch: what the relay took is marked sent, the rest is pending
    sent_before = sum(changes_to(sink, email) for email in emails)
    assert sent_before == 3
    assert await states_of_changes(database) == {"sent": 3, "pending": 3}

    async with running_notifications(lambda _: database, redis_url, tmp_path, **BATCH) as n:
        await n.settled()
        await eventually(lambda: _all_arrived(n.sink, emails))
    assert [changes_to(n.sink, email) for email in emails] == [1] * 6
    assert await states_of_changes(database) == {"sent": 6}


async def _all_arrived(sink: Sink, emails: list[str]) -> bool:
    return all(changes_to(sink, email) >= 1 for email in emails)


async def states_of_changes(database: str) -> dict[str, int]:
    """How many deliveries of measure changes are in each state."""
    conn = await asyncpg.connect(database)
    try:
        rows = await conn.fetch(
            "SELECT state, count(*) AS n FROM deliveries WHERE kind = 'measure' GROUP BY state"
        )
    finally:
        await conn.close()
    return {r["state"]: r["n"] for r in rows}


async def test_an_address_the_relay_cannot_take_fails_alone_and_the_others_go_out(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> None:
    umlaut, plain = f"jürgen-{uuid.uuid4().hex[:8]}@example.org", address()
    async with running_notifications(new_database, redis_url, tmp_path, **BATCH) as n:  # no SMTPUTF8
        for email in (umlaut, plain):
            assert (await n.subscribe(email=email, scope={"type": "all"})).status_code == 202
        await n.mails(plain, 1)
        await n.settled()
        error = await n.pool.fetchval(
            "SELECT d.last_error FROM deliveries d JOIN subscribers s ON s.subscriber_id = d.subscriber_id"
            " WHERE s.email = $1 AND d.state = 'failed'",
            umlaut,
        )
    assert error is not None and error.startswith("553 ")
