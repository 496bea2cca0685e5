"""The public API is described by one valid OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from openapi_spec_validator import validate

from radar_catalog.config import CatalogSettings
from radar_catalog.main import create_app as create_catalog
from radar_gateway.config import GatewaySettings
from radar_gateway.main import create_app as create_gateway
from radar_moderation.config import ModerationSettings
from radar_moderation.main import create_app as create_moderation
from radar_participation.config import ParticipationSettings
from radar_participation.main import create_app as create_participation
from tests.conftest import TOKEN_SECRET
from tests.integration.test_gateway import serving

pytestmark = pytest.mark.integration


async def test_openapi_document_is_valid_and_covers_every_public_path(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    common = {"redis_url": redis_url, "internal_token_secret": TOKEN_SECRET}
    catalog = create_catalog(CatalogSettings(database_url=new_database("catalog"), **common))
    part = create_participation(ParticipationSettings(database_url=new_database("participation"), **common))
    mod = create_moderation(ModerationSettings(database_url=new_database("moderation"), **common))
    async with serving(catalog) as catalog_url, serving(part) as part_url, serving(mod) as mod_url:
        gateway = create_gateway(
            GatewaySettings(
                database_url=new_database("gateway"),
                catalog_url=catalog_url,
                participation_url=part_url,
                moderation_url=mod_url,
                **common,
            )
        )
        async with gateway.router.lifespan_context(gateway):
            transport = httpx.ASGITransport(app=gateway)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
                r = await client.get("/api/v1/openapi.json")
    assert r.status_code == 200, r.text
    document = r.json()
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
    ):
        assert path in paths, sorted(paths)
    assert "post" in paths["/api/v1/measures/{measure_ref}/comments"]
    assert not [p for p in paths if not p.startswith("/api/v1/")], "internal paths leaked"
