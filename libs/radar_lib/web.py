"""FastAPI pieces every service uses: error bodies, the internal-token gate, health."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from radar_lib.errors import RuleBroken
from radar_lib.token import HEADER, InvalidToken, Principal, Target, verify

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
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == BODY_PARSE_ERROR:  # e.g. invalid UTF-8
            return error_response(400, "MALFORMED_JSON", "The request body is not valid UTF-8 JSON.")
        code = _HTTP_CODES.get(exc.status_code, "HTTP_ERROR")
        response = error_response(exc.status_code, code, str(exc.detail))
        response.headers.update(exc.headers or {})  # e.g. Allow on a 405
        if exc.status_code == 405:
            documented = documented_methods(request.app, request.url.path)
            if documented:  # Starlette names the first route's methods only, not all of the path's
                response.headers["Allow"] = ", ".join(documented)
        return response


def documented(**keywords: Any) -> Callable[[dict[str, Any]], None]:
    """A json_schema_extra that documents what the domain checks with its own error codes.

    The schema then says what a valid value is (an enum, a length, a range), while a wrong
    value still reaches the domain's rule and its stable code (e.g. DECISION_UNKNOWN) instead
    of a generic VALIDATION_FAILED. Replaces the generated type (a nullable `anyOf`) as a whole.
    """

    def document(schema: dict[str, Any]) -> None:
        title = schema.get("title")
        schema.clear()
        schema.update({**({"title": title} if title else {}), **keywords})

    return document


def documented_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the app's OpenAPI document lists for the path template that `path` fits best.

    The template with the fewest parameters wins (/comments/mine before /comments/{id}), as
    the router's order of literal paths before parameters does.
    """
    templates: list[tuple[re.Pattern[str], int, list[str]]] | None = getattr(
        app.state, "method_templates", None
    )
    if templates is None:
        templates = [
            (re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)) + "$"),
             template.count("{"), sorted(m.upper() for m in operations))
            for template, operations in app.openapi().get("paths", {}).items()
        ]  # fmt: skip
        app.state.method_templates = templates
    fitting = [(params, methods) for pattern, params, methods in templates if pattern.match(path)]
    if not fitting:
        return []
    fewest = min(params for params, _ in fitting)
    return sorted({method for params, methods in fitting if params == fewest for method in methods})


class InternalTokenGate:
    """Refuses every request but health checks unless it carries a valid token for this very request.

    The token names this service, the method and the path as it was sent on the wire (not
    decoded, without the query): one minted for another service, method or path is refused.
    A token header that is not UTF-8 is refused like any other malformed token.
    """

    def __init__(self, app: ASGIApp, *, secret: str, service: str) -> None:
        self.app = app
        self.secret = secret
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        wanted = HEADER.lower().encode()
        raw = next((v for k, v in scope["headers"] if k == wanted), None)
        wire_path = (scope.get("raw_path") or scope["path"].encode()).partition(b"?")[0]
        try:
            token = raw.decode() if raw is not None else None
            target = Target(audience=self.service, method=scope["method"], path=wire_path.decode("ascii"))
            principal = verify(token, secret=self.secret, target=target)
        except (InvalidToken, UnicodeDecodeError) as exc:
            message = str(exc) if isinstance(exc, InvalidToken) else "malformed token"
            response = error_response(401, "INTERNAL_TOKEN_INVALID", message)
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
