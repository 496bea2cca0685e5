"""The OpenAPI document of the public JSON API, assembled from the services that own its paths.

Guarantee: every operation lists the refusals it can give, each with the one error body
`{"error": CODE, "message": ...}`, and says which credentials it needs. The services describe
their paths and bodies; the gateway adds what it knows of each operation: who may call it
(staff session, and the CSRF header with it on changes), what it refuses at the edge (body
limit, JSON only, cross-site writes, rate limits with Retry-After, a service away) and what
follows from the operation's shape (a body can be malformed, a path names something that may
not exist, a change may conflict with the current state).
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from radar_gateway.api import ERASURE, ROUTES, UNSAFE_METHODS, Route, route_of
from radar_gateway.context import gateway_of
from radar_gateway.sessions import CSRF_HEADER, SESSION_COOKIE
from radar_lib.token import ANONYMOUS
from radar_lib.web import ApiError

router = APIRouter()
PREFIX = "/api/v1"
ERROR_REF = "#/components/schemas/Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "A stable code in UPPER_SNAKE, e.g. MEASURE_NOT_FOUND."},
        "message": {"type": "string", "description": "What went wrong, for people."},
        "details": {
            "type": "array",
            "description": "With VALIDATION_FAILED: each field that is wrong, and why.",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "problem": {"type": "string"}},
            },
        },
        "retry_after": {"type": "integer", "description": "With 429: seconds to wait, as in Retry-After."},
    },
}
SECURITY_SCHEMES = {
    "staffSession": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "The staff session, set (HttpOnly) by POST /api/v1/auth/login.",
    },
    "csrfToken": {
        "type": "apiKey",
        "in": "header",
        "name": CSRF_HEADER,
        "description": "The value of the radar_csrf cookie set at log-in; with the session on every change.",
    },
}
SESSION: dict[str, list[str]] = {"staffSession": []}
SESSION_AND_CSRF: dict[str, list[str]] = {"staffSession": [], "csrfToken": []}
REFUSALS = {
    "400": "MALFORMED_JSON: the body is not valid UTF-8 JSON; TOKEN_INVALID: the link's token is not"
    " valid (any more).",
    "401": "No staff session (LOGIN_REQUIRED), a failed log-in (LOGIN_FAILED), or no participant"
    " cookie where one is needed (PARTICIPANT_REQUIRED).",
    "403": "CSRF_FAILED (missing or wrong X-CSRF-Token), ROLE_REQUIRED, CROSS_SITE_REQUEST, NOT_AUTHOR,"
    " or PARTICIPANT_ERASED (a participant cookie whose data was erased).",
    "404": "The path names nothing (e.g. MEASURE_NOT_FOUND), or a path segment the gateway refuses.",
    "409": "The change conflicts with the current state (e.g. VERSION_CONFLICT, COMMENT_ALREADY_DECIDED).",
    "410": "TOKEN_EXPIRED: the link's token has expired.",
    "413": "BODY_TOO_LARGE: the request body passes the gateway's limit.",
    "414": "URI_TOO_LONG: the path and query pass the gateway's limit (4 KiB).",
    "415": "UNSUPPORTED_MEDIA_TYPE: a body that is not application/json.",
    "422": "VALIDATION_FAILED (with details), or a rule of the service (e.g. COMMENT_TOO_LONG).",
    "429": "Too many requests (RATE_LIMITED, TOO_MANY_LOGIN_ATTEMPTS); Retry-After says how long to wait.",
    "503": "SERVICE_UNAVAILABLE or UNAVAILABLE: a service or store behind the gateway is away.",
    "504": "SERVICE_TIMEOUT: the service behind the gateway did not answer in time.",
}
RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 1}}
}
SCHEMA_REF = re.compile(r'"#/components/schemas/([^"]+)"')
NOT_MODIFIED = {"description": "Not modified: the ETag sent in If-None-Match still matches."}


def security_of(*, service: str, path: str, method: str) -> list[dict[str, list[str]]]:
    """Who may call an operation: [] for anyone; staff by session, with the CSRF header on changes."""
    changes = method.upper() in UNSAFE_METHODS
    if path == "/auth/logout":
        return [{}, SESSION_AND_CSRF]  # anyone may log out; with a session, only with its token
    # moderation is for moderators only (its netiquette and transparency figures are public);
    # in the catalog every change is an editor's
    moderators_only = service == "moderation" and path.startswith("/moderation")
    if path == "/auth/me" or moderators_only or (service == "catalog" and changes):
        return [SESSION_AND_CSRF if changes else SESSION]
    return []


def refusals_of(operation: dict[str, Any], *, route: Route | None, path: str, method: str) -> list[str]:
    """The statuses of refusals and outages an operation can answer, from where it goes and what it takes."""
    changes = method.upper() in UNSAFE_METHODS
    security = security_of(service=route.service if route else "gateway", path=path, method=method)
    statuses = {"413", "414", "503"}  # limits of body and URL hold for every method; a store may be away
    if "requestBody" in operation:
        statuses.add("400")
    if any(p.get("in") == "query" and p.get("name") == "token" for p in operation.get("parameters", [])):
        statuses |= {"400", "410"}  # the signed links of notifications' mails
    if (security and {} not in security) or path == "/auth/login" or (method.upper(), path) == ERASURE:
        statuses.add("401")  # erasure: the gateway makes no new participant only to erase them
    if changes or (security and route is not None):  # cross-site writes, CSRF, roles
        statuses.add("403")
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        statuses.add("404")
    if route is not None:
        statuses.add("504")  # the service did not answer in time
        if changes:
            statuses |= {"409", "415"}
    if "422" in operation.get("responses", {}):  # FastAPI's own finding: the operation takes input
        statuses.add("422")
    if path == "/auth/login" or (route is not None and method.upper() in route.limits):
        statuses.add("429")  # log-in attempts; comments, ratings, reports (limits.py)
    return sorted(statuses)


def describe_operation(
    operation: dict[str, Any], *, route: Route | None, path: str, method: str
) -> dict[str, Any]:
    """The operation with its security requirement and every refusal it can give."""
    described = {**operation, "responses": dict(operation.get("responses", {}))}
    security = security_of(service=route.service if route else "gateway", path=path, method=method)
    if security:
        described["security"] = security
    for status in refusals_of(operation, route=route, path=path, method=method):
        if status in described["responses"] and status != "422":  # FastAPI's 422 is not our body
            continue  # the service describes this refusal itself
        response: dict[str, Any] = {
            "description": REFUSALS[status],
            "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
        }
        if status == "429":
            response["headers"] = RETRY_AFTER
        described["responses"][status] = response
    if route is not None and route.service == "catalog" and method == "get":
        described["responses"]["304"] = NOT_MODIFIED  # public reads carry an ETag
    return described


def merge_documents(own: dict[str, Any], services: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The gateway's own paths plus every service path the gateway exposes, under /api/v1."""
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {}
    for path, operations in own.get("paths", {}).items():
        if path.startswith(PREFIX):
            sub_path = path.removeprefix(PREFIX)
            paths[path] = {
                m: describe_operation(op, route=None, path=sub_path, method=m) for m, op in operations.items()
            }
    for service, spec in services.items():
        for path, operations in spec.get("paths", {}).items():
            route = route_of(path)
            if route is not None and route.service == service:
                paths[PREFIX + path] = {
                    m: describe_operation(op, route=route, path=path, method=m)
                    for m, op in operations.items()
                }
    for spec in [own, *services.values()]:
        schemas.update(spec.get("components", {}).get("schemas", {}))
    schemas["Error"] = ERROR_SCHEMA
    paths = dict(sorted(paths.items()))
    used = _referenced(paths, schemas)
    components = {
        "schemas": {k: v for k, v in schemas.items() if k in used},
        "securitySchemes": SECURITY_SCHEMES,
    }
    return {**own, "paths": paths, "components": components}


