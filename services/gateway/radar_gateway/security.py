"""ASGI middleware at the public edge: security headers, HEAD, cross-site writes, the body limit.

- Every answer, errors and 304s included, carries the same strict Content-Security-Policy and
  its companions, and outside development Strict-Transport-Security. Personal and staff answers
  (PRIVATE_PATHS) carry `Cache-Control: no-store` instead of whatever the route said.
- A state-changing request a browser sent from another site is refused 403 CROSS_SITE_REQUEST
  before anything reads it, besides the CSRF token the routes check.
- No request body passes the limit, whatever the method: 413 BODY_TOO_LARGE.
- HEAD works wherever GET does, and a 405's Allow names HEAD beside GET.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from radar_lib.web import error_response

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
NO_STORE = (b"cache-control", b"no-store")
# Answers for one person only, by route class: staff sessions (log-in, the moderation API, the
# editor and its log-in and log-out pages), a participant's own comments, and a subscriber's
# address and subscriptions (the manage link, page and API).
PRIVATE_PATHS = (
    "/api/v1/auth", "/api/v1/moderation", "/api/v1/comments", "/redaktion", "/anmelden", "/abmelden",
    "/subscriptions/manage", "/api/v1/subscriptions/manage",
)  # fmt: skip
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_PORTS = {"http": 80, "https": 443}


class PublicAnswers:
    """How every answer leaves: with the security headers, and to a HEAD as to a GET, without its body.

    Private paths get `no-store` instead of whatever the route said. A HEAD runs as GET, so its
    headers are those of the GET (Content-Length, ETag, Last-Modified included) and a conditional
    HEAD gets its 304 too; every 405 whose Allow names GET names HEAD as well. Both in one
    middleware: each wrapper around `send` costs every answer.
    """

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.headers = SECURITY_HEADERS + ([HSTS] if hsts else [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = scope["path"].startswith(PRIVATE_PATHS)
        head = scope["method"] == "HEAD"

        async def send_public(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                if message["status"] == 405:
                    headers = [_with_head(h) for h in headers]
                if private:
                    headers = [h for h in headers if h[0].lower() != b"cache-control"] + [NO_STORE]
                message["headers"] = [*headers, *self.headers]
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"} if head else scope, receive, send_public)


def _with_head(header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    name, value = header
    methods = [m.strip() for m in value.split(b",")]
    if name.lower() == b"allow" and b"GET" in methods and b"HEAD" not in methods:
        return name, value + b", HEAD"
    return header


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def public_origin(public_url: str) -> bytes:
    """The origin a browser names for pages of this site: scheme, host and a port other than the default."""
    parts = urlsplit(public_url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    host = f"[{host}]" if ":" in host else host
    port = f":{parts.port}" if parts.port and parts.port != DEFAULT_PORTS.get(scheme) else ""
    return f"{scheme}://{host}{port}".encode()


# RFC 8058 one-click unsubscribe (web/subscribe.py): exactly this method and path, from any site
ONE_CLICK = ("POST", "/subscriptions/unsubscribe")


class CrossSiteRefusal:
    """Refuses POST, PUT, PATCH and DELETE that a browser sent from another site.

    Browsers say where a request comes from: `Sec-Fetch-Site` (cross-site for another site) and
    `Origin`, which must be this site's public origin (settings.public_url). A request with
    neither header (curl, server to server) goes on to the routes' CSRF checks as before.
    The one exception is ONE_CLICK: a mail client's RFC 8058 unsubscribe, whose signed token is
    its only credential, may come from anywhere.
    """

    def __init__(self, app: ASGIApp, *, public_url: str, loopback_aliases: bool = False) -> None:
        self.app = app
        self.origins = {public_origin(public_url)}
        parts = urlsplit(public_url)
        if loopback_aliases and parts.hostname in LOOPBACK_NAMES:  # `radar up`: localhost is the same site
            self.origins |= {public_origin(parts._replace(netloc=f"{name}:{parts.port}").geturl())
                             for name in ("127.0.0.1", "localhost", "[::1]")}  # fmt: skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in UNSAFE_METHODS
            and (scope["method"], scope["path"]) != ONE_CLICK
            and self._cross_site(scope)
        ):
            response = error_response(
                403, "CROSS_SITE_REQUEST", "Changes are only accepted from pages of this site."
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _cross_site(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"sec-fetch-site" and value == b"cross-site":
                return True
            if name == b"origin" and value.lower() not in self.origins:
                return True
        return False


MAX_TARGET_BYTES = 4_096  # well below what the services' HTTP parsers accept


class BodyLimit:
    """Refuses a request body over the limit with 413 before any route sees it, whatever the method.

    Bytes are counted as they arrive: a declared Content-Length over the limit is refused before
    one is read, a chunked body as soon as it passes the limit, so a request never holds more
    than the limit in memory. An HTTP/1 request without Content-Length or Transfer-Encoding has
    no body and passes untouched.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        if target > MAX_TARGET_BYTES:  # a service's HTTP parser would refuse it in plain text
            response = error_response(
                414, "URI_TOO_LONG", f"Paths and queries are at most {MAX_TARGET_BYTES} bytes."
            )
            await response(scope, receive, send)
            return
        declared: bytes | None = None
        framed = scope.get("http_version") not in ("1.0", "1.1")  # HTTP/2 and 3 need no header for a body
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared, framed = value, True
            elif name == b"transfer-encoding":
                framed = True
        if not framed:
            await self.app(scope, receive, send)
            return
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413, "BODY_TOO_LARGE", f"The request body is larger than {self.max_bytes} bytes."
        )
        await response(scope, receive, send)
