"""The public JSON API: forwarding of /api/v1 to the services that own each path (log-in: auth_api.py)."""

from __future__ import annotations

import hmac
import re
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from radar_gateway.cache import CachedResponse
from radar_gateway.config import GatewaySettings
from radar_gateway.context import Gateway, gateway_of
from radar_gateway.forward import routed_path, wire_query
from radar_gateway.identity import PARTICIPANT_COOKIE, read_participant, sign_participant
from radar_gateway.limits import Kind, client_key, take
from radar_gateway.security import UNSAFE_METHODS
from radar_gateway.security_log import Event, record
from radar_gateway.sessions import CSRF_HEADER, SESSION_COOKIE, Session, load_session
from radar_gateway.web.i18n import LANG_COOKIE
from radar_gateway.web.page_cache import cookies_of
from radar_gateway.web.render import FORM_COOKIE
from radar_lib.token import ANONYMOUS, Principal
from radar_lib.web import ApiError, error_response

router = APIRouter(prefix="/api/v1")


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]  # matched against the decoded path below /api/v1 (forward.routed_path)
    service: str
    as_participant: bool  # participation sees citizens by their pseudonymous id
    limits: dict[str, Kind] = field(default_factory=dict)  # method -> what it counts toward (limits.py)


ROUTES = [
    Route(re.compile(r"^/measures/[^/]+/comments$"), "participation", True, {"POST": Kind.COMMENT}),
    Route(re.compile(r"^/measures/[^/]+/rating$"), "participation", True, {"PUT": Kind.RATING}),
    Route(re.compile(r"^/comments/[^/]+/reports$"), "participation", True, {"POST": Kind.REPORT}),
    Route(re.compile(r"^/comments(/.*)?$"), "participation", True),
    Route(re.compile(r"^/me(/.*)?$"), "participation", True),
    Route(re.compile(r"^/counts$"), "participation", False),
    Route(re.compile(r"^/subscriptions/(confirm|manage|unsubscribe)$"), "notifications", False),
    # a participant's subscriptions and watches go with their erasure
    Route(re.compile(r"^/subscriptions$"), "notifications", True, {"POST": Kind.SUBSCRIBE}),
    Route(re.compile(r"^/comment-watch$"), "notifications", True, {"POST": Kind.SUBSCRIBE}),
    Route(re.compile(r"^/moderation(/.*)?$"), "moderation", False),
    Route(re.compile(r"^/(netiquette|transparency)(/.*)?$"), "moderation", False),
    Route(
        re.compile(
            r"^/(editions|fields|core-areas|measures|changes|export|principles|departments|reports|decisions)(/.*)?$"
        ),
        "catalog",
        False,
    ),
]


@lru_cache(maxsize=4096)
def route_of(path: str) -> Route | None:
    """The route of a decoded path, remembered: the same few paths come again and again."""
    return next((r for r in ROUTES if r.pattern.match(path)), None)


def methods_of_own_routes(request: Request) -> set[str]:
    """The methods the gateway's own API routes (log-in, log-out, me) take at this path; empty for none.

    main.py records them in app.state.own_api_routes (path: methods); they take no parameters.
    """
    own: dict[str, set[str]] = getattr(request.app.state, "own_api_routes", {})
    return own.get(request.url.path, set())


def _set_cookie(response: Response, settings: GatewaySettings, name: str, value: str, **kw: Any) -> None:
    response.set_cookie(name, value, secure=settings.secure_cookies, samesite="lax", path="/", **kw)


async def _staff_session(request: Request, gw: Gateway) -> Session | None:
    session = await load_session(
        gw.redis, request.cookies.get(SESSION_COOKIE), key=gw.settings.session_id_key
    )
    if session is not None and request.method in UNSAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
            address = client_key(request, gw.settings.address_hash_key)
            record(Event.CSRF_FAILED, address=address, method=request.method, path=request.url.path,
                   staff_id=str(session.staff_id))  # fmt: skip
            raise ApiError(403, "CSRF_FAILED", "The X-CSRF-Token header is missing or wrong.")
    return session


def _reported_comment(path: str) -> uuid.UUID | None:
    """The comment a report is about, if its id is a UUID (else participation refuses it)."""
    try:
        return uuid.UUID(path.split("/")[2])
    except ValueError:
        return None


ERASURE = ("POST", "/me/erasure")  # once it is accepted, the browser's pseudonym goes with its data


# every method: what a service does not take, it answers 405 with its own Allow
FORWARDED_METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "TRACE"]


