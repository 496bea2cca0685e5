"""What a running gateway process holds, reachable from every route."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from fastapi import Request
from redis.asyncio import Redis

from radar_gateway.cache import PublicReadCache
from radar_gateway.config import GatewaySettings
from radar_gateway.forward import Forwarder


@dataclass
class Gateway:
    settings: GatewaySettings
    pool: asyncpg.Pool
    redis: Redis
    forwarder: Forwarder
    cache: PublicReadCache


def gateway_of(request: Request) -> Gateway:
    return request.app.state.gateway
