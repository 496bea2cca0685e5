"""Subscribing by mail with double opt-in, and the mails measure changes send, through a real SMTP sink."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest

from radar_cli.embedded import EmbeddedPostgres, EmbeddedValkey
from radar_lib.events import MeasureArchived
from radar_notifications.consumers import notify_measure_change
from radar_notifications.store import deliveries
from radar_notifications.upkeep import run_digest, sweep
from tests.integration.notifications_service import (
    Notifications,
    address,
    body_of,
    header_token,
    link_in,
    published_comment,
    shared_notifications,
    status_change,
)

pytestmark = pytest.mark.integration

DELIVERIES_OF = (
    "SELECT count(*) FROM deliveries d JOIN subscribers s ON s.subscriber_id = d.subscriber_id"
    " WHERE s.email = $1"
)
WAITING_FOR = DELIVERIES_OF + " AND d.state = 'waiting'"
CONFIRMED_OF = (
    "SELECT count(*) FROM subscriptions t JOIN subscribers s ON s.subscriber_id = t.subscriber_id"
    " WHERE s.email = $1 AND t.confirmed_at IS NOT NULL"
)


async def expire_requests_of(n: Notifications, email: str) -> None:
    """As if the 48 hours for confirming this address's requests had passed."""
    await n.pool.execute(
        "UPDATE subscriptions SET expires_at = now() - interval '1 second' WHERE confirmed_at IS NULL"
        " AND subscriber_id = (SELECT subscriber_id FROM subscribers WHERE email = $1)",
        email,
    )


@pytest.fixture(scope="module")
async def notifications(
    pg: EmbeddedPostgres, valkey: EmbeddedValkey, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Notifications]:
    """One service for the module: each test asserts about its own addresses and events only."""
    async with shared_notifications(pg, valkey, tmp_path_factory.mktemp("notifications")) as running:
        yield running


async def test_double_opt_in_confirms_once_and_then_a_status_change_arrives(
    notifications: Notifications,
) -> None:
    n = notifications
    measure = await n.measure()
    email = address()

    r = await n.subscribe(email=email, scope={"type": "measure", "id": measure.payload.slug})
    assert r.status_code == 202 and r.json() == {"status": "accepted"}
    [confirmation] = await n.mails(email, 1)
    assert confirmation["Subject"] == "Bitte bestätigen Sie Ihr Abonnement"
    assert "E-Akte für alle Ämter" in body_of(confirmation)
    token = link_in(confirmation, "https://radar.example.org/subscriptions/confirm")

    await n.publish(status_change(measure, version=2, old="geplant", new="in_umsetzung"))
    await n.settled()
    assert len(n.sink.mails_to(email)) == 1, "nothing but the confirmation before confirming"

    r = await n.call("GET", "/subscriptions/confirm", token=token)
    assert r.status_code == 200 and r.json()["status"] == "confirmed" and r.json()["already"] is False
    assert r.json()["scope"] == {
        "type": "measure",
        "id": str(measure.payload.measure_id),
        "title": measure.payload.title,
    }
    again = await n.call("GET", "/subscriptions/confirm", token=token)
    assert again.status_code == 200 and again.json()["already"] is True

    await n.publish(
        status_change(measure, version=3, old="in_umsetzung", new="abgeschlossen", note="Fertig.")
    )
    _, change = await n.mails(email, 2)
    assert change["Subject"] == "Geändert: E-Akte für alle Ämter"
    text = body_of(change)
    assert "Status: in Umsetzung → abgeschlossen" in text
    assert "Fortschritt: – → 30 %" in text
    assert "> Fertig." in text
    assert f"https://radar.example.org/massnahmen/{measure.payload.slug}" in text
    assert change["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(change["List-Unsubscribe"]).startswith(
        "<https://radar.example.org/subscriptions/unsubscribe?token="
    )


async def test_a_status_change_reaches_every_confirmed_follower_once_and_no_unconfirmed_one(
    notifications: Notifications,
) -> None:
    n = notifications
    measure = await n.measure()
    field = measure.payload.field_slug
    by_measure, by_field, by_all, by_everything, unconfirmed = (address() for _ in range(5))
    await n.subscribed(by_measure, scope={"type": "measure", "id": str(measure.payload.measure_id)})
    await n.subscribed(by_field, scope={"type": "field", "id": field})
    await n.subscribed(by_all, scope={"type": "all"})
    for scope in (
        {"type": "all"},
        {"type": "field", "id": field},
        {"type": "measure", "id": measure.payload.slug},
    ):
        await n.subscribed(by_everything, scope=scope)  # one person following it three ways
    assert (await n.subscribe(email=unconfirmed, scope={"type": "all"})).status_code == 202
    other = await n.measure()  # another field: only `all` follows it

    await n.publish(status_change(measure, version=2, old="geplant", new="in_umsetzung"))
    await n.publish(status_change(other, version=2, old="geplant", new="eingestellt"))
    await n.settled()

    def changes(email: str) -> list[str]:
        return [str(m["Subject"]) for m in n.sink.mails_to(email) if "Geändert" in str(m["Subject"])]

    assert changes(by_measure) == ["Geändert: E-Akte für alle Ämter"]
    assert changes(by_field) == ["Geändert: E-Akte für alle Ämter"]
    assert changes(by_all) == ["Geändert: E-Akte für alle Ämter"] * 2
    assert changes(by_everything) == ["Geändert: E-Akte für alle Ämter"] * 2  # one per event, not three
    through = await n.call(
        "GET", "/subscriptions/unsubscribe", token=header_token(n.sink.mails_to(by_everything)[-2])
    )
    assert through.json()["scope"]["type"] == "measure"  # the most specific subscription speaks
    assert len(n.sink.mails_to(unconfirmed)) == 1  # the confirmation only


