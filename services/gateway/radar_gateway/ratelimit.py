"""Fixed-window rate limits that hold while Redis is away.

Normally the windows live in Redis, shared by every gateway process. While Redis is away each
process counts in its own memory instead, with the same limits (so N processes let at most N
times as much through), in a table of bounded size. After a failure the process stays with
its own windows for a while rather than waiting on Redis for every request.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

from redis.asyncio import Redis

from radar_gateway.failures import REDIS_AWAY, RETRY_AFTER_SECONDS


class LocalWindows:
    """Fixed windows in this process's memory; past `max_keys` the oldest windows are forgotten."""

    def __init__(self, *, max_keys: int = 20_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._windows: OrderedDict[str, tuple[float, int]] = OrderedDict()  # key -> (ends at, count)
        self._max = max_keys
        self._clock = clock

    def take(self, *, key: str, limit: int, window_seconds: int) -> int:
        """Count one request; return 0 if it is allowed, else the seconds until the window ends."""
        now = self._clock()
        ends_at, count = self._windows.get(key, (0.0, 0))
        if ends_at <= now:  # a new window starts: it moves to the back, the oldest stay in front
            self._windows.pop(key, None)
            ends_at, count = now + window_seconds, 0
        self._windows[key] = (ends_at, count + 1)
        while len(self._windows) > self._max or next(iter(self._windows.values()))[0] <= now:
            self._windows.popitem(last=False)  # over the bound, or a window that has ended
        return 0 if count < limit else max(math.ceil(ends_at - now), 1)


class RateLimiter:
    """Windows in Redis, or in this process while Redis is away."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._local = LocalWindows()
        self._redis_away_until = 0.0

    async def take(self, *, key: str, limit: int, window_seconds: int) -> int:
        """Count one request; return 0 if it is allowed, else the seconds until the window ends."""
        if time.monotonic() >= self._redis_away_until:
            try:
                return await _take_in_redis(self._redis, key=key, limit=limit, window_seconds=window_seconds)
            except REDIS_AWAY:
                self._redis_away_until = time.monotonic() + RETRY_AFTER_SECONDS
        return self._local.take(key=key, limit=limit, window_seconds=window_seconds)


async def _take_in_redis(redis: Redis, *, key: str, limit: int, window_seconds: int) -> int:
    full_key = f"radar:rate:{key}"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(full_key)
        pipe.expire(full_key, window_seconds, nx=True)
        pipe.ttl(full_key)
        count, _, ttl = await pipe.execute()
    return 0 if int(count) <= limit else max(int(ttl), 1)
