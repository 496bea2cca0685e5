"""The gateway's edge on a real port, in front of real catalog, participation and moderation services.

What reaches a route is what was routed and limited: no encoded detours, no unbounded
bodies, no cross-site writes, no links or `next=` that leave the site; personal and staff
answers are never stored by a cache; a 405 says what is allowed.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest

from radar_gateway.accounts import add_staff
from tests.integration.edge_system import (
    COMMENTS_PER_WINDOW,
    MAX_BODY,
    PASSWORD,
    PUBLIC_URL,
    Edge,
    start_edge,
)
from tests.integration.test_web_pages import form_token

pytestmark = pytest.mark.integration


@pytest.fixture
async def edge(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[Edge]:
    async with start_edge(new_database, redis_url) as running:
        yield running


async def test_encoded_slashes_dots_and_separators_inside_a_segment_are_refused(edge: Edge) -> None:
    client = edge.browser()
    for path in (
        "/api/v1/measures/..%2Fopenapi.json",
        "/api/v1/measures/..%2Fdocs",
        "/api/v1/measures/..%2Fredoc",
        "/api/v1/measures/%2E%2E/openapi.json",
        "/api/v1/measures/e-akte%2Fhistory",
        "/api/v1/measures/e-akte%3Fx=1",
        "/api/v1/measures/e-akte%23",
        "/api/v1/measures/a%00b/comments",
        "/api/v1/measures/a%1Fb/comments",
        "/api/v1/measures/%FF/comments",
    ):
        r = await client.get(path)
        assert (r.status_code, r.json()["error"]) == (404, "PATH_SEGMENT_INVALID"), (path, r.text)
    # a legal segment spelt with escapes reaches the service as the same segment
    assert (await client.get("/api/v1/measures/e%2Dakte")).json()["slug"] == "e-akte"
    for target in ("/api/v1/measures/../openapi.json", "/api/v1/measures/./e-akte"):
        status, body = await edge.raw(target)
        assert status == 404 and "PATH_SEGMENT_INVALID" in body, (target, body)


async def test_an_encoded_detour_to_the_comment_route_neither_posts_nor_escapes_the_limit(edge: Edge) -> None:
    detour = "/api/v1/comments/..%2Fmeasures%2Fe-akte%2Fcomments%23"
    citizen = edge.browser()
    statuses = [
        (await citizen.post("/api/v1/measures/e-akte/comments", json={"body": f"Nummer {n}"})).status_code
        for n in range(COMMENTS_PER_WINDOW + 1)
    ]
    assert statuses == [202] * COMMENTS_PER_WINDOW + [429]
    r = await citizen.post(detour, json={"body": "Am Limit vorbei?"})
    assert (r.status_code, r.json()["error"]) == (404, "PATH_SEGMENT_INVALID")
    assert await edge.comments_stored() == COMMENTS_PER_WINDOW


async def test_a_body_over_the_limit_is_refused_for_every_method_while_it_streams_in(edge: Edge) -> None:
    pulled = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(200):  # 200 MB if it were all read
            pulled += 1
            yield b"x" * 1024 * 1024

    client = edge.in_process()
    r = await client.request("GET", "/api/v1/measures", content=endless())  # chunked: no length
    assert (r.status_code, r.json()["error"]) == (413, "BODY_TOO_LARGE")
    assert pulled == 1  # cut off at the first megabyte
    pulled = 0
    declared = {"content-length": str(200 * 1024 * 1024)}
    r = await client.request("GET", "/api/v1/measures", content=endless(), headers=declared)
    assert (r.status_code, r.json()["error"]) == (413, "BODY_TOO_LARGE")
    assert pulled == 0  # refused on its declared length, before a byte was read
    client = edge.browser()
    for method in ("GET", "HEAD", "OPTIONS", "DELETE", "POST", "PUT", "PATCH"):
        r = await client.request(method, "/api/v1/measures", content=b"x" * (MAX_BODY + 1))
        assert r.status_code == 413, method
    r = await client.request("GET", "/", content=b"x" * (MAX_BODY + 1))
    assert (r.status_code, r.json()["error"]) == (413, "BODY_TOO_LARGE")
    assert (await client.request("GET", "/api/v1/measures", content=b"x" * MAX_BODY)).status_code == 200


async def test_web_slugs_that_are_no_slugs_answer_404(edge: Edge) -> None:
    editor = await edge.staff("editor")
    client = edge.browser()
    for path in ("/massnahmen/e-akte%3Fx=1", "/massnahmen/e-akte%23", "/felder/netze%00",
                 "/kernbereiche/..%2Fx", "/massnahmen/E-Akte"):  # fmt: skip
        r = await client.get(path)
        assert r.status_code == 404 and "Seite nicht gefunden" in r.text, (path, r.text)
    feed = await client.get("/feeds/measures/e-akte%3F.atom")
    assert (feed.status_code, feed.json()["error"]) == (404, "NOT_FOUND")
    posted = await client.post("/massnahmen/e-akte%3F/kommentare", data={"body": "Hallo"})
    assert posted.status_code == 404
    staff_page = await editor.get("/redaktion/massnahmen/e-akte%3Fx=1")
    assert staff_page.status_code == 404
    assert await edge.comments_stored() == 0


async def test_links_and_next_never_lead_off_the_site(edge: Edge) -> None:
    status, body = await edge.raw("//evil.example/x")
    assert status == 404 and "evil.example" not in body
    assert 'href="/?lang=en"' in body
    client = edge.browser()
    page = await client.get("/massnahmen/e-akte", params={"hinweis": "x"})
    assert 'href="/massnahmen/e-akte?hinweis=x&amp;lang=en"' in page.text
    for sneaky in ("/..//evil.example", "//evil.example", "/\\evil.example", "https://evil.example",
                   "/\t/evil.example", "javascript:alert(1)"):  # fmt: skip
        login = await client.get("/anmelden", params={"next": sneaky})
        assert 'name="next"' not in login.text, sneaky  # none: the log-in leads to the role's home
    kept = await client.get("/anmelden", params={"next": "/massnahmen/./e-akte?lang=en"})
    assert 'name="next" value="/massnahmen/e-akte?lang=en"' in kept.text

    email = f"editor-{uuid.uuid4().hex[:6]}@example.org"
    await add_staff(edge.gateway_dsn, email=email, password=PASSWORD, role="editor")
    token = form_token((await client.get("/anmelden")).text)
    form = {"email": email, "password": PASSWORD, "csrf_token": token, "next": "/..//evil.example"}
    r = await client.post("/anmelden", data=form)
    assert (r.status_code, r.headers["location"]) == (303, "/redaktion")


async def test_cross_site_writes_are_refused_before_anything_happens(edge: Edge) -> None:
    comments = "/api/v1/measures/e-akte/comments"
    client = edge.browser()
    token = form_token((await client.get("/massnahmen/e-akte")).text)
    refused = [
        await client.post(comments, json={"body": "a"}, headers={"Sec-Fetch-Site": "cross-site"}),
        await client.post(comments, json={"body": "b"}, headers={"Origin": "https://evil.example"}),
        await client.post(comments, json={"body": "c"}, headers={"Origin": "null"}),
        await client.post(comments, json={"body": "d"}, headers={"Origin": "http://radar.example.org"}),
        await client.delete("/api/v1/comments/mine", headers={"Sec-Fetch-Site": "cross-site"}),
        await client.post(
            "/massnahmen/e-akte/kommentare",
            data={"body": "e", "csrf_token": token},
            headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        ),
        await client.post("/anmelden", data={"email": "a@b.c"}, headers={"Sec-Fetch-Site": "cross-site"}),
    ]
    for r in refused:
        assert (r.status_code, r.json()["error"]) == (403, "CROSS_SITE_REQUEST"), r.request.url
    assert await edge.comments_stored() == 0

    same_site = {"Origin": PUBLIC_URL, "Sec-Fetch-Site": "same-origin"}
    assert (await client.post(comments, json={"body": "f"}, headers=same_site)).status_code == 202
    assert (await client.post(comments, json={"body": "g"})).status_code == 202  # curl: neither header
    linked = await client.get("/massnahmen/e-akte", headers={"Sec-Fetch-Site": "cross-site"})
    assert linked.status_code == 200  # a link from another site is no write


async def test_personal_and_staff_answers_are_never_stored(edge: Edge) -> None:
    moderator = await edge.staff("moderator")
    editor = await edge.staff("editor")
    anyone = edge.browser()
    answers = [
        await anyone.get("/api/v1/auth/me"),
        await moderator.get("/api/v1/auth/me"),
        await moderator.get("/api/v1/moderation/queue"),
        await anyone.get("/api/v1/moderation/queue"),
        await moderator.post(f"/api/v1/moderation/comments/{uuid.uuid4()}/decision", json={"decision": "x"}),
        await anyone.get("/api/v1/comments/mine"),
        await anyone.get("/redaktion"),
        await editor.get("/redaktion"),
        await editor.get("/redaktion/massnahmen/e-akte"),
        await anyone.get("/anmelden"),
    ]
    for r in answers:
        assert r.headers.get_list("cache-control") == ["no-store"], (r.request.url, r.headers)
    public = await anyone.get("/api/v1/measures/e-akte")
    assert public.headers["cache-control"] == "public, no-cache"


async def test_405_answers_say_which_methods_are_allowed(edge: Edge) -> None:
    client = edge.browser()
    own = await client.request("OPTIONS", "/api/v1/measures")
    forwarded = await client.put("/api/v1/measures/e-akte/comments", json={"body": "x"})
    health = await client.post("/healthz")
    page = await client.delete("/massnahmen/e-akte")
    for r in (own, forwarded, health, page):
        assert r.status_code == 405, (r.request.url, r.text)
        assert r.headers["allow"], r.request.url
    assert own.headers["allow"] == "GET, POST, HEAD"  # what the document lists for /measures, and HEAD
    assert "PUT" not in forwarded.headers["allow"] and forwarded.json()["error"] == "METHOD_NOT_ALLOWED"
    assert "GET" in page.headers["allow"] and page.headers["content-type"].startswith("text/html")


async def test_a_method_the_path_does_not_take_is_405_with_the_paths_own_allow(edge: Edge) -> None:
    client = edge.browser()
    login = await client.put("/api/v1/auth/login", json={})
    assert login.status_code == 405, login.text
    assert login.headers["allow"] == "POST"
    assert login.json()["error"] == "METHOD_NOT_ALLOWED"
    fields = await client.options("/api/v1/fields")
    assert fields.status_code == 405, fields.text
    assert fields.headers["allow"] == "GET, HEAD"
    unknown = await client.put("/api/v1/nothing-here", json={})
    assert unknown.status_code == 404


async def test_a_path_or_query_over_the_limit_is_414_not_a_services_plain_text_400(edge: Edge) -> None:
    client = edge.browser()
    r = await client.get("/api/v1/counts", params={"measures": "x" * 5_000})
    assert r.status_code == 414, r.text
    assert r.json()["error"] == "URI_TOO_LONG"
