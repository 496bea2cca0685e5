"""The web pages of the gateway in front of a real catalog and participation service (no browser).

What a browser test would take long to show: escaping, form tokens, roles, log-in slow-down,
error pages, both languages, and valid Atom feeds.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

from radar_catalog.config import CatalogSettings
from radar_catalog.main import create_app as create_catalog
from radar_catalog.seed import MIGRATIONS as CATALOG_MIGRATIONS
from radar_catalog.seed import load_dataset
from radar_gateway.accounts import add_staff
from radar_gateway.config import GatewaySettings
from radar_gateway.main import create_app as create_gateway
from radar_lib.db import migrate
from radar_participation.config import ParticipationSettings
from radar_participation.main import create_app as create_participation
from tests.conftest import TOKEN_SECRET
from tests.integration.gateway_system import serving
from tests.integration.helpers import eventually

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery staple"
ATOM = "{http://www.w3.org/2005/Atom}"
EVIL = '<script>alert("x")</script> & Co'
CITY: dict[str, Any] = {
    "principles": [{"slug": "standards", "name": "Standards"}],
    "departments": [{"code": "RIT", "name": "IT-Referat"}],
    "core_areas": [{"slug": "stadtgesellschaft", "name": "Stadtgesellschaft", "introduction": "Für alle."}],
    "fields": [
        {"slug": "teilhabe", "name": "Teilhabe", "core_area": "stadtgesellschaft",
         "quote": {"text": "Mitmachen <b>zählt</b>.", "author": "Eine Bürgerin"},
         "goals": [{"slug": "beteiligung", "title": "Beteiligung", "description": "Mitreden."}]},
        {"slug": "netze", "name": "Netze"},
    ],
    "measures": [
        {"slug": "e-akte", "title": "E-Akte", "field": "netze", "status": "in_umsetzung", "start_year": 2019,
         "end_year": 2026, "progress": 58, "lead": "RIT", "principles": ["standards"]},
        {"slug": "boese", "title": EVIL, "field": "teilhabe", "summary": EVIL, "goals": ["beteiligung"]},
    ],
}  # fmt: skip


@dataclass
class Web:
    client: httpx.AsyncClient
    gateway_dsn: str

    def browser(self) -> httpx.AsyncClient:
        """Another browser: its own cookies."""
        return httpx.AsyncClient(transport=self.client._transport, base_url="http://gateway")

    async def staff(self, role: str) -> httpx.AsyncClient:
        """A browser logged in through the log-in page as staff with this role."""
        email = f"{role}-{uuid.uuid4().hex[:6]}@example.org"
        await add_staff(self.gateway_dsn, email=email, password=PASSWORD, role=role)
        browser = self.browser()
        token = form_token((await browser.get("/anmelden")).text)
        r = await browser.post("/anmelden", data={"email": email, "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 303, r.text
        return browser


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form token"
    return found.group(1)


@pytest.fixture
async def web(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[Web]:
    common = {"redis_url": redis_url, "internal_token_secret": TOKEN_SECRET}
    catalog_dsn = new_database("catalog")
    await migrate(catalog_dsn, service_migrations=CATALOG_MIGRATIONS)
    conn = await asyncpg.connect(catalog_dsn)
    try:
        await load_dataset(conn, CITY)
    finally:
        await conn.close()
    catalog_app = create_catalog(CatalogSettings(database_url=catalog_dsn, **common))
    part_app = create_participation(
        ParticipationSettings(database_url=new_database("participation"), **common)
    )
    async with serving(catalog_app) as catalog_url, serving(part_app) as part_url:
        gateway_dsn = new_database("gateway")
        settings = GatewaySettings(
            database_url=gateway_dsn, catalog_url=catalog_url, participation_url=part_url,
            moderation_url="http://127.0.0.1:9", login_failures_allowed=3, public_url="https://radar.example.org",
            **common,
        )  # fmt: skip
        app = create_gateway(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
                yield Web(client, gateway_dsn)


async def test_every_page_renders_and_escapes_what_users_and_editors_wrote(web: Web) -> None:
    for path in (
        "/",
        "/felder/teilhabe",
        "/kernbereiche/stadtgesellschaft",
        "/massnahmen/boese",
        "/anmelden",
    ):
        r = await web.client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert "<script>" not in r.text and "<b>" not in r.text, path
        assert "style=" not in r.text, path
    measure = (await web.client.get("/massnahmen/boese")).text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in measure


async def test_the_radar_has_a_blip_per_measure_and_the_filters_narrow_it(web: Web) -> None:
    everything = (await web.client.get("/")).text
    narrowed = (await web.client.get("/", params={"status": "in_umsetzung"})).text

    assert everything.count('class="blip ') == 2 * 2  # in the whole radar and in its field's half radar
    assert narrowed.count('class="blip ') == 1 * 2
    assert narrowed.count('class="blip-off ') == 1  # dimmed in the whole radar, not removed, not a link
    assert 'href="/massnahmen/e-akte"' in narrowed and 'href="/massnahmen/boese"' not in narrowed
    assert "1 von 2 Maßnahmen passt zu den Filtern." in narrowed


async def test_an_unknown_filter_value_shows_an_empty_radar_not_an_error(web: Web) -> None:
    r = await web.client.get("/", params={"field": "gibt-es-nicht", "year": "abc"})

    assert r.status_code == 200
    assert r.text.count('class="blip ') == 0
    assert "Bitte wählen Sie ein Handlungsfeld." in r.text


async def test_field_and_core_area_pages_show_goals_counts_and_measures(web: Web) -> None:
    field = (await web.client.get("/felder/teilhabe")).text
    area = (await web.client.get("/kernbereiche/stadtgesellschaft")).text

    assert "Beteiligung" in field and "Mitmachen &lt;b&gt;zählt&lt;/b&gt;." in field
    assert "1 von 1" in field and "0 von 1" in field
    assert 'href="/massnahmen/boese"' in field
    assert 'href="/felder/netze"' not in area and 'href="/massnahmen/boese"' in area


async def test_the_measure_page_shows_unknown_facts_as_unbekannt_and_progress_as_text(web: Web) -> None:
    known = (await web.client.get("/massnahmen/e-akte")).text
    unknown = (await web.client.get("/massnahmen/boese")).text

    assert '<progress max="100" value="58"' in known and "58 % umgesetzt" in known
    assert "IT-Referat (RIT)" in known and "2019–2026" in known
    assert unknown.count("unbekannt") >= 4
    for heading in ("Änderungsverlauf", "Bewertung", "Kommentare", "Benachrichtigungen"):
        assert f">{heading}</h2>" in known


async def test_english_is_chosen_by_the_switch_and_kept_in_a_cookie(web: Web) -> None:
    browser = web.browser()
    first = await browser.get("/", params={"lang": "en"})
    later = await browser.get("/massnahmen/e-akte")

    assert '<html lang="en">' in first.text and browser.cookies["radar_lang"] == "en"
    assert "Change history" in later.text and "58% done" in later.text


async def test_a_comment_needs_the_form_token_and_then_waits_for_moderation(web: Web) -> None:
    browser = web.browser()
    await eventually(lambda: _known_to_participation(web, "e-akte"))
    refused = await browser.post("/massnahmen/e-akte/kommentare", data={"body": "Ohne Token"})
    assert refused.status_code == 403
    assert "Das Formular ist abgelaufen" in refused.text and "Ohne Token" in refused.text

    token = form_token((await browser.get("/massnahmen/e-akte")).text)
    sent = await browser.post(
        "/massnahmen/e-akte/kommentare", data={"body": "Bitte auch offline.", "csrf_token": token}
    )

    assert sent.status_code == 303
    assert sent.headers["location"] == "/massnahmen/e-akte#kommentare"
    assert "radar_pid" in browser.cookies
    shown = (await browser.get(sent.headers["location"])).text
    assert "Ihr Kommentar wartet auf Moderation." in shown
    assert "Bitte auch offline." in shown and "wartet auf Moderation</strong>" in shown  # to its author
    others = (await web.browser().get("/massnahmen/e-akte")).text
    assert "Bitte auch offline." not in others  # not before a moderator approved it


async def _known_to_participation(web: Web, slug: str) -> bool:
    return (await web.client.get(f"/api/v1/measures/{slug}/comments")).status_code == 200


async def test_an_empty_comment_comes_back_with_the_reason(web: Web) -> None:
    browser = web.browser()
    await eventually(lambda: _known_to_participation(web, "e-akte"))
    token = form_token((await browser.get("/massnahmen/e-akte")).text)

    r = await browser.post("/massnahmen/e-akte/kommentare", data={"body": "   ", "csrf_token": token})

    assert r.status_code == 422
    assert "Der Kommentar ist leer." in r.text


async def test_log_in_is_slowed_down_after_failures_and_opens_a_session(web: Web) -> None:
    email = f"editor-{uuid.uuid4().hex[:6]}@example.org"
    await add_staff(web.gateway_dsn, email=email, password=PASSWORD, role="editor")
    browser = web.browser()
    token = form_token((await browser.get("/anmelden")).text)
    without_token = await browser.post("/anmelden", data={"email": email, "password": PASSWORD})
    assert without_token.status_code == 403

    for _ in range(3):
        wrong = await browser.post(
            "/anmelden", data={"email": email, "password": "falsch", "csrf_token": token}
        )
        assert wrong.status_code == 401 and "E-Mail-Adresse oder Passwort ist falsch." in wrong.text
    blocked = await browser.post(
        "/anmelden", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0

    other = web.browser()
    other_token = form_token((await other.get("/anmelden?next=/massnahmen/e-akte")).text)
    second = f"editor-{uuid.uuid4().hex[:6]}@example.org"
    await add_staff(web.gateway_dsn, email=second, password=PASSWORD, role="editor")
    ok = await other.post("/anmelden", data={"email": second, "password": PASSWORD, "csrf_token": other_token,
                                             "next": "//evil.example"})  # fmt: skip
    assert ok.status_code == 303 and ok.headers["location"] == "/redaktion"
    assert "radar_session" in other.cookies


async def test_the_editor_is_for_editors_only(web: Web) -> None:
    anonymous = await web.client.get("/redaktion/massnahmen/e-akte")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/anmelden?next=%2Fredaktion%2Fmassnahmen%2Fe-akte"

    moderator = await web.staff("moderator")
    refused = await moderator.get("/redaktion")
    assert refused.status_code == 403 and "Kein Zugriff" in refused.text

    editor = await web.staff("editor")
    assert (await editor.get("/redaktion")).status_code == 200


async def test_an_edit_needs_the_session_token_and_a_change_note(web: Web) -> None:
    editor = await web.staff("editor")
    form = (await editor.get("/redaktion/massnahmen/e-akte")).text
    fields = {"title": "E-Akte", "field": "netze", "status": "abgeschlossen", "start_year": "2019",
              "end_year": "2026", "progress": "100", "lead": "RIT", "principles": "standards",
              "expected_version": "1"}  # fmt: skip

    no_token = await editor.post("/redaktion/massnahmen/e-akte", data=fields)
    no_note = await editor.post(
        "/redaktion/massnahmen/e-akte", data={**fields, "csrf_token": form_token(form)}
    )
    done = await editor.post(
        "/redaktion/massnahmen/e-akte",
        data={**fields, "csrf_token": form_token(form), "change_note": "Fertig."},
    )

    assert no_token.status_code == 422 and "Das Formular ist abgelaufen" in no_token.text
    assert no_note.status_code == 422 and "Bitte schreiben Sie eine kurze Änderungsnotiz." in no_note.text
    assert done.status_code == 303
    page = (await web.client.get("/massnahmen/e-akte")).text
    assert "Fertig." in page and "Status: von „In Umsetzung“ auf „Abgeschlossen“" in page


async def test_archiving_asks_first_and_then_takes_the_measure_off_the_radar(web: Web) -> None:
    editor = await web.staff("editor")
    confirm = await editor.get("/redaktion/massnahmen/e-akte/archivieren")
    assert confirm.status_code == 200 and "Ja, archivieren" in confirm.text

    r = await editor.post(
        "/redaktion/massnahmen/e-akte/archivieren",
        data={"csrf_token": form_token(confirm.text), "change_note": "Erledigt.", "expected_version": "1"},
    )

    assert r.status_code == 303 and r.headers["location"] == "/redaktion"
    assert 'href="/massnahmen/e-akte"' not in (await web.client.get("/")).text
    assert "Diese Maßnahme ist archiviert." in (await web.client.get("/massnahmen/e-akte")).text


async def test_the_atom_feeds_are_well_formed_atom(web: Web) -> None:
    for path in ("/feeds/changes.atom", "/feeds/measures/boese.atom"):
        r = await web.client.get(path)
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/atom+xml; charset=utf-8"
        feed = ET.fromstring(r.content)  # noqa: S314 - our own output
        assert feed.tag == f"{ATOM}feed"
        for name in ("id", "title", "updated", "author"):
            assert feed.find(f"{ATOM}{name}") is not None, name
        entries = feed.findall(f"{ATOM}entry")
        assert entries
        for entry in entries:
            assert entry.findtext(f"{ATOM}id", "").startswith("urn:uuid:")
            link = entry.find(f"{ATOM}link")
            assert link is not None and link.get("href", "").startswith(
                "https://radar.example.org/massnahmen/"
            )
    measure_feed = (await web.client.get("/feeds/measures/boese.atom")).text
    assert EVIL not in measure_feed and "&lt;script&gt;" in measure_feed


async def test_unknown_pages_get_an_html_404_and_the_api_keeps_json(web: Web) -> None:
    page = await web.client.get("/gibt-es-nicht")
    measure = await web.client.get("/massnahmen/gibt-es-nicht")
    api = await web.client.get("/api/v1/gibt-es-nicht")

    assert page.status_code == 404 and "Seite nicht gefunden" in page.text
    assert measure.status_code == 404 and "Seite nicht gefunden" in measure.text
    assert api.status_code == 404 and api.json()["error"] == "NOT_FOUND"
