"""What a running gateway process holds, reachable from every route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import asyncpg
from fastapi import Request
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from radar_gateway.accounts import PasswordChecks
from radar_gateway.cache import PublicReadCache
from radar_gateway.config import GatewaySettings
from radar_gateway.forward import Forwarder
from radar_gateway.ratelimit import RateLimiter


@dataclass
class Gateway:
    settings: GatewaySettings
    pool: asyncpg.Pool
    redis: Redis  # sessions, log-in slow-down and rate limits: short timeouts, see request_redis
    forwarder: Forwarder
    cache: PublicReadCache
    pages: PublicReadCache  # rendered public pages (web/page_cache.py)
    limiter: RateLimiter = field(init=False)
    password_checks: PasswordChecks = field(init=False)  # argon2 work of this process, bounded

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.redis)
        self.password_checks = PasswordChecks(
            at_once=self.settings.password_checks_at_once, waiting=self.settings.password_checks_waiting
        )


@asynccontextmanager
async def request_redis(settings: GatewaySettings) -> AsyncIterator[Redis]:
    """A Redis client for the request path: while Redis is away a call fails fast, never hangs a request."""
    timeout = settings.redis_request_timeout_seconds
    redis = Redis.from_url(
        settings.redis_url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), retries=1),  # one retry: a pooled connection may predate a Redis restart
    )
    try:
        yield redis
    finally:
        await redis.aclose()


def gateway_of(request: Request) -> Gateway:
    return request.app.state.gateway
