"""Forwarding to the services: one kept-alive aiohttp session, a signed principal, the trace context."""

from __future__ import annotations

import aiohttp
from fastapi import Response
from opentelemetry import propagate

from radar_lib.token import HEADER, Principal, sign
from radar_lib.web import error_response

PASSED_REQUEST_HEADERS = ("content-type", "accept", "accept-language", "if-none-match", "if-modified-since")
PASSED_RESPONSE_HEADERS = (
    "content-type", "etag", "cache-control", "last-modified", "content-disposition", "retry-after", "vary",
)  # fmt: skip


class Forwarder:
    """Sends a request on to one service and hands its answer back."""

    def __init__(self, *, urls: dict[str, str], secret: str, timeout_seconds: float) -> None:
        self._urls = urls
        self._secret = secret
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=256, keepalive_timeout=60)
        self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout)

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def forward(
        self,
        *,
        service: str,
        method: str,
        path: str,
        query: str,
        body: bytes,
        incoming: dict[str, str],
        principal: Principal,
    ) -> Response:
        """The service's answer to this request, or 502/503/504 with an error code."""
        assert self._session is not None, "the forwarder is not started"
        headers = {k: v for k, v in incoming.items() if k in PASSED_REQUEST_HEADERS}
        headers[HEADER] = sign(principal, secret=self._secret)
        propagate.inject(headers)
        url = f"{self._urls[service]}{path}" + (f"?{query}" if query else "")
        try:
            async with self._session.request(method, url, data=body or None, headers=headers) as upstream:
                content = await upstream.read()
                passed = {k: v for k, v in upstream.headers.items() if k.lower() in PASSED_RESPONSE_HEADERS}
                return Response(content=content, status_code=upstream.status, headers=passed)
        except TimeoutError:
            return error_response(504, "SERVICE_TIMEOUT", f"The {service} service did not answer in time.")
        except aiohttp.ClientConnectionError:
            return error_response(503, "SERVICE_UNAVAILABLE", f"The {service} service is not reachable.")
