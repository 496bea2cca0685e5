"""The OpenAPI document of the public JSON API, assembled from the services that own its paths."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from radar_gateway.api import ROUTES
from radar_gateway.context import gateway_of
from radar_lib.token import ANONYMOUS
from radar_lib.web import ApiError

router = APIRouter()
PREFIX = "/api/v1"


def merge_documents(own: dict[str, Any], services: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The gateway's own paths plus every service path the gateway exposes, under /api/v1."""
    document = {**own, "paths": {p: v for p, v in own.get("paths", {}).items() if p.startswith(PREFIX)}}
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for service, spec in services.items():
        for path, operations in spec.get("paths", {}).items():
            route = next((r for r in ROUTES if r.pattern.match(path)), None)
            if route is not None and route.service == service:
                document["paths"][PREFIX + path] = operations
        schemas.update(spec.get("components", {}).get("schemas", {}))
    document["paths"] = dict(sorted(document["paths"].items()))
    return document


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
