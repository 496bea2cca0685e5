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
from collections.abc import Callable, Sequence

from redis.asyncio import Redis

from radar_gateway.failures import REDIS_AWAY, RETRY_AFTER_SECONDS

Window = tuple[str, int, int]  # key, how many it allows, its length in seconds
KEY_PREFIX = "radar:rate:"
# every window of a request in one round trip, the way LocalWindows counts them: each counts one
# until one is over its limit, whose seconds left are the answer (0: none is)
TAKE = """
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[2 * i], 'NX')
  if count > tonumber(ARGV[2 * i - 1]) then
    return math.max(redis.call('TTL', key), 1)
  end
end
return 0
"""


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
        self._take_in_redis = redis.register_script(TAKE)  # EVALSHA; loaded again after a restart
        self._local = LocalWindows()
        self._redis_away_until = 0.0

    async def take(self, windows: Sequence[Window]) -> int:
        """Count one request in each window, in order, until one is full; return 0 if none is, else
        the seconds until the full one ends (the windows after it are not counted)."""
        if time.monotonic() >= self._redis_away_until:
            keys = [f"{KEY_PREFIX}{key}" for key, _, _ in windows]
            sizes = [n for _, limit, seconds in windows for n in (limit, seconds)]
            try:
                return int(await self._take_in_redis(keys=keys, args=sizes))
            except REDIS_AWAY:
                self._redis_away_until = time.monotonic() + RETRY_AFTER_SECONDS
        for key, limit, seconds in windows:
            if wait := self._local.take(key=key, limit=limit, window_seconds=seconds):
                return wait
        return 0
