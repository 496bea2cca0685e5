"""Fixed-window rate limits kept in Redis, shared by every gateway process."""

from __future__ import annotations

from redis.asyncio import Redis


async def take(redis: Redis, *, key: str, limit: int, window_seconds: int) -> int:
    """Count one request; return 0 if it is allowed, else the seconds until the window ends."""
    full_key = f"radar:rate:{key}"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(full_key)
        pipe.expire(full_key, window_seconds, nx=True)
        pipe.ttl(full_key)
        count, _, ttl = await pipe.execute()
    return 0 if int(count) <= limit else max(int(ttl), 1)
