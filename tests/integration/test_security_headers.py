"""Every answer of the gateway carries the whole security policy, word for word.

A weakened Content-Security-Policy (an added 'unsafe-inline', a dropped frame-ancestors) or a
missing companion header fails here, on pages, JSON, a 304, redirects and every kind of error.
Outside development every answer also carries Strict-Transport-Security.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from radar_gateway.config import GatewaySettings
from radar_gateway.main import create_app as create_gateway
from tests.integration.edge_system import COMMENTS_PER_WINDOW, MAX_BODY, Edge, start_edge

pytestmark = pytest.mark.integration
POLICY = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def assert_whole_policy(r: httpx.Response, *, hsts: bool = False) -> None:
    where = f"{r.request.method} {r.request.url.path} -> {r.status_code}"
    for name, value in POLICY.items():
        assert r.headers.get_list(name) == [value], (where, name)
    assert r.headers.get_list("strict-transport-security") == ([HSTS] if hsts else []), where


@pytest.fixture
async def edge(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[Edge]:
    async with start_edge(new_database, redis_url) as running:
        yield running


async def test_pages_json_304_redirects_and_errors_carry_the_whole_policy(edge: Edge) -> None:
    client = edge.browser()
    measure = await client.get("/api/v1/measures/e-akte")
    not_modified = await client.get(
        "/api/v1/measures/e-akte", headers={"If-None-Match": measure.headers["etag"]}
    )
    comments = "/api/v1/measures/e-akte/comments"
    limited = [
        (await client.post(comments, json={"body": f"Nr. {n}"})) for n in range(COMMENTS_PER_WINDOW + 1)
    ]
    answers = {
        200: [await client.get("/"), measure, await client.get("/feeds/changes.atom")],
        304: [not_modified],
        303: [await client.get("/redaktion")],
        403: [await client.post(comments, json={"body": "x"}, headers={"Sec-Fetch-Site": "cross-site"})],
        404: [await client.get("/gibt-es-nicht"), await client.get("/api/v1/gibt-es-nicht"),
              await client.get("/api/v1/measures/..%2Fdocs")],
        405: [await client.delete("/massnahmen/e-akte")],
        413: [await client.post(comments, content=b"x" * (MAX_BODY + 1))],
        429: [limited[-1]],
        500: [await client.get("/test-only/broken"), await client.get("/api/test-only/broken")],
    }  # fmt: skip
    for status, responses in answers.items():
        for r in responses:
            assert r.status_code == status, (r.request.url, r.text)
            assert_whole_policy(r)
    assert answers[500][0].headers["content-type"].startswith("text/html")
    assert answers[500][1].json()["error"] == "INTERNAL"


@pytest.fixture
async def production_gateway(
    new_database: Callable[[str], str], redis_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway alone, as it runs in production (the services it would forward to are not running)."""
    settings = GatewaySettings(
        env="production",
        database_url=new_database("gateway"),
        redis_url=redis_url,
        internal_token_secret=secrets.token_urlsafe(32),
        session_secret=secrets.token_urlsafe(32),
    )
    app = create_gateway(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://gateway") as client:
            yield client


async def test_outside_development_every_answer_asks_for_https_only(
    production_gateway: httpx.AsyncClient,
) -> None:
    for r in (
        await production_gateway.get("/healthz"),
        await production_gateway.get("/anmelden"),
        await production_gateway.get("/gibt-es-nicht"),
        await production_gateway.get("/api/v1/measures"),  # the catalog is away: 503
        await production_gateway.post("/api/v1/comments/mine", headers={"Origin": "https://evil.example"}),
    ):
        assert_whole_policy(r, hsts=True)
