"""The rate limit's windows in Valkey (one script a request) and in memory while Valkey is away count
alike: each window of a request counts it, in order, until one is full; the ones after that are not
charged, so that a participant refused for their own flood does not use up their address's allowance."""

from __future__ import annotations

import socket

import pytest
from redis.asyncio import Redis

from radar_gateway.ratelimit import KEY_PREFIX, RateLimiter

pytestmark = pytest.mark.integration
PARTICIPANT, ADDRESS = ("comments:p:one", 2, 60), ("comments:a:shared", 3, 60)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _answers(limiter: RateLimiter) -> list[int]:
    """Four requests of one participant, then one of another participant at the same address."""
    answers = [await limiter.take([PARTICIPANT, ADDRESS]) for _ in range(4)]
    answers.append(await limiter.take([("comments:p:two", 2, 60), ADDRESS]))
    return [min(wait, 1) for wait in answers]  # refused (1) or not (0): the seconds left vary


async def test_windows_count_alike_in_valkey_and_in_memory(redis: Redis) -> None:
    in_valkey = await _answers(RateLimiter(redis))
    away = Redis(host="127.0.0.1", port=_closed_port(), socket_connect_timeout=0.5)
    in_memory = await _answers(RateLimiter(away))
    await away.aclose()

    assert in_valkey == in_memory == [0, 0, 1, 1, 0]  # the address was charged twice, not four times
    counts = [await redis.get(f"{KEY_PREFIX}{key}") for key in ("comments:p:one", "comments:a:shared")]
    assert counts == [b"4", b"3"]
    assert 0 < await redis.ttl(f"{KEY_PREFIX}comments:a:shared") <= 60


async def test_a_window_ends_once_whatever_its_key_held_before(redis: Redis) -> None:
    """A key left without an end (written by hand, or by a crash between two commands of older code)
    gets one; a window under way keeps its own end and is not made longer by the next request."""
    limiter = RateLimiter(redis)
    await redis.set(f"{KEY_PREFIX}comments:p:forever", 5)
    await redis.set(f"{KEY_PREFIX}comments:p:running", 1, ex=30)

    assert await limiter.take([("comments:p:forever", 10, 60)]) == 0
    assert await limiter.take([("comments:p:running", 10, 60)]) == 0

    assert 0 < await redis.ttl(f"{KEY_PREFIX}comments:p:forever") <= 60
    assert 0 < await redis.ttl(f"{KEY_PREFIX}comments:p:running") <= 30
