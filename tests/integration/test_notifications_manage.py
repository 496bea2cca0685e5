"""Leaving and managing without an account: one-click unsubscribe, the manage link, erasure."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from radar_cli.embedded import EmbeddedPostgres, EmbeddedValkey
from radar_lib.events import ErasureRequestedPayload, ParticipantErasureRequested, utcnow
from radar_notifications.store import forgetting
from tests.conftest import participant
from tests.integration.notifications_service import (
    Notifications,
    address,
    header_token,
    link_in,
    shared_notifications,
    status_change,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def notifications(
    pg: EmbeddedPostgres, valkey: EmbeddedValkey, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Notifications]:
    """One service for the module: each test asserts about its own addresses and events only."""
    async with shared_notifications(pg, valkey, tmp_path_factory.mktemp("notifications")) as running:
        yield running


SENT_TO = (
    "SELECT array_agg(delivery_id) FROM deliveries d JOIN subscribers s ON s.subscriber_id = d.subscriber_id"
    " WHERE s.email = $1"
)


async def test_one_click_unsubscribe_is_one_post_without_log_in(notifications: Notifications) -> None:
    n = notifications
    measure = await n.measure()
    email = address()
    await n.subscribed(email, scope={"type": "measure", "id": measure.payload.slug})
    await n.publish(status_change(measure, version=2, old="geplant", new="in_umsetzung"))
    _, change = await n.mails(email, 2)

    described = await n.call("GET", "/subscriptions/unsubscribe", token=header_token(change))
    assert described.json() == {
        "everything": False,
        "subscribed": True,
        "scope": {"type": "measure", "id": str(measure.payload.measure_id), "title": "E-Akte für alle Ämter"},
    }
    r = await n.call("POST", "/subscriptions/unsubscribe", token=header_token(change))
    assert r.status_code == 200 and r.json() == {"status": "unsubscribed"}
    again = await n.call(
        "POST", "/subscriptions/unsubscribe", token=link_in(change, "/subscriptions/unsubscribe")
    )
    assert again.status_code == 200

    await n.publish(status_change(measure, version=3, old="in_umsetzung", new="abgeschlossen"))
    await n.settled()
    assert len(n.sink.mails_to(email)) == 2
    assert await n.count("SELECT count(*) FROM subscribers WHERE email = $1", email) == 0  # following nothing


async def test_the_manage_link_shows_and_changes_every_subscription_of_the_address(
    notifications: Notifications,
) -> None:
    n = notifications
    measure = await n.measure()
    email = address()
    await n.subscribed(email, scope={"type": "measure", "id": measure.payload.slug})
    token = await n.subscribed(email, scope={"type": "all"}, new_comments=True)

    shown = (await n.call("GET", "/subscriptions/manage", token=token)).json()
    assert shown["address"] == email and shown["paused"] is False
    by_type = {s["scope"]["type"]: s for s in shown["subscriptions"]}
    assert by_type["measure"]["scope"] == {
        "type": "measure",
        "id": measure.payload.slug,
        "title": "E-Akte für alle Ämter",
    }
    assert by_type["all"]["new_comments"] is True and by_type["all"]["confirmed"] is True

    r = await n.call(
        "PATCH",
        "/subscriptions/manage",
        token=token,
        json={"language": "en", "subscriptions": [{"id": by_type["all"]["id"], "remove": True},
                                                   {"id": by_type["measure"]["id"], "mode": "digest"}]},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    [left] = r.json()["subscriptions"]
    assert (left["scope"]["type"], left["mode"], left["language"]) == ("measure", "digest", "en")


async def test_a_change_naming_an_unknown_subscription_changes_nothing(notifications: Notifications) -> None:
    n = notifications
    email = address()
    token = await n.subscribed(email, scope={"type": "all"})
    before = (await n.call("GET", "/subscriptions/manage", token=token)).json()
    [mine] = before["subscriptions"]

    for items, code in [
        (
            [{"id": mine["id"], "remove": True}, {"id": str(uuid.uuid4()), "mode": "digest"}],
            "SUBSCRIPTION_NOT_FOUND",
        ),
        ([{"id": mine["id"], "mode": "weekly"}], "MODE_UNKNOWN"),
    ]:
        r = await n.call(
            "PATCH", "/subscriptions/manage", token=token, json={"language": "en", "subscriptions": items}
        )
        assert r.json()["error"] == code
    assert (await n.call("GET", "/subscriptions/manage", token=token)).json() == before


async def test_another_addresss_subscription_cannot_be_changed_with_my_link(
    notifications: Notifications,
) -> None:
    n = notifications
    mine, theirs = address(), address()
    my_token = await n.subscribed(mine, scope={"type": "all"})
    their_token = await n.subscribed(theirs, scope={"type": "all"})
    [their_subscription] = (await n.call("GET", "/subscriptions/manage", token=their_token)).json()[
        "subscriptions"
    ]

    removal = {"subscriptions": [{"id": their_subscription["id"], "remove": True}]}
    r = await n.call("PATCH", "/subscriptions/manage", token=my_token, json=removal)

    assert r.status_code == 404 and r.json()["error"] == "SUBSCRIPTION_NOT_FOUND"
    assert await n.count("SELECT count(*) FROM subscriptions WHERE subscription_id = $1",
                         uuid.UUID(their_subscription["id"])) == 1  # fmt: skip


async def test_pausing_stops_mail_until_resumed(notifications: Notifications) -> None:
    n = notifications
    measure = await n.measure()
    email = address()
    token = await n.subscribed(email, scope={"type": "all"})
    assert (await n.call("PATCH", "/subscriptions/manage", token=token, json={"paused": True})).json()[
        "paused"
    ]
    await n.publish(status_change(measure, version=2, old="geplant", new="in_umsetzung"))
    await n.settled()
    assert len(n.sink.mails_to(email)) == 1

    await n.call("PATCH", "/subscriptions/manage", token=token, json={"paused": False})
    await n.publish(status_change(measure, version=3, old="in_umsetzung", new="abgeschlossen"))
    await n.mails(email, 2)


async def test_unsubscribing_from_everything_forgets_the_address_and_what_it_was_sent(
    notifications: Notifications,
) -> None:
    n = notifications
    measure = await n.measure()
    email, other = address(), address()
    token = await n.subscribed(email, scope={"type": "all"})
    await n.subscribed(other, scope={"type": "all"})
    await n.publish(status_change(measure, version=2, old="geplant", new="in_umsetzung"))
    await n.mails(email, 2)
    await n.settled()
    sent = await n.pool.fetchval(SENT_TO, email)

    r = await n.call("DELETE", "/subscriptions/manage", token=token)

    assert r.status_code == 200 and r.json() == {"status": "unsubscribed"}
    assert await n.count("SELECT count(*) FROM subscribers WHERE email = $1", email) == 0
    assert await n.count("SELECT count(*) FROM subscribers WHERE email = $1", other) == 1
    kept = await n.pool.fetch(
        "SELECT subscriber_id, payload FROM deliveries WHERE delivery_id = ANY($1)", sent
    )
    assert [(r["subscriber_id"], r["payload"]) for r in kept] == [
        (None, "{}")
    ] * 2  # kept for the figures only
    gone = await n.call("GET", "/subscriptions/manage", token=token)
    assert gone.status_code == 400 and gone.json()["error"] == "TOKEN_INVALID"


async def test_erasure_removes_the_participants_addresses_and_their_deliveries_personal_data(
    notifications: Notifications,
) -> None:
    n = notifications
    measure = await n.measure()
    citizen, bystander = participant(), participant()
    email, other = address(), address()
    for who, mail in ((citizen, email), (bystander, other)):
        r = await n.subscribe(who, email=mail, scope={"type": "all"})
        assert r.status_code == 202
        [confirmation] = await n.mails(mail, 1)
        await n.call("GET", "/subscriptions/confirm", token=link_in(confirmation, "/subscriptions/confirm"))
    await n.publish(status_change(measure, version=2, old="geplant", new="in_umsetzung"))
    await n.mails(email, 2)
    await n.settled()
    sent = await n.pool.fetchval(SENT_TO, email)
    assert citizen.id is not None

    await n.publish(
        ParticipantErasureRequested.create(
            producer="gateway",
            payload=ErasureRequestedPayload(participant_id=citizen.id, requested_at=utcnow()),
        )
    )

    assert await n.count("SELECT count(*) FROM subscribers WHERE email = $1", email) == 0
    assert await n.count("SELECT count(*) FROM subscriptions WHERE participant_id = $1", citizen.id) == 0
    kept = await n.pool.fetch(
        "SELECT subscriber_id, payload FROM deliveries WHERE delivery_id = ANY($1)", sent
    )
    assert [(r["subscriber_id"], r["payload"]) for r in kept] == [(None, "{}")] * 2
    assert await n.count("SELECT count(*) FROM subscribers WHERE email = $1", other) == 1


async def test_an_address_left_without_subscriptions_is_swept_away(notifications: Notifications) -> None:
    n = notifications
    email = address()
    await n.subscribed(email, scope={"type": "all"})
    await n.pool.execute(  # as if left over by a crash between two steps
        "DELETE FROM subscriptions"
        " WHERE subscriber_id = (SELECT subscriber_id FROM subscribers WHERE email = $1)",
        email,
    )

    async with n.pool.acquire() as conn, conn.transaction():
        await forgetting.forget_if_unsubscribed(conn, await forgetting.idle_subscribers(conn))

    assert await n.count("SELECT count(*) FROM subscribers WHERE email = $1", email) == 0