async def test_the_same_event_twice_sends_one_mail_and_an_older_version_after_a_newer_none(
    notifications: Notifications,
) -> None:
    n = notifications
    measure = await n.measure()
    email = address()
    await n.subscribed(email, scope={"type": "measure", "id": measure.payload.slug})
    newer = status_change(measure, version=3, old="in_umsetzung", new="abgeschlossen")
    older = status_change(measure, version=2, old="geplant", new="in_umsetzung")

    await n.publish(newer)
    await n.publish(newer)  # redelivered
    await n.publish(older)  # arrives late
    await n.settled()

    subjects = [str(m["Subject"]) for m in n.sink.mails_to(email)][1:]
    assert subjects == ["Geändert: E-Akte für alle Ämter"]
    assert "abgeschlossen" in body_of(n.sink.mails_to(email)[1])


async def test_handling_an_event_again_past_the_consumer_writes_no_second_delivery(
    notifications: Notifications,
) -> None:
    n = notifications
    measure = await n.measure()
    email = address()
    await n.subscribed(email, scope={"type": "all"})
    change = status_change(measure, version=2, old="geplant", new="in_umsetzung")
    for _ in range(2):  # as if processed_events had not caught the copy
        async with n.pool.acquire() as conn, conn.transaction():
            await notify_measure_change(conn, change)
    assert await n.count(DELIVERIES_OF + " AND d.event_id = $2", email, change.event_id) == 1


async def test_one_delivery_per_event_and_subscriber_even_when_written_twice(
    notifications: Notifications,
) -> None:
    n = notifications
    measure = await n.measure()
    email = address()
    await n.subscribed(email, scope={"type": "measure", "id": measure.payload.slug})
    event_id = uuid.uuid4()
    for _ in range(2):
        async with n.pool.acquire() as conn, conn.transaction():
            await deliveries.notify_followers(
                conn,
                event_id=event_id,
                occurred_at=measure.occurred_at,
                kind="measure",
                payload={},
                measure_id=measure.payload.measure_id,
                fields=[],
            )
    assert await n.count(DELIVERIES_OF + " AND d.event_id = $2", email, event_id) == 1


async def test_new_comments_reach_only_those_who_asked_for_them(notifications: Notifications) -> None:
    n = notifications
    measure = await n.measure()
    wants, does_not = address(), address()
    await n.subscribed(wants, scope={"type": "field", "id": measure.payload.field_slug}, new_comments=True)
    await n.subscribed(does_not, scope={"type": "measure", "id": measure.payload.slug})
    comment = published_comment(measure.payload.measure_id)

    await n.publish(comment)
    [_, mail] = await n.mails(wants, 2)
    await n.settled()

    assert mail["Subject"] == "Neuer Kommentar zu E-Akte für alle Ämter"
    assert f"/massnahmen/{measure.payload.slug}/kommentare/{comment.payload.comment_id}" in body_of(mail)
    assert comment.payload.body not in body_of(mail)  # the text stays on the site
    assert len(n.sink.mails_to(does_not)) == 1


async def test_digest_subscribers_get_one_mail_a_day_with_everything_in_it(
    notifications: Notifications,
) -> None:
    n = notifications
    measure = await n.measure()
    email = address()
    await n.subscribed(
        email, scope={"type": "measure", "id": measure.payload.slug}, mode="digest", new_comments=True
    )
    await n.publish(status_change(measure, version=2, old="geplant", new="in_umsetzung"))
    await n.publish(published_comment(measure.payload.measure_id))
    await n.settled()
    assert len(n.sink.mails_to(email)) == 1  # nothing yet but the confirmation

    day = date.today() + timedelta(days=7)  # a day whose digest the service's own task has not run
    assert await run_digest(n.pool, run_date=day) >= 1
    [_, digest] = await n.mails(email, 2)
    await n.publish(status_change(measure, version=3, old="in_umsetzung", new="abgeschlossen"))
    assert await run_digest(n.pool, run_date=day) == 0  # the day's digest ran: the news waits for tomorrow
    await n.settled()
    assert await n.count(WAITING_FOR, email) == 1

    assert digest["Subject"] == "Ihre Zusammenfassung: 2 Neuigkeiten"
    text = body_of(digest)
    assert "Geändert: E-Akte für alle Ämter" in text and "Neuer Kommentar zu E-Akte für alle Ämter" in text
    assert await run_digest(n.pool, run_date=day + timedelta(days=1)) >= 1
    await n.mails(email, 3)
    assert await n.count(WAITING_FOR, email) == 0


