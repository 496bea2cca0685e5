"""FastAPI pieces every service uses: error bodies, the internal-token gate, health."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from radar_lib.errors import RuleBroken
from radar_lib.token import HEADER, InvalidToken, Principal, verify

OPEN_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})  # internal services: the network guards them
BODY_PARSE_ERROR = "There was an error parsing the body"  # FastAPI's detail when a body cannot be decoded


class ApiError(RuleBroken):
    """A refusal raised in a route, status first: {"error": CODE, "message": ...}."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(code, message, status, **extra)


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, **extra}, status_code=status)


_HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "BODY_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves as {"error": CODE, "message": ...}; never a bare 500 for bad input."""

    @app.exception_handler(RuleBroken)
    async def _rule_broken(_: Request, exc: RuleBroken) -> JSONResponse:
        response = error_response(exc.status, exc.code, exc.message, **exc.extra)
        if "retry_after" in exc.extra:
            response.headers["Retry-After"] = str(exc.extra["retry_after"])
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response(400, "MALFORMED_JSON", "The request body is not valid JSON.")
        details = [
            {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "problem": e.get("msg")} for e in errors
        ]
        return error_response(
            422,
            "VALIDATION_FAILED",
            "The request is not valid.",
            details=json.loads(json.dumps(details, default=str)),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == BODY_PARSE_ERROR:  # e.g. invalid UTF-8
            return error_response(400, "MALFORMED_JSON", "The request body is not valid UTF-8 JSON.")
        code = _HTTP_CODES.get(exc.status_code, "HTTP_ERROR")
        return error_response(exc.status_code, code, str(exc.detail))


class InternalTokenGate:
    """Refuses every request but health checks unless it carries a valid internal token."""

    def __init__(self, app: ASGIApp, *, secret: str) -> None:
        self.app = app
        self.secret = secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        wanted = HEADER.lower().encode()
        token = next((v.decode() for k, v in scope["headers"] if k == wanted), None)
        try:
            principal = verify(token, secret=self.secret)
        except InvalidToken as exc:
            response = error_response(401, "INTERNAL_TOKEN_INVALID", str(exc))
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


def principal(request: Request) -> Principal:
    """The caller the gateway vouched for."""
    return request.state.principal


def require_role(request: Request, role: str) -> Principal:
    """The caller, if it is staff with this role (admins have every role)."""
    who = principal(request)
    if who.kind != "staff":
        raise ApiError(401, "LOGIN_REQUIRED", "Staff log-in required.")
    if not who.has_role(role):
        raise ApiError(403, "ROLE_REQUIRED", f"The role {role} is required.")
    return who
