"""A published yearly report reaches the followers of its measure, its field or everything, once a version."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import cast

import pytest

from radar_cli.embedded import EmbeddedPostgres, EmbeddedValkey
from radar_lib.events import MeasurePublished, MeasureReported, MeasureReportedPayload, utcnow
from radar_notifications.consumers import notify_report
from tests.integration.notifications_service import Notifications, address, body_of, shared_notifications

pytestmark = pytest.mark.integration

DELIVERIES_OF = (
    "SELECT count(*) FROM deliveries d JOIN subscribers s ON s.subscriber_id = d.subscriber_id"
    " WHERE s.email = $1 AND d.event_id = $2"
)
ACHIEVED = "Die E-Akte läuft in 12 Referaten <b>und</b> im Stadtrat."


@pytest.fixture(scope="module")
async def notifications(
    pg: EmbeddedPostgres, valkey: EmbeddedValkey, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Notifications]:
    """One service for the module: each test asserts about its own addresses and events only."""
    async with shared_notifications(pg, valkey, tmp_path_factory.mktemp("reports")) as running:
        yield running


def reported(measure: MeasurePublished, *, version: int = 1, progress: int | None = 58) -> MeasureReported:
    """A measure.reported event as the catalog emits it when an editor publishes the 2024 report."""
    m = measure.payload
    payload = MeasureReportedPayload(
        measure_id=m.measure_id, slug=m.slug, title=m.title, field_slug=m.field_slug, year=2024,
        version=version, progress=progress, achievements_excerpt=ACHIEVED,
        change_note=f"Bericht 2024, Fassung {version}.", published_at=utcnow(),
    )  # fmt: skip
    return cast(MeasureReported, MeasureReported.create(producer="catalog", payload=payload))


def reports_to(n: Notifications, email: str) -> list[str]:
    return [body_of(m) for m in n.sink.mails_to(email) if "2024" in str(m["Subject"])]


async def test_each_follower_hears_of_a_published_report_once_and_a_redelivery_sends_nothing(
    notifications: Notifications,
) -> None:
    n = notifications
    measure = await n.measure()
    by_measure, by_field, by_all, elsewhere = (address() for _ in range(4))
    await n.subscribed(by_measure, scope={"type": "measure", "id": measure.payload.slug})
    await n.subscribed(by_field, scope={"type": "field", "id": measure.payload.field_slug}, language="en")
    await n.subscribed(by_all, scope={"type": "all"})
    other = await n.measure()
    await n.subscribed(elsewhere, scope={"type": "measure", "id": other.payload.slug})

    event = reported(measure)
    await n.publish(event)
    await n.publish(event)  # redelivered
    await n.settled()

    for email in (by_measure, by_field, by_all):
        assert len(reports_to(n, email)) == 1, email
        assert await n.count(DELIVERIES_OF, email, event.event_id) == 1
    assert reports_to(n, elsewhere) == []
    [german] = [m for m in n.sink.mails_to(by_measure) if "2024" in str(m["Subject"])]
    assert str(german["Subject"]) == "Jahresbericht 2024: E-Akte für alle Ämter"
    text = body_of(german)
    for said in ("Bericht über das Jahr 2024", "Fortschritt: 58 %", ACHIEVED, "Bericht 2024, Fassung 1."):
        assert said in text
    assert f"https://radar.example.org/massnahmen/{measure.payload.slug}" in text
    assert "&lt;b&gt;und&lt;/b&gt;" in body_of(german, "html")
    [english] = [m for m in n.sink.mails_to(by_field) if "2024" in str(m["Subject"])]
    assert str(english["Subject"]) == "Annual report 2024: E-Akte für alle Ämter"
    assert "Progress: 58 %" in body_of(english)


async def test_a_revised_report_is_a_new_notification_that_says_so(notifications: Notifications) -> None:
    n = notifications
    measure = await n.measure()
    email = address()
    await n.subscribed(email, scope={"type": "measure", "id": str(measure.payload.measure_id)})
    await n.publish(reported(measure))
    await n.publish(reported(measure, version=2, progress=None))
    await n.settled()
    first, second = reports_to(n, email)
    assert "überarbeitet (Fassung 2)" in second and "Fortschritt: –" in second
    assert "überarbeitet" not in first


async def test_handling_a_report_again_past_the_consumer_writes_no_second_delivery(
    notifications: Notifications,
) -> None:
    n = notifications
    measure = await n.measure()
    email = address()
    await n.subscribed(email, scope={"type": "all"})
    event = reported(measure)
    for _ in range(2):  # as if processed_events had not caught the copy
        async with n.pool.acquire() as conn, conn.transaction():
            await notify_report(conn, event)
    assert await n.count(DELIVERIES_OF, email, event.event_id) == 1
