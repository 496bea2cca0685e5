"""Figures of the deliveries: pending, sent, failed, and the lag from event to delivery.

/metrics shows them from the process's own registry (radar_lib.metrics.REGISTRY): counters and
a lag histogram from what this process sent, and gauges of what the database holds, read by a
supervised task every few seconds (every replica sees the same table). `delivery_figures`
reads the same from one connection, for `radar status`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import asyncpg
from prometheus_client import Counter, Gauge, Histogram

from radar_lib.failures import is_transient
from radar_lib.metrics import REGISTRY

log = logging.getLogger(__name__)

SENT = Counter("radar_notifications_sent", "Deliveries sent by this process.", ["channel"], registry=REGISTRY)
FAILED = Counter(
    "radar_notifications_failed",
    "Deliveries that failed for good in this process.",
    ["channel"],
    registry=REGISTRY,
)
RETRIED = Counter(
    "radar_notifications_retried",
    "Refused attempts that are tried again later, in this process.",
    ["channel"],
    registry=REGISTRY,
)
LAG = Histogram(
    "radar_notifications_lag_seconds",
    "Time from an event to the delivery of its notification (mode digest: by the daily digest).",
    ["channel", "mode"],
    buckets=(1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 86400, 2 * 86400),
    registry=REGISTRY,
)
DELIVERIES = Gauge(
    "radar_notifications_deliveries",
    "Deliveries in the database by state (pending: due or retrying; waiting: for the digest).",
    ["state"],
    registry=REGISTRY,
)
OLDEST_PENDING = Gauge(
    "radar_notifications_oldest_pending_seconds",
    "Age of the oldest event whose delivery is still pending (0: none).",
    registry=REGISTRY,
)
STATES = ("pending", "waiting", "sent", "failed", "digested")


def observe_sent(channel: str, *, digest: bool, lag_seconds: float) -> None:
    SENT.labels(channel).inc()
    LAG.labels(channel, "digest" if digest else "immediate").observe(max(0.0, lag_seconds))


def observe_failed(channel: str) -> None:
    FAILED.labels(channel).inc()


def observe_retry(channel: str) -> None:
    RETRIED.labels(channel).inc()


@dataclass(frozen=True)
class DeliveryFigures:
    """What the deliveries table says now; lag over the last day's deliveries sent at once (no digests)."""

    by_state: dict[str, int]
    oldest_pending_seconds: float | None
    lag_median_seconds: float | None
    lag_p90_seconds: float | None
    paused_subscribers: int


async def delivery_figures(conn: asyncpg.Connection | asyncpg.Pool) -> DeliveryFigures:
    """Read the figures of the notifications database (for /metrics and `radar status`)."""
    states = {
        r["state"]: int(r["n"])
        for r in await conn.fetch("SELECT state, count(*) AS n FROM deliveries GROUP BY state")
    }
    row = await conn.fetchrow(
        "SELECT (SELECT extract(epoch FROM now() - min(occurred_at))::float8 FROM deliveries"
        "  WHERE state = 'pending') AS oldest,"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - occurred_at)) AS p50,"
        " percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - occurred_at)) AS p90,"
        " (SELECT count(*) FROM subscribers WHERE paused_at IS NOT NULL) AS paused"
        " FROM deliveries WHERE state = 'sent' AND kind <> 'digest' AND sent_at > now() - interval '1 day'"
    )
    assert row is not None  # an aggregate always returns a row
    return DeliveryFigures(
        by_state={state: states.get(state, 0) for state in STATES},
        oldest_pending_seconds=row["oldest"],
        lag_median_seconds=row["p50"],
        lag_p90_seconds=row["p90"],
        paused_subscribers=int(row["paused"]),
    )


async def keep_figures(pool: asyncpg.Pool, *, interval: float) -> None:
    """Refresh the gauges from the database every `interval` seconds."""
    while True:
        try:
            found = await delivery_figures(pool)
            for state, count in found.by_state.items():
                DELIVERIES.labels(state).set(count)
            OLDEST_PENDING.set(found.oldest_pending_seconds or 0.0)
        except Exception as exc:
            if not is_transient(exc):
                raise
            log.warning("delivery figures: %s; trying again later", exc)
        await asyncio.sleep(interval)