def _referenced(paths: dict[str, Any], schemas: dict[str, Any]) -> set[str]:
    """The schemas the paths refer to, directly or through other schemas (FastAPI's 422 ones are gone)."""
    found: set[str] = set()
    pending: list[Any] = [paths]
    while pending:
        for name in SCHEMA_REF.findall(json.dumps(pending.pop())):
            if name not in found and name in schemas:
                found.add(name)
                pending.append(schemas[name])
    return found


@router.get(f"{PREFIX}/openapi.json", include_in_schema=False)
async def openapi_document(request: Request) -> JSONResponse:
    """The whole public API in one document; built once per process."""
    app: FastAPI = request.app
    cached = getattr(app.state, "public_openapi", None)
    if cached is None:
        gw = gateway_of(request)
        services: dict[str, dict[str, Any]] = {}
        for service in sorted({r.service for r in ROUTES}):
            response = await gw.forwarder.forward(
                service=service, method="GET", path="/openapi.json", query="", body=b"",
                incoming={}, principal=ANONYMOUS,
            )  # fmt: skip
            if response.status_code != 200:
                raise ApiError(503, "SERVICE_UNAVAILABLE", f"The {service} service gave no API description.")
            services[service] = json.loads(bytes(response.body))
        cached = app.state.public_openapi = merge_documents(app.openapi(), services)
    return JSONResponse(cached)
