"""Webhook calls: a signed JSON payload to a public address, checked when registered and when sent.

Signature: the header X-Radar-Signature is "sha256=" and the hex HMAC-SHA256, keyed with the
subscriber's secret, of "<timestamp>.<body>", where the timestamp (Unix seconds) travels in
X-Radar-Timestamp; a receiver recomputes it and refuses old timestamps. X-Radar-Delivery is
the same for every try of one delivery.

Private, loopback, link-local and other local targets are refused, unless the setting
webhook_allow_private is on: a URL whose host spells such an address (addresses.target_of),
and a name that resolves to one. At sending the name is resolved again and the connection
goes to exactly the addresses that were checked (the resolver below hands them to aiohttp),
so a DNS answer that changes between check and call cannot redirect it. Redirects are not
followed and no proxy from the environment is used.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import socket
import time
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

from radar_lib.errors import RuleBroken
from radar_notifications.domain.addresses import Target, is_public, refused, target_of
from radar_notifications.sending.outcomes import SENT, Outcome
from radar_notifications.sending.outcomes import refused as refusal

RESOLVE_TIMEOUT = 5.0
USER_AGENT = "Digitalisierungsradar-Webhooks/1"


class AddressRefused(Exception):
    """A webhook's name resolved to an address that may not be called."""


def signature(secret: str, *, timestamp: str, body: bytes) -> str:
    """The value of X-Radar-Signature for this body at this timestamp."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


class PublicOnlyResolver(AbstractResolver):
    """Resolves a name and refuses it unless every address it has is public (or private ones are allowed)."""

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._inner = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if not self.allow_private:
            private = [r["host"] for r in found if not is_public(ipaddress.ip_address(r["host"]))]
            if private or not found:
                raise AddressRefused(f"{host} resolves to a non-public address")
        return found

    async def close(self) -> None:
        await self._inner.close()


async def check_webhook_url(url: str, *, allow_private: bool) -> Target:
    """A webhook URL that may be registered; WEBHOOK_URL_REFUSED when it can reach a local address."""
    target = target_of(url, allow_private=allow_private)
    if target.address is None and not allow_private:
        resolver = PublicOnlyResolver(allow_private=False)
        try:
            async with asyncio.timeout(RESOLVE_TIMEOUT):
                await resolver.resolve(target.host, target.port, socket.AF_UNSPEC)
        except AddressRefused as exc:
            raise refused(str(exc)) from None
        except (OSError, TimeoutError):
            raise refused(f"{target.host} cannot be resolved") from None
        finally:
            await resolver.close()
    return target


def _address_url(target: Target) -> str:
    """The URL with a literal host in its plain spelling: aiohttp then connects to that very address."""
    if target.address is None:
        return target.url
    host = str(target.address)
    return str(URL(target.url).with_host(host)) if host != target.host else target.url


class WebhookClient:
    """One HTTP client whose connections go only where the resolver allows."""

    def __init__(self, *, allow_private: bool, timeout: float) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(resolver=PublicOnlyResolver(allow_private=self.allow_private))
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=aiohttp.ClientTimeout(total=self.timeout), trust_env=False
            )
        return self._session

    async def call(self, url: str, *, secret: str, delivery_id: str, document: dict[str, Any]) -> Outcome:
        """POST the signed document; 2xx is sent, 408, 429 and 5xx are tried again, the rest refused."""
        try:
            target = target_of(url, allow_private=self.allow_private)
        except RuleBroken as exc:
            return refusal(f"refused target: {exc.message}", permanent=True)
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Radar-Delivery": delivery_id,
            "X-Radar-Timestamp": timestamp,
            "X-Radar-Signature": signature(secret, timestamp=timestamp, body=body),
        }
        try:
            async with self._client().post(
                _address_url(target), data=body, headers=headers, allow_redirects=False
            ) as response:
                status = response.status
        except AddressRefused as exc:
            return refusal(f"refused target: {exc}", permanent=True)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            return refusal(f"{type(exc).__name__}: {exc}", permanent=False)
        if 200 <= status < 300:
            return SENT
        return refusal(f"HTTP {status}", permanent=not (status in (408, 429) or status >= 500))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
