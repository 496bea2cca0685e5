"""Webhooks: a signed JSON payload to a real local receiver, retried; local targets refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from radar_cli.embedded import free_port
from radar_notifications.sending.webhooks import AddressRefused, PublicOnlyResolver
from tests.integration.helpers import eventually
from tests.integration.notifications_service import Notifications, running_notifications, status_change

pytestmark = pytest.mark.integration

SECRET = "ein-geheimnis-fuer-den-webhook"


class Receiver:
    """A real HTTP server that records each call and answers with the statuses it is given, then 200."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/radar-hook"
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        self.calls.append((dict(request.headers), await request.read()))
        return web.Response(status=self.answers.pop(0) if self.answers else 200)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/radar-hook", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def documents(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.calls]

    async def called(self, count: int) -> list[tuple[dict[str, str], bytes]]:
        async def enough() -> bool:
            return len(self.calls) >= count

        await eventually(enough)
        return self.calls


def verified(headers: dict[str, str], body: bytes, secret: str = SECRET) -> bool:
    """What a receiver does: recompute the signature over "<timestamp>.<body>"."""
    expected = hmac.new(secret.encode(), headers["X-Radar-Timestamp"].encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(headers["X-Radar-Signature"], f"sha256={expected.hexdigest()}")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    running = Receiver()
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def local_hooks(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> AsyncIterator[Notifications]:
    """Notifications that may call local webhooks (RADAR_WEBHOOK_ALLOW_PRIVATE), as a local receiver needs."""
    async with running_notifications(
        new_database, redis_url, tmp_path, webhook_allow_private=True
    ) as running:
        yield running


@pytest.fixture
async def notifications(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> AsyncIterator[Notifications]:
    async with running_notifications(new_database, redis_url, tmp_path) as running:
        yield running


async def hook(n: Notifications, receiver: Receiver, **scope: Any) -> None:
    """A confirmed webhook subscription: the receiver got the confirmation and its link was opened."""
    before = len(receiver.calls)
    r = await n.subscribe(webhook={"url": receiver.url, "secret": SECRET}, scope=scope or {"type": "all"})
    assert r.status_code == 202, r.text
    headers, body = (await receiver.called(before + 1))[before]
    assert verified(headers, body)
    confirmation = json.loads(body)
    assert confirmation["type"] == "subscription.confirmation"
    token = confirmation["links"]["confirm"].split("token=")[1]
    assert (await n.call("GET", "/subscriptions/confirm", token=token)).status_code == 200


async def test_a_webhook_receives_a_correctly_signed_payload(
    local_hooks: Notifications, receiver: Receiver
) -> None:
    n = local_hooks
    measure = await n.measure()
    await hook(n, receiver, type="measure", id=measure.payload.slug)

    change = status_change(measure, version=2, old="geplant", new="in_umsetzung", note="Los geht's.")
    await n.publish(change)
    headers, body = (await receiver.called(2))[1]

    assert verified(headers, body)
    assert not verified(headers, body, secret="ein-anderes-geheimnis-123")
    assert headers["Content-Type"] == "application/json"
    document = json.loads(body)
    assert document["type"] == "measure.updated" and document["event_id"] == str(change.event_id)
    assert document["data"]["changes"]["status"] == {"old": "geplant", "new": "in_umsetzung"}
    assert document["data"]["change_note"] == "Los geht's."
    assert document["links"]["unsubscribe"].startswith(
        "https://radar.example.org/subscriptions/unsubscribe?token="
    )
    assert headers["X-Radar-Delivery"] == document["delivery_id"]


async def test_a_refused_call_is_tried_again_with_the_same_delivery_id(
    local_hooks: Notifications, receiver: Receiver
) -> None:
    n = local_hooks
    measure = await n.measure()
    await hook(n, receiver)
    receiver.answers = [503, 500]

    await n.publish(status_change(measure, version=2, old="geplant", new="in_umsetzung"))
    calls = await receiver.called(4)
    await n.settled()

    deliveries = {headers["X-Radar-Delivery"] for headers, _ in calls[1:]}
    assert len(deliveries) == 1 and len(calls) == 4
    assert all(verified(headers, body) for headers, body in calls)
    assert await n.count("SELECT attempts FROM deliveries WHERE kind = 'measure' AND state = 'sent'") == 3


LOCAL_SPELLINGS = [
    "http://127.0.0.1:{port}/radar-hook",
    "http://2130706433:{port}/radar-hook",
    "http://0x7f.1:{port}/radar-hook",
    "http://0177.0.0.1:{port}/radar-hook",
    "http://[::1]:{port}/radar-hook",
    "http://[::ffff:127.0.0.1]:{port}/radar-hook",
    "http://localhost:{port}/radar-hook",
    "http://169.254.169.254/latest/meta-data/",
]


async def test_a_webhook_to_a_local_address_is_refused_at_registration(
    notifications: Notifications, receiver: Receiver
) -> None:
    for url in LOCAL_SPELLINGS:
        r = await notifications.subscribe(
            webhook={"url": url.format(port=receiver.port), "secret": SECRET}, scope={"type": "all"}
        )
        assert r.status_code == 422 and r.json()["error"] == "WEBHOOK_URL_REFUSED", url
    assert await notifications.count("SELECT count(*) FROM subscribers") == 0
    assert receiver.calls == []


async def test_a_local_webhook_is_refused_at_sending_too(
    notifications: Notifications, receiver: Receiver
) -> None:
    n = notifications
    measure = await n.measure()
    subscriber_id, subscription_id = uuid.uuid4(), uuid.uuid4()
    async with n.pool.acquire() as conn, conn.transaction():  # as if registered where it was allowed
        await conn.execute(
            "INSERT INTO subscribers (subscriber_id, channel, webhook_url, webhook_secret)"
            " VALUES ($1, 'webhook', $2, $3)",
            subscriber_id,
            f"http://2130706433:{receiver.port}/radar-hook",
            SECRET,
        )
        await conn.execute(
            "INSERT INTO subscriptions (subscription_id, subscriber_id, scope_type, scope_key, language,"
            " mode, expires_at, confirmed_at) VALUES ($1, $2, 'all', '', 'de', 'immediate', now(), now())",
            subscription_id,
            subscriber_id,
        )
    await n.publish(status_change(measure, version=2, old="geplant", new="in_umsetzung"))
    await n.settled()

    assert receiver.calls == []
    assert (
        await n.count("SELECT count(*) FROM deliveries WHERE state = 'failed' AND last_error LIKE 'refused%'")
        == 1
    )


async def test_a_name_that_resolves_to_a_local_address_is_refused_when_resolved() -> None:
    resolver = PublicOnlyResolver(allow_private=False)
    try:
        with pytest.raises(AddressRefused):
            await resolver.resolve("localhost", 80, socket.AF_UNSPEC)
    finally:
        await resolver.close()
    allowing = PublicOnlyResolver(allow_private=True)
    try:
        assert await allowing.resolve("localhost", 80, socket.AF_INET)
    finally:
        await allowing.close()