@router.api_route("/{path:path}", methods=FORWARDED_METHODS, include_in_schema=False)
async def forward(request: Request) -> Response:
    """Send the request on to the service that owns the path, with the caller's principal.

    The route, the rate limit and the forwarded path all come from one routed_path: the
    service receives exactly the path that was routed and limited here.
    """
    gw = gateway_of(request)
    path = routed_path(request.scope, prefix=router.prefix)
    route = route_of(path.decoded)
    if route is None:
        allowed = methods_of_own_routes(request)
        if allowed:
            refusal = error_response(405, "METHOD_NOT_ALLOWED", f"{request.method} is not allowed here.")
            refusal.headers["Allow"] = ", ".join(sorted(allowed))
            return refusal
        raise ApiError(404, "NOT_FOUND", f"There is no API at /api/v1{path.wire}.")
    body = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if request.method in UNSAFE_METHODS and body and content_type != "application/json":
        raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send JSON with Content-Type: application/json.")
    new_participant: uuid.UUID | None = None
    principal: Principal = ANONYMOUS
    if route.as_participant:
        participant_id = read_participant(
            request.cookies.get(PARTICIPANT_COOKIE), key=gw.settings.participant_cookie_key
        )
        if (
            participant_id is None
            and request.method in UNSAFE_METHODS
            and (request.method, path.decoded) != ERASURE
        ):
            participant_id = new_participant = uuid.uuid4()  # a first change makes a participant
        if participant_id is not None:
            principal = Principal(kind="participant", id=participant_id)
            kind = route.limits.get(request.method)
            if kind is not None:
                comment_id = _reported_comment(path.decoded) if kind is Kind.REPORT else None
                await take(request, gw, kind, participant_id, comment_id=comment_id)
    else:
        session = await _staff_session(request, gw)
        if session is not None:
            principal = Principal(kind="staff", id=session.staff_id, roles=session.roles)
    incoming = {k.lower(): v for k, v in request.headers.items()}
    query = wire_query(request.scope)
    if request.method == "GET" and route.service == "catalog" and principal is ANONYMOUS:
        return await _public_read(gw, path=path.wire, query=query, incoming=incoming)
    response = await gw.forwarder.forward(
        service=route.service,
        method=request.method,
        path=path.wire,
        query=query,
        body=body,
        incoming=incoming,
        principal=principal,
    )
    if (request.method, path.decoded) == ERASURE and response.status_code == 202:
        _set_cookie(response, gw.settings, PARTICIPANT_COOKIE, "", httponly=True, max_age=0)
    elif new_participant is not None and response.status_code < 400:
        cookie = sign_participant(new_participant, key=gw.settings.participant_cookie_key)
        _set_cookie(response, gw.settings, PARTICIPANT_COOKIE, cookie, httponly=True, max_age=365 * 86400)
    return response


async def _public_read(gw: Gateway, *, path: str, query: str, incoming: dict[str, str]) -> Response:
    """A catalog read from the cache when it holds one; revalidation by ETag answers 304.

    The answer's language follows `?lang=` or else Accept-Language: both are part of the cache key,
    and `Vary: Accept-Language` tells every shared cache on the way.
    """
    key = read_key(path, query, incoming.get("accept-language", ""))
    entry = gw.cache.get(key)
    if entry is None:
        generation = gw.cache.generation
        upstream_headers = {k: v for k, v in incoming.items() if k != "if-none-match"}
        response = await gw.forwarder.forward(
            service="catalog", method="GET", path=path, query=query, body=b"",
            incoming=upstream_headers, principal=ANONYMOUS,
        )  # fmt: skip
        if response.status_code != 200:
            return response
        passed = {k: v for k, v in response.headers.items() if k in ("content-type", "content-disposition")}
        entry = gw.cache.put(
            key, status=200, body=bytes(response.body), headers=passed, generation=generation
        )
    return read_answer(entry, incoming.get("if-none-match", ""))


def read_key(path: str, query: str, accept_language: str) -> str:
    """The cache key of a public catalog read: the path and query on the wire, and the languages asked for."""
    return f"{path}?{query}|{accept_language}"


def read_answer(entry: CachedResponse, if_none_match: str) -> Response:
    """A kept catalog read, or 304 when the client holds it already."""
    validators = {"etag": entry.etag, "cache-control": "public, no-cache", "vary": "Accept-Language"}
    if entry.etag in {t.strip() for t in if_none_match.split(",")}:
        return Response(status_code=304, headers=validators)
    return Response(content=entry.body, status_code=entry.status, headers={**entry.headers, **validators})


class KeptReads:
    """The fast path of public catalog reads: a GET whose answer the cache holds is given before
    routing, when the request carries no cookie that could make it anyone's but the public's.

    Innermost of the middleware, as web/page_cache.py's KeptAnswers: the answer gets the security
    headers, HEAD, the metrics (under the forwarding route) and the last resort as routed ones do.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.route: BaseRoute | None = None  # the forwarding route, for the metrics' label

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        read = scope["type"] == "http" and scope["method"] == "GET" and scope["path"].startswith(API_PATHS)
        if read and self.route is not None:
            response = self._kept(scope, self.route)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
        if read and self.route is None and getattr(scope.get("route"), "endpoint", None) is forward:
            self.route = scope["route"]  # the routes set it; the first reads always go to them

    def _kept(self, scope: Scope, forwarding: BaseRoute) -> Response | None:
        if not cookies_of(scope).keys() <= PUBLIC_COOKIES:
            return None  # a staff session, or a cookie we do not know: the route decides
        headers = {name: value for name, value in scope["headers"] if name in READ_HEADERS}
        try:
            path = routed_path(scope, prefix=router.prefix)  # only catalog reads are ever kept under it
        except ApiError:
            return None  # a path the routes refuse, with their own answer
        gw: Gateway = scope["app"].state.gateway
        language = headers.get(b"accept-language", b"").decode("latin-1")
        entry = gw.cache.get(read_key(path.wire, wire_query(scope), language))
        if entry is None:
            return None
        scope["route"] = forwarding
        return read_answer(entry, headers.get(b"if-none-match", b"").decode("latin-1"))


API_PATHS = router.prefix + "/"
READ_HEADERS = frozenset({b"accept-language", b"if-none-match"})
PUBLIC_COOKIES = frozenset({PARTICIPANT_COOKIE, FORM_COOKIE, LANG_COOKIE})  # none of them is a staff member
