"""The public API is described by one valid OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from radar_catalog.config import CatalogSettings
from radar_catalog.main import create_app as create_catalog
from radar_gateway.config import GatewaySettings
from radar_gateway.main import create_app as create_gateway
from radar_moderation.config import ModerationSettings
from radar_moderation.main import create_app as create_moderation
from radar_notifications.config import NotificationsSettings
from radar_notifications.main import create_app as create_notifications
from radar_participation.config import ParticipationSettings
from radar_participation.main import create_app as create_participation
from tests.conftest import TOKEN_SECRET
from tests.integration.gateway_system import serving

pytestmark = pytest.mark.integration


SESSION: dict[str, list[str]] = {"staffSession": []}
SESSION_AND_CSRF: dict[str, list[str]] = {"staffSession": [], "csrfToken": []}
STAFF_OPERATIONS = {
    ("get", "/api/v1/auth/me"): [SESSION],
    ("post", "/api/v1/auth/logout"): [{}, SESSION_AND_CSRF],
    ("get", "/api/v1/moderation/queue"): [SESSION],
    ("post", "/api/v1/moderation/comments/{comment_id}/decision"): [SESSION_AND_CSRF],
    ("post", "/api/v1/measures"): [SESSION_AND_CSRF],
    ("patch", "/api/v1/measures/{ref}"): [SESSION_AND_CSRF],
    ("post", "/api/v1/measures/{ref}/archive"): [SESSION_AND_CSRF],
    ("patch", "/api/v1/fields/{slug}"): [SESSION_AND_CSRF],
    ("patch", "/api/v1/core-areas/{slug}"): [SESSION_AND_CSRF],
}

PUBLIC_OPERATIONS = [
    ("post", "/api/v1/auth/login"),
    ("get", "/api/v1/measures"),
    ("get", "/api/v1/measures/{ref}"),
    ("get", "/api/v1/measures/{measure_ref}/comments"),
    ("post", "/api/v1/measures/{measure_ref}/comments"),
    ("get", "/api/v1/comments/mine"),
    ("get", "/api/v1/export/measures.csv"),
    ("post", "/api/v1/subscriptions"),
    ("get", "/api/v1/subscriptions/confirm"),
    ("post", "/api/v1/subscriptions/unsubscribe"),
]


@pytest.fixture
async def document(new_database: Callable[[str], str], redis_url: str) -> dict[str, Any]:
    """The document as the gateway serves it, assembled from every running service."""
    common = {"redis_url": redis_url, "internal_token_secret": TOKEN_SECRET}
    catalog = create_catalog(CatalogSettings(database_url=new_database("catalog"), **common))
    part = create_participation(ParticipationSettings(database_url=new_database("participation"), **common))
    mod = create_moderation(ModerationSettings(database_url=new_database("moderation"), **common))
    notes = create_notifications(NotificationsSettings(database_url=new_database("notifications"), **common))
    async with (
        serving(catalog) as catalog_url,
        serving(part) as part_url,
        serving(mod) as mod_url,
        serving(notes) as notes_url,
    ):
        gateway = create_gateway(
            GatewaySettings(
                database_url=new_database("gateway"),
                catalog_url=catalog_url,
                participation_url=part_url,
                moderation_url=mod_url,
                notifications_url=notes_url,
                **common,
            )
        )
        async with gateway.router.lifespan_context(gateway):
            transport = httpx.ASGITransport(app=gateway)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
                r = await client.get("/api/v1/openapi.json")
    assert r.status_code == 200, r.text
    return dict(r.json())


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(method, path): op for path, ops in document["paths"].items() for method, op in ops.items()}


async def test_openapi_document_is_valid_and_covers_every_public_path(document: dict[str, Any]) -> None:
    validate(document)
    paths = document["paths"]
    for path in (
        "/api/v1/auth/login",
        "/api/v1/fields",
        "/api/v1/measures",
        "/api/v1/measures/{ref}",
        "/api/v1/measures/{measure_ref}/comments",
        "/api/v1/moderation/queue",
        "/api/v1/moderation/comments/{comment_id}/decision",
        "/api/v1/export/measures.csv",
        "/api/v1/subscriptions",
        "/api/v1/comment-watch",
        "/api/v1/subscriptions/confirm",
        "/api/v1/subscriptions/manage",
        "/api/v1/subscriptions/unsubscribe",
    ):
        assert path in paths, sorted(paths)
    assert "post" in paths["/api/v1/measures/{measure_ref}/comments"]
    assert not [p for p in paths if not p.startswith("/api/v1/")], "internal paths leaked"
    assert "text/csv" in paths["/api/v1/export/measures.csv"]["get"]["responses"]["200"]["content"]


async def test_staff_operations_need_the_session_cookie_and_changes_also_the_csrf_header(
    document: dict[str, Any],
) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["staffSession"] == {
        **schemes["staffSession"],
        "type": "apiKey",
        "in": "cookie",
        "name": "radar_session",
    }
    assert schemes["csrfToken"] == {
        **schemes["csrfToken"],
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRF-Token",
    }
    ops = operations(document)
    for key, security in STAFF_OPERATIONS.items():
        assert ops[key].get("security") == security, key
    for (method, path), op in ops.items():
        if path.startswith("/api/v1/moderation/"):
            assert op.get("security") == [SESSION if method == "get" else SESSION_AND_CSRF], (method, path)
    for key in PUBLIC_OPERATIONS:
        assert "security" not in ops[key], key
    assert "security" not in document, "public operations need no credentials"


async def test_every_operation_lists_its_refusals_with_the_one_error_body(document: dict[str, Any]) -> None:
    ops = operations(document)
    error = {"$ref": "#/components/schemas/Error"}
    for (method, path), op in ops.items():
        refusals = {status: r for status, r in op["responses"].items() if status >= "400"}
        assert {"413", "414", "503"} <= refusals.keys(), (method, path)
        for status, response in refusals.items():
            assert response["content"]["application/json"]["schema"] == error, (method, path, status)
        if "requestBody" in op:
            assert "400" in refusals, (method, path)
        if "{" in path:
            assert "404" in refusals, (method, path)
        if (method, path) in STAFF_OPERATIONS and path != "/api/v1/auth/logout":
            assert "401" in refusals, (method, path)
        if method != "get":
            assert "403" in refusals, (method, path)
    comment = ops[("post", "/api/v1/measures/{measure_ref}/comments")]["responses"]
    assert {"400", "403", "404", "409", "413", "415", "422", "429", "503"} <= comment.keys()
    assert "Retry-After" in comment["429"]["headers"]
    for path in ("/api/v1/subscriptions", "/api/v1/comment-watch"):  # limits.Kind.SUBSCRIBE
        assert "Retry-After" in ops[("post", path)]["responses"]["429"]["headers"], path
    assert "429" not in ops[("get", "/api/v1/subscriptions/confirm")]["responses"]
    for method, path in [
        ("get", "/api/v1/subscriptions/confirm"),
        ("delete", "/api/v1/subscriptions/manage"),
    ]:
        assert {"400", "410"} <= ops[(method, path)]["responses"].keys(), "a link's token may be bad or old"
    login = ops[("post", "/api/v1/auth/login")]["responses"]
    assert {"400", "401", "422", "429"} <= login.keys()
    assert "429" not in ops[("get", "/api/v1/measures")]["responses"]
    assert "304" in ops[("get", "/api/v1/measures/{ref}")]["responses"]
    assert {"401", "403"} <= ops[("post", "/api/v1/measures")]["responses"].keys()
    schemas = document["components"]["schemas"]
    assert schemas["Error"]["required"] == ["error", "message"]
    assert "HTTPValidationError" not in schemas, "422 answers are Error bodies, not FastAPI's"
