"""Sending: a relay away loses nothing, bounces pause, a resend keeps its Message-ID; comment watches."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from radar_lib.events import CommentDecisionPayload, CommentRejected, utcnow
from radar_lib.token import Principal
from radar_notifications.upkeep import sweep
from tests.conftest import participant, token_headers
from tests.integration.helpers import eventually
from tests.integration.notifications_service import (
    Notifications,
    Sink,
    address,
    body_of,
    link_in,
    published_comment,
    running_notifications,
    status_change,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def notifications(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> AsyncIterator[Notifications]:
    async with running_notifications(
        new_database, redis_url, tmp_path, bounce_limit=2, max_attempts=3
    ) as running:
        yield running


async def test_a_relay_that_is_down_and_up_again_loses_nothing_and_counts_nothing(
    notifications: Notifications, caplog: pytest.LogCaptureFixture
) -> None:
    n = notifications
    email = address()
    await n.sink.stop()

    assert (await n.subscribe(email=email, scope={"type": "all"})).status_code == 202

    async def tried_twice() -> bool:  # the sender keeps trying while the relay is away
        return caplog.text.count("deliveries wait") >= 2

    await eventually(tried_twice)
    assert await n.count("SELECT count(*) FROM deliveries WHERE state = 'pending' AND attempts = 0") == 1
    await n.sink.start()

    [confirmation] = await n.mails(email, 1)
    assert "/subscriptions/confirm?token=" in body_of(confirmation)
    await n.settled()
    assert await n.count("SELECT count(*) FROM deliveries WHERE state = 'sent' AND attempts = 1") == 1


async def test_permanent_refusals_fail_the_delivery_and_pause_the_subscriber_after_the_limit(
    notifications: Notifications,
) -> None:
    n = notifications
    measure = await n.measure()
    email = address()
    await n.subscribed(email, scope={"type": "all"})
    n.sink.refuse.add(email)

    for version in (2, 3):
        await n.publish(status_change(measure, version=version, old="geplant", new="in_umsetzung"))
    await n.settled()

    assert (
        await n.count("SELECT count(*) FROM deliveries WHERE state = 'failed' AND last_error LIKE '550%'")
        == 2
    )
    assert (
        await n.count("SELECT count(*) FROM subscribers WHERE paused_at IS NOT NULL AND email = $1", email)
        == 1
    )
    n.sink.refuse.clear()
    await n.publish(status_change(measure, version=4, old="in_umsetzung", new="abgeschlossen"))
    await n.settled()
    assert len(n.sink.mails_to(email)) == 1  # the confirmation; nothing while paused
    assert await n.count("SELECT count(*) FROM deliveries WHERE event_id NOT IN (SELECT subscription_id"
                         " FROM subscriptions) AND state = 'pending'") == 0  # fmt: skip


async def test_a_resend_after_a_lost_mark_carries_the_same_message_id(notifications: Notifications) -> None:
    n = notifications
    measure = await n.measure()
    email = address()
    await n.subscribed(email, scope={"type": "measure", "id": measure.payload.slug})
    change = status_change(measure, version=2, old="geplant", new="in_umsetzung")
    await n.publish(change)
    _, first = await n.mails(email, 2)
    subscription_id = await n.pool.fetchval("SELECT subscription_id FROM subscriptions")
    delivery_id = await n.pool.fetchval(
        "SELECT md5($1::text || ':' || $2::text)::uuid", str(change.event_id), str(subscription_id)
    )
    assert first["Message-ID"] == f"<{delivery_id}@localhost>"

    # the process died after the relay took the mail and before the delivery was marked sent
    await n.pool.execute("UPDATE deliveries SET state = 'pending' WHERE delivery_id = $1", delivery_id)

    _, _, again = await n.mails(email, 3)
    assert again["Message-ID"] == first["Message-ID"]


async def watch(n: Notifications, who: Principal, comment_id: uuid.UUID, email: str, **body: object) -> str:
    """Leave an address for a comment's decision; the confirmation link's token."""
    r = await n.client.post(
        "/comment-watch",
        json={"comment_id": str(comment_id), "email": email, **body},
        headers=token_headers(who),
    )
    assert r.status_code == 202, r.text
    confirmation = (await n.mails(email, 1))[0]
    return link_in(confirmation, "/subscriptions/confirm")


def rejection(measure_id: uuid.UUID, comment_id: uuid.UUID) -> CommentRejected:
    payload = CommentDecisionPayload(
        comment_id=comment_id,
        measure_id=measure_id,
        decided_at=utcnow(),
        reason_code="INSULT",
        note="Bitte <sachlich> bleiben.",
    )
    return CommentRejected.model_validate(
        CommentRejected.create(producer="moderation", payload=payload).model_dump()
    )


async def test_a_watched_comments_rejection_reaches_its_author_once(notifications: Notifications) -> None:
    n = notifications
    measure = await n.measure()
    comment_id, email = uuid.uuid4(), address()
    token = await watch(n, participant(), comment_id, email, measure=measure.payload.slug)
    await n.call("GET", "/subscriptions/confirm", token=token)

    await n.publish(rejection(measure.payload.measure_id, comment_id))
    await n.publish(rejection(measure.payload.measure_id, comment_id))  # a second decision: no second mail
    _, decided = await n.mails(email, 2)
    await n.settled()

    assert decided["Subject"] == "Ihr Kommentar wurde nicht veröffentlicht"
    assert "Grund (Netiquette): Keine Beleidigungen" in body_of(decided)
    assert "&lt;sachlich&gt;" in body_of(decided, "html")
    assert len(n.sink.mails_to(email)) == 2
    await sweep(n.pool, n.settings)
    assert await n.count("SELECT count(*) FROM subscribers") == 0  # done: the address is forgotten


async def test_a_watch_confirmed_after_the_decision_hears_it_on_confirmation(
    notifications: Notifications,
) -> None:
    n = notifications
    measure = await n.measure()
    comment = published_comment(measure.payload.measure_id)
    email = address()
    token = await watch(n, participant(), comment.payload.comment_id, email, language="en")

    await n.publish(comment)
    await n.settled()
    assert len(n.sink.mails_to(email)) == 1  # nothing before the confirmation
    await n.call("GET", "/subscriptions/confirm", token=token)

    _, decided = await n.mails(email, 2)
    assert decided["Subject"] == "Your comment was published"
    assert f"/massnahmen/{measure.payload.slug}/kommentare/{comment.payload.comment_id}" in body_of(decided)


async def test_a_comment_watch_needs_a_participant_and_a_comment_id(notifications: Notifications) -> None:
    n = notifications
    anonymous = await n.client.post(
        "/comment-watch", json={"comment_id": str(uuid.uuid4()), "email": address()},
        headers=token_headers(Principal(kind="anonymous")),
    )  # fmt: skip
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "PARTICIPANT_REQUIRED"
    bad = await n.client.post(
        "/comment-watch",
        json={"comment_id": "kein-kommentar", "email": address()},
        headers=token_headers(participant()),
    )
    assert bad.status_code == 404 and bad.json()["error"] == "COMMENT_NOT_FOUND"
    assert await n.count("SELECT count(*) FROM subscriptions") == 0


async def test_metrics_show_pending_sent_failed_and_the_lag(notifications: Notifications) -> None:
    n = notifications
    await n.subscribed(address(), scope={"type": "all"})

    async def counted() -> str | None:
        text = (await n.client.get("/metrics")).text
        return text if 'radar_notifications_deliveries{state="sent"} 1.0' in text else None

    text = await eventually(counted)
    assert 'radar_notifications_sent_total{channel="email"}' in text
    assert 'radar_notifications_lag_seconds_count{channel="email",mode="immediate"}' in text
    assert 'radar_notifications_deliveries{state="pending"} 0.0' in text
    assert "radar_notifications_oldest_pending_seconds" in text
    assert 'task="sender-1"' in text


def self_signed(directory: Path) -> Path:
    """A certificate for 127.0.0.1 and its key, made by openssl; the certificate is its own CA."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(directory / "key.pem"),
         "-out", str(directory / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return directory


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the relay's certificate")
async def test_mail_goes_through_a_relay_that_wants_starttls_and_a_log_in(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> None:
    certs = self_signed(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(certs / "cert.pem", certs / "key.pem")
    sink = Sink(tmp_path / "mail", tls=tls, logins={"radar": "relay-password"})
    relay = {"smtp_security": "starttls", "smtp_user": "radar", "smtp_ca_file": str(certs / "cert.pem")}
    email = address()

    async with running_notifications(
        new_database, redis_url, tmp_path, sink=sink, smtp_password="relay-password", **relay
    ) as n:
        assert (await n.subscribe(email=email, scope={"type": "all"})).status_code == 202
        await n.mails(email, 1)

    async with running_notifications(
        new_database, redis_url, tmp_path, sink=sink, smtp_password="wrong", **relay
    ) as n:  # refused by our own relay: nothing is counted against the subscriber
        assert (await n.subscribe(email=address(), scope={"type": "all"})).status_code == 202

        async def tried_twice() -> bool:
            return sink.refused_logins >= 2

        await eventually(tried_twice)
        assert await n.count("SELECT count(*) FROM deliveries WHERE state = 'pending' AND attempts = 0") == 1
