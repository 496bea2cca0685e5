"""Retention trims only what every group acknowledged, and keeps the newest entries."""

from __future__ import annotations

from typing import Any

import pytest
from redis.asyncio import Redis

from radar_lib.trimmer import trim_stream

pytestmark = pytest.mark.integration
STREAM = "radar.retention.test"


async def fill(redis: Redis, count: int) -> list[Any]:
    return [await redis.xadd(STREAM, {"n": str(n)}) for n in range(count)]


async def left(redis: Redis) -> list[bytes]:
    entries: Any = await redis.xrange(STREAM)
    return [entry_id for entry_id, _ in entries]


async def test_entries_a_group_has_not_acknowledged_are_never_trimmed(redis: Redis) -> None:
    ids = await fill(redis, 300)
    await redis.xgroup_create(STREAM, "fast", id="0")
    await redis.xgroup_create(STREAM, "slow", id="0")
    await redis.xreadgroup("fast", "f", {STREAM: ">"}, count=300)
    await redis.xack(STREAM, "fast", *ids)
    await redis.xreadgroup("slow", "s", {STREAM: ">"}, count=150)
    await redis.xack(STREAM, "slow", *ids[:100])  # 100..149 pending, 150.. not read yet

    await trim_stream(redis, STREAM, keep=10, lag_alarm=1_000)
    remaining = await left(redis)
    assert set(ids[100:]) <= set(remaining), "an entry the slow group still needs was trimmed"
    assert len(remaining) < 300, "nothing was trimmed"


async def test_acknowledged_entries_are_trimmed_down_to_the_newest_kept(redis: Redis) -> None:
    ids = await fill(redis, 500)
    await redis.xgroup_create(STREAM, "all", id="0")
    await redis.xreadgroup("all", "a", {STREAM: ">"}, count=500)
    await redis.xack(STREAM, "all", *ids)

    await trim_stream(redis, STREAM, keep=50, lag_alarm=1_000)
    remaining = await left(redis)
    assert set(ids[-50:]) <= set(remaining)
    assert len(remaining) < 500


async def test_group_far_behind_is_reported(redis: Redis, caplog: pytest.LogCaptureFixture) -> None:
    await fill(redis, 200)
    await redis.xgroup_create(STREAM, "asleep", id="0")
    await trim_stream(redis, STREAM, keep=10, lag_alarm=100)
    assert "group asleep is 200 entries behind" in caplog.text
    assert len(await left(redis)) == 200


async def test_entry_acknowledged_while_the_floor_is_read_does_not_stop_retention(redis_url: str) -> None:
    class AcksRightAfterXinfo(Redis):
        """The group acknowledges its last pending entry between XINFO GROUPS and XPENDING."""

        async def xinfo_groups(self, name: Any) -> Any:
            groups = await super().xinfo_groups(name)
            await self.xack(STREAM, "busy", *ids)
            return groups

    redis = AcksRightAfterXinfo.from_url(redis_url)
    ids = await fill(redis, 20)
    await redis.xgroup_create(STREAM, "busy", id="0")
    await redis.xreadgroup("busy", "b", {STREAM: ">"}, count=20)
    await trim_stream(redis, STREAM, keep=5, lag_alarm=1_000)
    assert set(ids[-5:]) <= set(await left(redis))
    await redis.aclose()
