"""The public JSON API: staff log-in, and forwarding of /api/v1 to the services that own each path."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from radar_gateway.accounts import authenticate
from radar_gateway.config import GatewaySettings
from radar_gateway.context import Gateway, gateway_of
from radar_gateway.identity import PARTICIPANT_COOKIE, read_participant, sign_participant
from radar_gateway.sessions import (
    CSRF_COOKIE,
    CSRF_HEADER,
    SESSION_COOKIE,
    Session,
    clear_login_failures,
    close_session,
    load_session,
    login_blocked_for,
    open_session,
    record_login_failure,
)
from radar_lib.token import ANONYMOUS, Principal
from radar_lib.web import ApiError

router = APIRouter(prefix="/api/v1")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    service: str
    as_participant: bool  # participation sees citizens by their pseudonymous id


ROUTES = [
    Route(re.compile(r"^/measures/[^/]+/comments$"), "participation", True),
    Route(re.compile(r"^/comments(/.*)?$"), "participation", True),
    Route(re.compile(r"^/moderation(/.*)?$"), "moderation", False),
    Route(
        re.compile(r"^/(fields|core-areas|measures|changes|export|principles|departments)(/.*)?$"),
        "catalog",
        False,
    ),
]


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


def _set_cookie(response: Response, settings: GatewaySettings, name: str, value: str, **kw: Any) -> None:
    response.set_cookie(name, value, secure=settings.secure_cookies, samesite="lax", path="/", **kw)


@router.post("/auth/login")
async def login(credentials: LoginIn, request: Request) -> JSONResponse:
    """Open a staff session: HttpOnly session cookie plus a readable CSRF cookie."""
    gw = gateway_of(request)
    s = gw.settings
    wait = await login_blocked_for(gw.redis, credentials.email, allowed=s.login_failures_allowed)
    if wait:
        raise ApiError(429, "TOO_MANY_LOGIN_ATTEMPTS", "Too many failed log-ins; try again later.",
                       retry_after=wait)  # fmt: skip
    account = await authenticate(gw.pool, email=credentials.email, password=credentials.password)
    if account is None:
        await record_login_failure(gw.redis, credentials.email, window_seconds=s.login_window_seconds)
        raise ApiError(401, "LOGIN_FAILED", "E-mail or password is wrong.")
    await clear_login_failures(gw.redis, credentials.email)
    token, session = await open_session(gw.redis, account, hours=s.session_hours)
    body = {"staff": {"id": str(account.staff_id), "email": account.email, "roles": sorted(account.roles)}}
    response = JSONResponse(body)
    _set_cookie(response, s, SESSION_COOKIE, token, httponly=True, max_age=s.session_hours * 3600)
    _set_cookie(response, s, CSRF_COOKIE, session.csrf, httponly=False, max_age=s.session_hours * 3600)
    return response


async def _staff_session(request: Request, gw: Gateway) -> Session | None:
    session = await load_session(gw.redis, request.cookies.get(SESSION_COOKIE))
    if session is not None and request.method in UNSAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
            raise ApiError(403, "CSRF_FAILED", "The X-CSRF-Token header is missing or wrong.")
    return session


@router.post("/auth/logout")
async def logout(request: Request) -> JSONResponse:
    """Close the staff session."""
    gw = gateway_of(request)
    await _staff_session(request, gw)
    await close_session(gw.redis, request.cookies.get(SESSION_COOKIE))
    response = JSONResponse({"status": "logged out"})
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/auth/me")
async def me(request: Request) -> dict[str, Any]:
    """Who the caller is: a staff member, or nobody in particular."""
    session = await _staff_session(request, gateway_of(request))
    if session is None:
        raise ApiError(401, "LOGIN_REQUIRED", "No staff session.")
    return {"staff": {"id": str(session.staff_id), "email": session.email, "roles": sorted(session.roles)}}


def _client_key(request: Request, secret: str) -> str:
    # a keyed hash: rate limits per address without storing the address
    address = request.client.host if request.client else "unknown"
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()[:24]


async def limit_comments(request: Request, gw: Gateway, participant_id: uuid.UUID) -> None:
    s = gw.settings
    for key, limit in (
        (f"comments:p:{participant_id}", s.comments_per_window),
        (f"comments:a:{_client_key(request, s.session_secret)}", s.comments_per_window * 6),
    ):
        wait = await gw.limiter.take(key=key, limit=limit, window_seconds=s.comment_window_seconds)
        if wait:
            raise ApiError(429, "RATE_LIMITED", "Too many comments; please wait a little.", retry_after=wait)


@router.api_route("/{path:path}", methods=["GET", "POST", "PATCH", "PUT", "DELETE"], include_in_schema=False)
async def forward(path: str, request: Request) -> Response:
    """Send the request on to the service that owns the path, with the caller's principal."""
    gw = gateway_of(request)
    sub_path = "/" + path
    route = next((r for r in ROUTES if r.pattern.match(sub_path)), None)
    if route is None:
        raise ApiError(404, "NOT_FOUND", f"There is no API at /api/v1{sub_path}.")
    body = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if request.method in UNSAFE_METHODS and body and content_type != "application/json":
        raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send JSON with Content-Type: application/json.")
    new_participant: uuid.UUID | None = None
    principal: Principal = ANONYMOUS
    if route.as_participant:
        participant_id = read_participant(
            request.cookies.get(PARTICIPANT_COOKIE), secret=gw.settings.session_secret
        )
        if participant_id is None and request.method in UNSAFE_METHODS:
            participant_id = new_participant = uuid.uuid4()
        if participant_id is not None:
            principal = Principal(kind="participant", id=participant_id)
            if request.method == "POST" and sub_path.endswith("/comments"):
                await limit_comments(request, gw, participant_id)
    else:
        session = await _staff_session(request, gw)
        if session is not None:
            principal = Principal(kind="staff", id=session.staff_id, roles=session.roles)
    incoming = {k.lower(): v for k, v in request.headers.items()}
    if request.method == "GET" and route.service == "catalog" and principal is ANONYMOUS:
        return await _public_read(gw, path=sub_path, query=request.url.query, incoming=incoming)
    response = await gw.forwarder.forward(
        service=route.service,
        method=request.method,
        path=sub_path,
        query=request.url.query,
        body=body,
        incoming=incoming,
        principal=principal,
    )
    if new_participant is not None and response.status_code < 400:
        cookie = sign_participant(new_participant, secret=gw.settings.session_secret)
        _set_cookie(response, gw.settings, PARTICIPANT_COOKIE, cookie, httponly=True, max_age=365 * 86400)
    return response


async def _public_read(gw: Gateway, *, path: str, query: str, incoming: dict[str, str]) -> Response:
    """A catalog read from the cache when it holds one; revalidation by ETag answers 304."""
    key = f"{path}?{query}|{incoming.get('accept-language', '')}"
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
    validators = {"etag": entry.etag, "cache-control": "public, no-cache"}
    if entry.etag in {t.strip() for t in incoming.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=validators)
    return Response(content=entry.body, status_code=entry.status, headers={**entry.headers, **validators})
