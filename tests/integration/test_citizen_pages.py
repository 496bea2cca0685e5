"""The citizens' own pages, the netiquette, the moderation figures and the counts on lists,
through the gateway on real participation, moderation and catalog servers."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from markupsafe import escape

from radar_gateway.config import GatewaySettings
from radar_gateway.identity import sign_participant
from radar_gateway.main import create_app as create_gateway
from radar_gateway.web.citizen import PER_PAGE, duration, month_name
from radar_gateway.web.i18n import translator
from radar_gateway.web.views import COUNT_CHARS_PER_CALL, COUNT_REFS_PER_CALL, count_batches
from radar_lib.token import HEADER, Principal
from tests.conftest import internal_token
from tests.integration.gateway_system import System, start_system
from tests.integration.helpers import eventually

pytestmark = pytest.mark.integration
DEAD = "http://127.0.0.1:9"  # nothing listens there
MINE = "/meine-beitraege"
FILLERS = [f"massnahme-mit-einem-recht-langen-namen-nummer-{i:02d}" for i in range(30)]
CITY: dict[str, Any] = {
    "principles": [{"slug": "standards", "name": "Standards"}],
    "departments": [{"code": "RIT", "name": "IT-Referat"}],
    "core_areas": [{"slug": "stadtgesellschaft", "name": "Stadtgesellschaft", "introduction": "Für alle."}],
    "fields": [
        {"slug": "teilhabe", "name": "Teilhabe", "core_area": "stadtgesellschaft"},
        {"slug": "netze", "name": "Netze"},
    ],
    "measures": [
        {"slug": "buergerportal", "title": "Bürgerportal", "field": "teilhabe", "status": "in_umsetzung"},
        {"slug": "beirat", "title": "Digitalbeirat", "field": "teilhabe", "status": "geplant"},
        *({"slug": s, "title": f"Maßnahme {s[-2:]}", "field": "netze"} for s in FILLERS),
    ],
}  # fmt: skip


# --- helpers -------------------------------------------------------------------------------


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form token"
    return found.group(1)


def contribution(html: str, comment_id: str) -> str:
    """The part of "Meine Beiträge" that shows one comment."""
    found = re.search(rf'<li class="my-contribution" id="beitrag-{comment_id}">(.*?)</li>', html, re.S)
    assert found, f"comment {comment_id} is not listed"
    return found.group(1)


def cells(html: str, table: str, selector: str) -> list[str]:
    """The texts of the cells of one row (data-month or data-reason) of a table on the page."""
    body = re.search(rf'<table class="figures" id="{table}"[^>]*>(.*?)</table>', html, re.S)
    assert body, f"no table {table}"
    row = re.search(rf"<tr {selector}>(.*?)</tr>", body.group(1), re.S)
    assert row, f"no row {selector} in {table}"
    found = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in found]


async def comment(client: httpx.AsyncClient, slug: str, body: str, **fields: Any) -> str:
    r = await client.post(f"/api/v1/measures/{slug}/comments", json={"body": body, **fields})
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


async def decide(mod: httpx.AsyncClient, comment_id: str, decision: str, **fields: Any) -> None:
    async def queued() -> bool:
        q = await mod.get("/api/v1/moderation/queue", params={"per_page": 100})
        return any(i["comment_id"] == comment_id for i in q.json()["items"])

    await eventually(queued)
    r = await mod.post(
        f"/api/v1/moderation/comments/{comment_id}/decision", json={"decision": decision, **fields}
    )
    assert r.status_code == 200, r.text


async def status_of(client: httpx.AsyncClient, comment_id: str) -> str | None:
    mine = (await client.get("/api/v1/me/comments")).json()["items"]
    return next((c["status"] for c in mine if c["id"] == comment_id), None)


@asynccontextmanager
async def gateway_like(system: System, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A second gateway with the first one's settings, these changed (a service it cannot reach)."""
    first: GatewaySettings = system.gateway._transport.app.state.gateway.settings  # type: ignore[attr-defined]
    app = create_gateway(first.model_copy(update=changes))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://g") as c,
    ):
        yield c


