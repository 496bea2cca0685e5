"""Least privilege on the bus: every service's real runtime works under its own Valkey user,
on a Valkey started with the ACL that `radar_cli.acl` generates; its ACL LOG stays empty.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from radar_catalog.config import CatalogSettings
from radar_catalog.main import create_app as create_catalog
from radar_cli import acl
from radar_gateway.accounts import add_staff
from radar_gateway.config import GatewaySettings
from radar_gateway.main import create_app as create_gateway
from radar_lib.dlq import DATA_KEY
from radar_lib.events import CommentApproved, CommentDecisionPayload, utcnow
from radar_moderation.config import ModerationSettings
from radar_moderation.main import create_app as create_moderation
from radar_notifications.config import NotificationsSettings
from radar_notifications.main import create_app as create_notifications
from radar_participation.config import ParticipationSettings
from radar_participation.main import create_app as create_participation
from tests.conftest import TOKEN_SECRET, moderator, participant, running_service, token_headers
from tests.integration.acl_bus import Bus, acl_file, bus
from tests.integration.helpers import emit, eventually, measure_published, publish_raw

pytestmark = pytest.mark.integration
__all__ = ["acl_file", "bus"]  # fixtures

FAST = {"internal_token_secret": TOKEN_SECRET, "trim_interval_seconds": 0.1}  # retention runs at once


async def test_the_comment_journey_runs_with_each_service_under_its_own_user(
    bus: Bus, new_database: Callable[[str], str]
) -> None:
    catalog_app = create_catalog(
        CatalogSettings(database_url=new_database("catalog"), redis_url=bus.url("catalog"), **FAST)
    )
    part_app = create_participation(
        ParticipationSettings(
            database_url=new_database("participation"), redis_url=bus.url("participation"), **FAST
        )
    )
    mod_app = create_moderation(
        ModerationSettings(database_url=new_database("moderation"), redis_url=bus.url("moderation"), **FAST)
    )
    notif_app = create_notifications(
        NotificationsSettings(
            database_url=new_database("notifications"), redis_url=bus.url("notifications"), **FAST
        )
    )
    author, mod = participant(), moderator()
    async with (
        running_service(catalog_app) as catalog,
        running_service(part_app) as part,
        running_service(mod_app) as moder,
        running_service(notif_app) as notifications,
    ):
        slug = f"e-akte-{uuid.uuid4().hex[:6]}"
        await emit(catalog_app, measure_published(slug=slug))  # the catalog's own outbox and relay

        async def measure_known() -> bool:
            r = await part.get(f"/measures/{slug}/comments", headers=token_headers(author))
            return r.status_code == 200

        await eventually(measure_known)
        r = await part.post(
            f"/measures/{slug}/comments", json={"body": "Gut!"}, headers=token_headers(author)
        )
        assert r.status_code == 202, r.text
        comment_id = r.json()["id"]

        async def queued() -> bool:
            q = await moder.get("/moderation/queue", headers=token_headers(mod))
            return any(i["comment_id"] == comment_id for i in q.json()["items"])

        await eventually(queued)
        d = await moder.post(
            f"/moderation/comments/{comment_id}/decision",
            json={"decision": "approve"},
            headers=token_headers(mod),
        )
        assert d.status_code == 200, d.text

        async def published() -> bool:
            t = await part.get(f"/measures/{slug}/comments", headers=token_headers(participant()))
            return [c["id"] for c in t.json()["items"]] == [comment_id]

        await eventually(published)

        async def notifications_caught_up() -> bool:
            async with bus.client(acl.ADMIN) as admin:
                groups = await admin.xinfo_groups("radar.measure.published")
            return any(g["name"] == b"notifications" and g["lag"] == 0 and not g["pending"] for g in groups)

        await eventually(notifications_caught_up)
        for client in (catalog, part, moder, notifications):
            assert (await client.get("/readyz")).status_code == 200
            assert (await client.get("/metrics")).status_code == 200
    assert await bus.refusals() == []


async def test_a_failing_event_is_dead_lettered_under_the_consumers_own_user(
    bus: Bus, new_database: Callable[[str], str]
) -> None:
    settings = ParticipationSettings(
        database_url=new_database("participation"),
        redis_url=bus.url("participation"),
        max_deliveries=2,
        claim_idle_ms=50,
        **FAST,
    )
    decision = CommentApproved.create(
        producer="moderation",
        payload=CommentDecisionPayload(comment_id=uuid.uuid4(), measure_id=uuid.uuid4(), decided_at=utcnow()),
    )
    app = create_participation(settings)
    async with running_service(app):
        await publish_raw(bus.url("moderation"), decision)  # a decision for a comment nobody knows
        async with bus.client("moderation") as moderation:
            await moderation.xadd("radar.comment.approved", {DATA_KEY: b"not an event"})

        async def both_dead_lettered() -> bool:
            async with bus.client(acl.ADMIN) as admin:
                return int(await admin.get("radar:dead-letters:participation") or 0) == 2

        await eventually(both_dead_lettered)
    assert await bus.refusals() == []


async def test_erasure_deletes_the_entries_that_carried_the_text_under_participations_own_user(
    bus: Bus, new_database: Callable[[str], str]
) -> None:
    settings = ParticipationSettings(
        database_url=new_database("participation"),
        redis_url=bus.url("participation"),
        erasure_poll_seconds=0.05,
        **FAST,
    )
    app = create_participation(settings)
    author = participant()
    async with running_service(app) as part, bus.client(acl.ADMIN) as admin:
        slug = f"e-akte-{uuid.uuid4().hex[:6]}"
        await publish_raw(bus.url(acl.ADMIN), measure_published(slug=slug))

        async def measure_known() -> bool:
            r = await part.get(f"/measures/{slug}/comments", headers=token_headers(author))
            return r.status_code == 200

        await eventually(measure_known)
        r = await part.post(
            f"/measures/{slug}/comments", json={"body": "Bitte löschen"}, headers=token_headers(author)
        )
        assert r.status_code == 202, r.text
        await eventually(lambda: admin.xlen("radar.comment.submitted"))
        assert (await part.post("/me/erasure", headers=token_headers(author))).status_code == 202

        async def entry_deleted() -> bool:
            return await admin.xlen("radar.comment.submitted") == 0

        await eventually(entry_deleted)
    assert await bus.refusals() == []


async def test_the_gateway_keeps_sessions_and_limits_and_follows_measures_under_its_own_user(
    bus: Bus, new_database: Callable[[str], str]
) -> None:
    dsn = new_database("gateway")
    app = create_gateway(
        GatewaySettings(
            database_url=dsn,
            redis_url=bus.url("gateway"),
            participation_url="http://127.0.0.1:9",  # not running: a comment is limited, then 503
            catalog_url="http://127.0.0.1:9",
            **FAST,
        )
    )
    email, password = f"mod-{uuid.uuid4().hex[:6]}@example.org", "correct horse battery staple"
    await add_staff(dsn, email=email, password=password, role="moderator")
    async with running_service(app) as gateway:
        wrong = await gateway.post("/api/v1/auth/login", json={"email": email, "password": "wrong"})
        assert wrong.status_code == 401, wrong.text
        ok = await gateway.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert ok.status_code == 200, ok.text
        assert (await gateway.get("/api/v1/auth/me")).status_code == 200
        gateway.headers["X-CSRF-Token"] = gateway.cookies["radar_csrf"]
        assert (await gateway.post("/api/v1/auth/logout")).status_code == 200
        comment = await gateway.post("/api/v1/measures/e-akte/comments", json={"body": "Gut!"})
        assert comment.status_code == 503, comment.text  # past the rate limit, to a service that is away

        cache = app.state.gateway.cache
        before = cache.generation

        async def invalidated() -> bool:
            if cache.generation > before:
                return True
            # again until seen: the follower starts after the newest entry it finds at its start
            await publish_raw(bus.url("catalog"), measure_published(slug="e-akte"))
            return False

        await eventually(invalidated)
        assert (await gateway.get("/readyz")).status_code == 200
    assert await bus.refusals() == []