async def test_unconfirmed_subscriptions_expire_and_their_address_is_forgotten(
    notifications: Notifications,
) -> None:
    n = notifications
    email, kept = address(), address()
    assert (await n.subscribe(email=email, scope={"type": "all"})).status_code == 202
    await n.subscribed(kept, scope={"type": "all"})
    [confirmation] = await n.mails(email, 1)
    await expire_requests_of(n, email)

    await sweep(n.pool, n.settings)

    assert await n.count("SELECT count(*) FROM subscribers WHERE email = $1", email) == 0
    assert await n.count("SELECT count(*) FROM subscribers WHERE email = $1", kept) == 1
    r = await n.call("GET", "/subscriptions/confirm", token=link_in(confirmation, "/subscriptions/confirm"))
    assert r.status_code == 400 and r.json()["error"] == "TOKEN_INVALID"


async def test_an_expired_confirmation_link_says_so(notifications: Notifications) -> None:
    n = notifications
    email = address()
    await n.subscribe(email=email, scope={"type": "all"})
    [confirmation] = await n.mails(email, 1)
    token = link_in(confirmation, "/subscriptions/confirm")
    await expire_requests_of(n, email)  # the 48 hours passed

    r = await n.call("GET", "/subscriptions/confirm", token=token)

    assert r.status_code == 410 and r.json()["error"] == "TOKEN_EXPIRED"
    assert await n.count(CONFIRMED_OF, email) == 0


async def test_an_address_gets_only_a_few_confirmations_however_often_it_is_asked(
    notifications: Notifications,
) -> None:
    n = notifications
    email = address()
    for _ in range(n.settings.pending_limit + 2):
        r = await n.subscribe(email=email, scope={"type": "all"})
        assert r.status_code == 202 and r.json() == {"status": "accepted"}
    await n.settled()
    assert len(n.sink.mails_to(email)) == n.settings.pending_limit


HOOK: dict[str, Any] = {"url": "https://x.example", "secret": "x" * 20}
BAD_REQUESTS: list[tuple[dict[str, Any], str]] = [
    ({"email": "kein-at", "scope": {"type": "all"}}, "EMAIL_INVALID"),
    ({"email": "anfrage@example.org", "scope": {"type": "measure", "id": "gibt-es-nicht"}}, "SCOPE_UNKNOWN"),
    ({"email": "anfrage@example.org", "scope": {"type": "field", "id": "gibt-es-nicht"}}, "SCOPE_UNKNOWN"),
    ({"email": "anfrage@example.org", "scope": {"type": "galaxy"}}, "SCOPE_UNKNOWN"),
    ({"scope": {"type": "all"}}, "CHANNEL_REQUIRED"),
    ({"email": "anfrage@example.org", "webhook": HOOK, "scope": {"type": "all"}}, "CHANNEL_REQUIRED"),
    ({"email": "anfrage@example.org", "scope": {"type": "all"}, "language": "fr"}, "LANGUAGE_UNKNOWN"),
    ({"email": "anfrage@example.org", "scope": {"type": "all"}, "mode": "hourly"}, "MODE_UNKNOWN"),
    ({"webhook": HOOK | {"secret": "kurz"}, "scope": {"type": "all"}}, "WEBHOOK_SECRET_INVALID"),
    ({"email": "anfrage@example.org", "scope": {"type": "all"}, "colour": "red"}, "VALIDATION_FAILED"),
]  # fmt: skip


async def test_bad_requests_are_refused_with_a_code_and_write_nothing(notifications: Notifications) -> None:
    n = notifications
    archived = await n.measure()
    gone = archived.payload.model_copy(update={"version": 2, "archived": True})
    await n.publish(MeasureArchived.create(producer="catalog", payload=gone))
    await n.settled()
    before = [await n.count(f"SELECT count(*) FROM {table}") for table in ("subscribers", "deliveries")]
    archived_scope: dict[str, Any] = {
        "email": "anfrage@example.org",
        "scope": {"type": "measure", "id": gone.slug},
    }
    for body, code in [*BAD_REQUESTS, (archived_scope, "SCOPE_UNKNOWN")]:
        r = await n.subscribe(**body)
        assert r.status_code == 422 and r.json()["error"] == code, (body, r.text)
    assert [
        await n.count(f"SELECT count(*) FROM {table}") for table in ("subscribers", "deliveries")
    ] == before


async def test_links_that_are_no_links_are_refused(notifications: Notifications) -> None:
    for method, path in [("GET", "/subscriptions/confirm"), ("GET", "/subscriptions/manage"),
                         ("POST", "/subscriptions/unsubscribe")]:  # fmt: skip
        r = await notifications.call(method, path, token="eyJrIjoibWFuYWdlIn0.Zm9yZ2Vk")
        assert r.status_code == 400 and r.json()["error"] == "TOKEN_INVALID"
