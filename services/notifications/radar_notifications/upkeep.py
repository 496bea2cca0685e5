"""Supervised upkeep: the daily digest, expiry of unconfirmed subscriptions, and retention.

The digest runs once a day at digest_time (in digest_timezone): the first replica to record
the day in digest_runs collects, in that same transaction, every waiting delivery into one
digest delivery per subscriber; a replica that starts late the same day still runs it, and a
second run of the day finds the day recorded and does nothing.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import asyncpg

from radar_lib.failures import is_transient
from radar_notifications.config import NotificationsSettings
from radar_notifications.store import digests
from radar_notifications.store import forgetting as store

log = logging.getLogger(__name__)

CHECK_SECONDS = 30.0  # how often the digest task looks at the clock


async def run_digest(pool: asyncpg.Pool, *, run_date: date) -> int:
    """Collect the waiting deliveries into digests, once for this day; how many digests were made."""
    made = 0
    async with pool.acquire() as conn, conn.transaction():
        if not await digests.claim_run(conn, run_date):
            return 0
        rows = await digests.waiting(conn)
        for subscriber_id, group in itertools.groupby(rows, key=lambda r: r["subscriber_id"]):
            items = list(group)
            await digests.add_digest(
                conn,
                run_date=run_date,
                subscriber_id=subscriber_id,
                items=[
                    {
                        "kind": r["kind"],
                        "payload": json.loads(r["payload"]),
                        "occurred_at": r["occurred_at"].isoformat(),
                    }
                    for r in items
                ],
                included=[r["delivery_id"] for r in items],
                language=items[-1]["language"],
            )
            made += 1
    if made:
        log.info("digest of %s: %d subscriber(s)", run_date, made)
    return made


def digest_due(now: datetime, *, at: str) -> date | None:
    """The day whose digest is due at `now` (local time), or None before today's digest time."""
    hours, minutes = (int(part) for part in at.split(":"))
    return now.date() if now.time() >= time(hours, minutes) else None


async def keep_digests(pool: asyncpg.Pool, settings: NotificationsSettings) -> None:
    """Run each day's digest once its time has come."""
    zone = ZoneInfo(settings.digest_timezone)
    while True:
        due = digest_due(datetime.now(zone), at=settings.digest_time)
        if due is not None:
            try:
                await run_digest(pool, run_date=due)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                log.warning("digest: %s; trying again later", exc)
        await asyncio.sleep(CHECK_SECONDS)


async def sweep(pool: asyncpg.Pool, settings: NotificationsSettings) -> None:
    """Delete expired unconfirmed subscriptions, forget addresses left without any, apply retention."""
    async with pool.acquire() as conn, conn.transaction():
        touched = await store.expire_unconfirmed(conn)
        await store.forget_if_unsubscribed(conn, touched)
    async with pool.acquire() as conn, conn.transaction():
        await store.forget_if_unsubscribed(conn, await store.idle_subscribers(conn))
    async with pool.acquire() as conn, conn.transaction():
        await store.delete_old_deliveries(conn, older_than_days=settings.delivery_keep_days)


async def keep_sweeping(pool: asyncpg.Pool, settings: NotificationsSettings) -> None:
    """Sweep every sweep_interval_seconds."""
    while True:
        try:
            await sweep(pool, settings)
        except Exception as exc:
            if not is_transient(exc):
                raise
            log.warning("sweep: %s; trying again later", exc)
        await asyncio.sleep(settings.sweep_interval_seconds)