@pytest.fixture
async def city(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[System]:
    """Every service, the catalog loaded with CITY."""
    async with start_system(new_database, redis_url, city=CITY) as running:
        yield running


# --- "Meine Beiträge" ------------------------------------------------------------------------


async def test_my_contributions_show_each_own_comment_with_its_fate_and_no_one_elses(system: System) -> None:
    slug = await system.measure(title="Bürgerportal")
    citizen, other, mod = system.client(), system.client(), await system.moderator()
    waiting = await comment(citizen, slug, "Bitte <b>auch</b> offline\nanbieten & drucken.")
    refused = await comment(citizen, slug, f"Das gehört woanders hin {uuid.uuid4().hex[:6]}")
    parent = await comment(other, slug, f"Ein fremder Beitrag {uuid.uuid4().hex[:6]}")
    await decide(mod, refused, "reject", reason="OFF_TOPIC", note="Bitte zur Maßnahme <i>schreiben</i>.")
    await decide(mod, parent, "approve")
    await eventually(lambda: _published(system, slug, parent))
    reply = await comment(citizen, slug, "Meine Antwort darauf", parent_id=parent)
    clauses = {c["code"]: c for c in (await system.gateway.get("/api/v1/netiquette")).json()["clauses"]}

    async def rejected_page() -> str | None:
        r = await citizen.get(MINE)
        return r.text if "abgelehnt" in r.text else None

    html = await eventually(rejected_page)
    r = await citizen.get(MINE)
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"  # one browser's page: never kept by a cache
    shown = contribution(html, waiting)
    assert "wartet auf Moderation" in shown
    assert f'href="/massnahmen/{slug}/kommentare/{waiting}"' in shown and "Bürgerportal" in shown
    assert "Bitte &lt;b&gt;auch&lt;/b&gt; offline\nanbieten &amp; drucken." in shown
    assert "/zurueckziehen" in shown
    shown = contribution(html, refused)
    assert "abgelehnt" in shown and "wartet auf Moderation" not in shown
    assert str(escape(clauses["OFF_TOPIC"]["text"]["de"])) in shown
    assert 'href="/netiquette#OFF_TOPIC"' in shown
    assert "Bitte zur Maßnahme &lt;i&gt;schreiben&lt;/i&gt;." in shown
    assert "/zurueckziehen" not in shown  # a decided rejection cannot be withdrawn
    assert "Antwort auf einen Kommentar" in contribution(html, reply)
    assert "Antwort auf einen Kommentar" not in contribution(html, waiting)
    assert parent not in html and "Ein fremder Beitrag" not in html

    english = (await citizen.get(MINE, params={"lang": "en"})).text
    assert "awaiting moderation" in contribution(english, waiting)
    assert str(escape(clauses["OFF_TOPIC"]["text"]["en"])) in contribution(english, refused)


async def _published(system: System, slug: str, comment_id: str) -> bool:
    thread = (await system.gateway.get(f"/api/v1/measures/{slug}/comments")).json()["items"]
    return any(c["id"] == comment_id for c in thread)


async def test_many_contributions_are_shown_page_by_page(system: System) -> None:
    slug, author = await system.measure(), uuid.uuid4()
    path = f"/measures/{slug}/comments"
    token = internal_token(
        Principal(kind="participant", id=author), service="participation", method="POST", path=path
    )
    async with httpx.AsyncClient(base_url=system.participation_url) as participation:
        for i in range(PER_PAGE + 1):  # straight to participation: the gateway's rate limit would stop us
            r = await participation.post(
                path, json={"body": f"Beitrag Nummer {i:02d}"}, headers={HEADER: token}
            )
            assert r.status_code == 202, r.text
    citizen = system.client()
    key = system.gateway._transport.app.state.gateway.settings.participant_cookie_key  # type: ignore[attr-defined]
    citizen.cookies.set("radar_pid", sign_participant(author, key=key))

    first = (await citizen.get(MINE)).text
    assert first.count('<li class="my-contribution"') == PER_PAGE
    assert f"Beitrag Nummer {PER_PAGE:02d}" in first and "Beitrag Nummer 00" not in first  # newest first
    assert 'href="/meine-beitraege?seite=2"' in first and "seite=0" not in first
    second = (await citizen.get(MINE, params={"seite": "2"})).text
    assert second.count('<li class="my-contribution"') == 1 and "Beitrag Nummer 00" in second
    assert 'href="/meine-beitraege?seite=1"' in second and "seite=3" not in second
    beyond = (await citizen.get(MINE, params={"seite": "9"})).text
    assert '<li class="my-contribution"' not in beyond and 'href="/meine-beitraege"' in beyond
    odd = await citizen.get(MINE, params={"seite": "x"})  # no page number: the first page, not an error
    assert odd.status_code == 200 and odd.text.count('<li class="my-contribution"') == PER_PAGE


async def test_a_browser_without_a_pseudonym_sees_a_friendly_empty_page(system: System) -> None:
    stranger = system.client()
    r = await stranger.get(MINE)
    assert r.status_code == 200
    assert "sobald Sie in diesem Browser den ersten Kommentar" in r.text
    assert "/meine-beitraege/loeschen" not in r.text
    r = await stranger.get(f"{MINE}/loeschen")
    assert "es gibt nichts zu löschen" in r.text.lower() and 'method="post"' not in r.text
    r = await stranger.post(
        f"{MINE}/loeschen", data={"csrf_token": form_token((await stranger.get("/anmelden")).text)}
    )
    assert (r.status_code, r.headers["location"]) == (303, MINE)


async def test_withdrawing_needs_the_form_token_and_the_authors_own_browser(system: System) -> None:
    slug = await system.measure()
    citizen, other = system.client(), system.client()
    comment_id = await comment(citizen, slug, "Den ziehe ich gleich zurück")
    await comment(other, slug, "Ein anderer Beitrag")
    target = f"{MINE}/{comment_id}/zurueckziehen"

    r = await citizen.post(target, data={})
    assert r.status_code == 403 and "Formular" in r.text
    r = await citizen.post(target, data={"csrf_token": "0" * 40})
    assert r.status_code == 403
    r = await other.post(target, data={"csrf_token": form_token((await other.get(MINE)).text)})
    assert r.status_code == 404 and "Diesen Beitrag gibt es nicht." in r.text
    token = form_token((await citizen.get(MINE)).text)
    r = await citizen.post(f"{MINE}/kein-beitrag/zurueckziehen", data={"csrf_token": token})
    assert r.status_code == 404
    assert await status_of(citizen, comment_id) == "pending"

    r = await citizen.post(target, data={"csrf_token": form_token((await citizen.get(MINE)).text)})
    assert (r.status_code, r.headers["location"]) == (303, MINE)
    assert await status_of(citizen, comment_id) == "withdrawn"
    page = await citizen.get(r.headers["location"])
    assert "Ihr Beitrag ist zurückgezogen." in page.text
    shown = contribution(page.text, comment_id)
    assert "zurückgezogen" in shown and "/zurueckziehen" not in shown


async def test_erasure_needs_the_form_token_then_leaves_nothing_of_the_participant(system: System) -> None:
    slug = await system.measure()
    citizen = system.client()
    comment_id = await comment(citizen, slug, "Bitte alles wieder löschen", display_name="Anna")
    r = await citizen.put(f"/api/v1/measures/{slug}/rating", json={"stars": 4})
    assert r.status_code == 200, r.text
    pseudonym = citizen.cookies["radar_pid"]

    page = await citizen.get(f"{MINE}/loeschen")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Bewertungen" in page.text and "Meldungen" in page.text and "nur Anzahlen" in page.text
    r = await citizen.post(f"{MINE}/loeschen", data={"csrf_token": "falsch"})
    assert r.status_code == 403
    assert citizen.cookies.get("radar_pid") == pseudonym
    assert await status_of(citizen, comment_id) == "pending"

    r = await citizen.post(f"{MINE}/loeschen", data={"csrf_token": form_token(page.text)})
    assert (r.status_code, r.headers["location"]) == (303, MINE)
    assert "radar_pid" not in citizen.cookies  # the browser forgot its pseudonym
    after = await citizen.get(r.headers["location"])
    assert "Ihre Löschung ist beauftragt" in after.text
    assert "sobald Sie in diesem Browser den ersten Kommentar" in after.text

    same_pseudonym = system.client()
    same_pseudonym.cookies.set("radar_pid", pseudonym)

    async def erased() -> bool:
        mine = (await same_pseudonym.get("/api/v1/me/comments")).json()
        rating = (await same_pseudonym.get(f"/api/v1/measures/{slug}/rating")).json()
        return mine["items"] == [] and rating["count"] == 0 and rating["own"] is None

    await eventually(erased)
    assert "Bitte alles wieder löschen" not in (await same_pseudonym.get(MINE)).text


async def test_my_contributions_show_the_bare_code_when_moderation_is_away(system: System) -> None:
    slug = await system.measure()
    citizen = system.client()
    refused = await comment(citizen, slug, "Werde ich abgelehnt?")
    await decide(await system.moderator(), refused, "reject", reason="SHOUTING", note="Leiser bitte.")
    await eventually(lambda: _status_is(citizen, refused, "rejected"))

    async with gateway_like(system, moderation_url=DEAD) as cut_off:
        cut_off.cookies.set("radar_pid", citizen.cookies["radar_pid"])
        r = await cut_off.get(MINE)
    assert r.status_code == 200
    shown = contribution(r.text, refused)
    assert "abgelehnt" in shown and "<code>SHOUTING</code>" in shown and "Leiser bitte." in shown
    assert "nur das Kürzel" in r.text


async def _status_is(client: httpx.AsyncClient, comment_id: str, status: str) -> bool:
    return await status_of(client, comment_id) == status


async def test_pages_answer_a_friendly_503_when_their_service_is_away(system: System) -> None:
    citizen = system.client()
    await comment(citizen, await system.measure(), "Noch ein Beitrag")
    async with gateway_like(system, participation_url=DEAD, moderation_url=DEAD) as cut_off:
        cut_off.cookies.set("radar_pid", citizen.cookies["radar_pid"])
        for path in (MINE, "/netiquette", "/transparenz"):
            r = await cut_off.get(path)
            assert r.status_code == 503, path
            assert r.headers["content-type"].startswith("text/html") and "Retry-After" in r.headers


# --- netiquette and transparency --------------------------------------------------------------


async def test_the_netiquette_page_shows_every_clause_in_moderations_order(system: System) -> None:
    clauses = (await system.gateway.get("/api/v1/netiquette")).json()["clauses"]
    for lang in ("de", "en"):
        html = (await system.gateway.get("/netiquette", params={"lang": lang})).text
        places = [html.index(f'id="{c["code"]}"') for c in clauses]
        assert places == sorted(places) and len(clauses) >= 8
        for c in clauses:
            assert str(escape(c["title"][lang])) in html and str(escape(c["text"][lang])) in html


async def test_the_transparency_page_shows_the_figures_moderation_publishes(system: System) -> None:
    slug = await system.measure()
    citizen, mod = system.client(), await system.moderator()
    made = [await comment(citizen, slug, f"Beitrag {i} {uuid.uuid4().hex[:6]}") for i in range(4)]
    await decide(mod, made[0], "approve")
    await decide(mod, made[1], "reject", reason="INSULT")
    await decide(mod, made[2], "reject", reason="OFF_TOPIC")
    await decide(mod, made[3], "reject", reason="INSULT")

    figures = (await system.gateway.get("/api/v1/transparency/moderation")).json()
    html = (await system.gateway.get("/transparenz")).text
    month = figures["months"][-1]
    label = month["month"]
    assert label == datetime.now(ZoneInfo(figures["time_zone"])).strftime("%Y-%m")
    decisions = month["decisions"]
    assert decisions["total"] == 4
    outcomes = [decisions["by_outcome"][o] for o in ("approve", "reject", "hide", "dismiss")]
    assert cells(html, "outcomes", f'data-month="{label}"') == [
        month_name(label, t=translator("de")),
        *map(str, [decisions["total"], *outcomes, decisions["automatic"]]),
    ]
    for code, n in decisions["by_reason"].items():
        assert cells(html, "reasons", f'data-reason="{code}"')[-1] == str(n)
        assert f'href="/netiquette#{code}"' in html
    assert decisions["by_reason"] == {"INSULT": 2, "OFF_TOPIC": 1}
    assert "Keine Beleidigungen" in cells(html, "reasons", 'data-reason="INSULT"')[-2]
    timing, queue = month["time_to_decision_seconds"], month["queue"]
    t = translator("de")
    assert cells(html, "times", f'data-month="{label}"')[1:5] == [
        duration(timing["median"], t=t, lang="de"),
        duration(timing["p90"], t=t, lang="de"),
        str(timing["decisions"]),
        str(queue["length"]),
    ]
    assert queue["length"] == 0 and "keine Angabe" in cells(html, "times", f'data-month="{label}"')[5]
    assert len(re.findall(r"<caption", html)) == 3

    one = await system.gateway.get("/transparenz", params={"from": label, "to": label})
    assert one.status_code == 200 and len(re.findall(r'<tr data-month="', one.text)) == 2  # two tables


async def test_a_bad_month_gets_an_error_beside_the_form(system: System) -> None:
    r = await system.gateway.get("/transparenz", params={"from": "2024-13"})
    assert r.status_code == 422
    assert 'id="period-error"' in r.text and "JJJJ-MM" in r.text and 'aria-invalid="true"' in r.text
    assert 'value="2024-13"' in r.text and "<table" not in r.text
    r = await system.gateway.get("/transparenz", params={"from": "2024-05", "to": "2024-01", "lang": "en"})
    assert r.status_code == 422 and "The first month comes after the last one." in r.text
    r = await system.gateway.get("/transparenz", params={"to": '"><script>x</script>'})
    assert r.status_code == 422 and "<script>x" not in r.text


def test_times_read_as_people_say_them() -> None:
    de, en = translator("de"), translator("en")
    assert duration(None, t=de, lang="de") is None
    assert duration(59.9, t=de, lang="de") == "unter einer Minute"
    assert duration(60, t=de, lang="de") == "1 Minute"
    assert duration(95 * 60, t=de, lang="de") == "95 Minuten"
    assert duration(3.5 * 3600, t=de, lang="de") == "3,5 Stunden"
    assert duration(3.5 * 3600, t=en, lang="en") == "3.5 hours"
    assert duration(47 * 3600, t=de, lang="de") == "47 Stunden"
    assert duration(3 * 86400, t=de, lang="de") == "3 Tage"
    assert duration(86400 * 2.5, t=en, lang="en") == "2.5 days"
    assert month_name("2025-03", t=de) == "März 2025"
    assert month_name("2025-12", t=en) == "December 2025"


# --- counts on lists ---------------------------------------------------------------------------


def test_count_batches_respect_participations_limits() -> None:
    short = [*"abcdefghijklmnopqrstuvwxyz0123456789", *(f"{a}{d}" for a in "abcdefghij" for d in range(10))]
    slugs = short + [f"lang-{'x' * 40}-{i}" for i in range(30)] + ["a0", "b"]
    batches = count_batches(slugs)
    assert [s for b in batches for s in b] == list(dict.fromkeys(slugs))
    assert all(len(b) <= COUNT_REFS_PER_CALL and len(",".join(b)) <= COUNT_CHARS_PER_CALL for b in batches)
    assert count_batches([]) == []


async def test_lists_show_published_comments_and_ratings_per_measure(city: System) -> None:
    async def known() -> bool:
        r = await city.gateway.get("/api/v1/counts", params={"measures": "buergerportal"})
        return r.status_code == 200 and len(r.json()["items"]) == 1

    await eventually(known)
    citizen, other, mod = city.client(), city.client(), await city.moderator()
    approved = await comment(citizen, "buergerportal", "Sehr gut, weiter so!")
    await comment(citizen, "buergerportal", "Noch nicht freigegeben")
    for client, stars in ((citizen, 4), (other, 5)):
        r = await client.put("/api/v1/measures/buergerportal/rating", json={"stars": stars})
        assert r.status_code == 200, r.text
    await decide(mod, approved, "approve")
    await eventually(lambda: _published(city, "buergerportal", approved))

    expected = "1 Kommentar · 2 Bewertungen, im Mittel 4,5 von 5 Sternen"
    for path in ("/", "/felder/teilhabe", "/kernbereiche/stadtgesellschaft"):
        html = (await city.gateway.get(path)).text
        assert _counts(html, "buergerportal") == expected, path
        assert _counts(html, "beirat") == "0 Kommentare · 0 Bewertungen", path
    radar = (await city.gateway.get("/")).text
    assert all(_counts(radar, s) == "0 Kommentare · 0 Bewertungen" for s in FILLERS)  # beyond a few calls
    english = (await city.gateway.get("/felder/teilhabe", params={"lang": "en"})).text
    assert _counts(english, "buergerportal") == "1 comment · 2 ratings, average 4.5 of 5 stars"


def _counts(html: str, slug: str) -> str | None:
    item = re.search(rf'<a class="measure-link" href="/massnahmen/{slug}".*?</li>', html, re.S)
    assert item, f"{slug} is not listed"
    found = re.search(r'<span class="participation-counts">(.*?)</span>', item.group(0))
    return found.group(1) if found else None


async def test_lists_render_without_counts_while_participation_is_away(city: System) -> None:
    async with gateway_like(city, participation_url=DEAD) as cut_off:
        for path in ("/", "/felder/teilhabe", "/kernbereiche/stadtgesellschaft"):
            r = await cut_off.get(path)
            assert r.status_code == 200, path
            assert "Bürgerportal" in r.text and "participation-counts" not in r.text
