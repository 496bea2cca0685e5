"""Redis away, as the gateway meets it: sessions, log-in slow-down and rate limits live there.

Where the gateway can go on without Redis (public pages, comment limits), it catches these
and degrades; elsewhere they reach `radar_lib.last_resort.LastResort`, which answers 503
UNAVAILABLE with Retry-After.
"""

from __future__ import annotations

from redis.exceptions import BusyLoadingError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from radar_lib.last_resort import RETRY_AFTER_SECONDS

REDIS_AWAY: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError, BusyLoadingError)

__all__ = ["REDIS_AWAY", "RETRY_AFTER_SECONDS"]
