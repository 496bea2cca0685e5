"""Forwarding to the services: one kept-alive aiohttp session, a signed principal, the trace context.

A service receives exactly the path that was routed and limited at the gateway: `routed_path`
splits the path the client sent (the raw bytes, before any decoding) into segments, decodes
each once, refuses a segment that would move the request elsewhere once decoded (`.`, `..`,
an encoded `/`, `?` or `#`, a control character, bytes that are no UTF-8) with 404
PATH_SEGMENT_INVALID, and quotes each segment again. The forwarder sends that path as it is,
never re-parsed, so the service decodes it to the very segments the gateway routed on.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import quote, quote_from_bytes, unquote_to_bytes

import aiohttp
from fastapi import Response
from opentelemetry import propagate
from starlette.types import Scope
from yarl import URL

from radar_gateway.security_log import record_service_refusal
from radar_lib.token import HEADER, Principal, Target, sign
from radar_lib.web import ApiError, error_response

PASSED_REQUEST_HEADERS = (
    "content-type", "accept", "accept-language", "if-none-match", "if-modified-since", "idempotency-key",
)  # fmt: skip
PASSED_RESPONSE_HEADERS = (
    "content-type", "etag", "cache-control", "last-modified", "content-disposition", "retry-after", "vary",
    "allow", "idempotent-replayed",
)  # fmt: skip
SEGMENT_SAFE = "!$&'()*+,;=:@"  # RFC 3986 pchar besides letters, digits and -._~: stays as it is
QUERY_SAFE = SEGMENT_SAFE + "/?%"  # a query is passed on as sent; only what may not stand in a URL is escaped
_UNSAFE_IN_SEGMENT = re.compile(r"[/?#\x00-\x1f\x7f-\x9f]")
_PLAIN_PATH = re.compile(rb"[A-Za-z0-9\-._~!$&'()*+,;=:@/]*")  # nothing in it to decode, quote or refuse


class RoutedPath(NamedTuple):
    """A request's path below a prefix: as routes and limits see it, and as the service receives it."""

    decoded: str  # "/measures/e-akte/comments": what the route and the rate limits are chosen on
    wire: str  # the same segments percent-encoded again: the service decodes it to `decoded`


def routed_path(scope: Scope, *, prefix: str) -> RoutedPath:
    """The path of this request below `prefix`, segment by segment; 404 PATH_SEGMENT_INVALID for a detour."""
    raw = (scope.get("raw_path") or quote(scope["path"]).encode()).partition(b"?")[0]  # some keep the query
    if b"/." not in raw and _PLAIN_PATH.fullmatch(raw) and raw.startswith(prefix.encode()):
        below = raw[len(prefix) :].decode()  # the common case: nothing to decode, quote or refuse
        return RoutedPath(decoded=below, wire=below)
    segments = [_segment(s) for s in raw.split(b"/")]
    below = segments[prefix.count("/") + 1 :]
    return RoutedPath(
        decoded="/" + "/".join(below), wire="/" + "/".join(quote(s, safe=SEGMENT_SAFE) for s in below)
    )


def _segment(raw: bytes) -> str:
    try:
        text: str | None = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or text in (".", "..") or _UNSAFE_IN_SEGMENT.search(text):
        raise ApiError(404, "PATH_SEGMENT_INVALID", "A path segment holds a character or a name it may not.")
    return text


def wire_query(scope: Scope) -> str:
    """The query string as the client sent it, with only what may not stand in a URL escaped."""
    return quote_from_bytes(scope["query_string"], safe=QUERY_SAFE)


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
        """The service's answer to this request, or 502/503/504 with an error code.

        `path` and `query` are sent as they are: percent-encoded already (routed_path, wire_query).
        """
        assert self._session is not None, "the forwarder is not started"
        headers = {k: v for k, v in incoming.items() if k in PASSED_REQUEST_HEADERS}
        propagate.inject(headers)
        url = URL(f"{self._urls[service]}{path}" + (f"?{query}" if query else ""), encoded=True)
        wire_path = url.raw_path  # what aiohttp sends, never re-parsed: the token is bound to it
        headers[HEADER] = sign(
            principal, secret=self._secret, target=Target(audience=service, method=method, path=wire_path)
        )
        try:
            async with self._session.request(method, url, data=body or None, headers=headers) as upstream:
                content = await upstream.read()
                if principal.kind == "staff":
                    record_service_refusal(status=upstream.status, body=content, service=service,
                                           method=method, path=path, staff_id=str(principal.id))  # fmt: skip
                passed = {k: v for k, v in upstream.headers.items() if k.lower() in PASSED_RESPONSE_HEADERS}
                return Response(content=content, status_code=upstream.status, headers=passed)
        except TimeoutError:
            return error_response(504, "SERVICE_TIMEOUT", f"The {service} service did not answer in time.")
        except aiohttp.ClientConnectionError:
            return error_response(503, "SERVICE_UNAVAILABLE", f"The {service} service is not reachable.")
