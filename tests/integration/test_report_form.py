"""The editors' form for a measure's yearly report, through the gateway in front of a real catalog:
drafts stay with the editors, publishing reaches the public, refusals keep what was typed."""

from __future__ import annotations

import html
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio

from radar_lib.events import utcnow
from tests.integration.gateway_system import SMALL_CITY, System, start_system
from tests.integration.helpers import eventually
from tests.integration.subscription_site import form_token

pytestmark = pytest.mark.integration
EMPTY_ROW = {f"kpi-1-{cell}": "" for cell in ("name", "unit", "target", "actual", "as_of")}
FILLED = {
    "achievements": "Digitale Bürgerdienste für <alle> Bezirke.",
    "outlook": "Mehr Dienste.",
    "highlights": "",
    "progress": "40",
    "kpi-0-name": "Online-Dienste",
    "kpi-0-unit": "Anzahl",
    "kpi-0-target": "120",
    "kpi-0-actual": "87,5",
    "kpi-0-as_of": "2024-12-31",
    **EMPTY_ROW,
    "status": "draft",
    "change_note": "",
}


@pytest_asyncio.fixture
async def system(new_database: Callable[[str], str], redis_url: str) -> AsyncIterator[System]:
    async with start_system(new_database, redis_url, city=SMALL_CITY) as running:
        yield running


async def new_measure(editor: httpx.AsyncClient) -> str:
    title = f"E-Akte {uuid.uuid4().hex[:6]}"
    r = await editor.post("/api/v1/measures", json={"title": title, "field": "teilhabe"})
    assert r.status_code == 201, r.text
    return str(r.json()["slug"])


async def send(editor: httpx.AsyncClient, path: str, fields: dict[str, str]) -> httpx.Response:
    """The form sent as a browser sends it, with the token of the form page."""
    token = form_token((await editor.get(path)).text)
    return await editor.post(path, data={**fields, "csrf_token": token})


async def reports_seen(client: httpx.AsyncClient, slug: str) -> list[dict[str, Any]]:
    r = await client.get(f"/api/v1/measures/{slug}/reports")
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


async def test_an_editor_drafts_a_report_in_the_form_and_then_publishes_it(system: System) -> None:
    editor = await system.staff("editor")
    slug = await new_measure(editor)
    measure_form = (await editor.get(f"/redaktion/massnahmen/{slug}")).text
    listing = f"/redaktion/massnahmen/{slug}/berichte"
    assert f'href="{listing}">Jahresberichte</a>' in measure_form
    empty = await editor.get(listing)
    assert empty.status_code == 200 and "noch keinen Jahresbericht" in empty.text
    opened = await editor.get(listing, params={"jahr": "2024"})
    assert (opened.status_code, opened.headers["location"]) == (303, f"{listing}/2024")
    form = f"{listing}/2024"
    assert "Für dieses Jahr gibt es noch keinen Bericht." in (await editor.get(form)).text

    drafted = await send(editor, form, FILLED)

    assert (drafted.status_code, drafted.headers["location"]) == (303, form)
    page = (await editor.get(form)).text
    assert "Der Entwurf des Jahresberichts ist gespeichert." in page
    assert html.escape(FILLED["achievements"], quote=False) in page and 'value="87,5"' in page
    assert await reports_seen(system.client(), slug) == []
    [draft] = await reports_seen(editor, slug)
    assert (draft["status"], draft["version"], draft["progress"]) == ("draft", None, 40)
    assert "Entwurf" in (await editor.get(listing)).text

    published = await send(editor, form, {**FILLED, "status": "published", "change_note": "Bericht 2024."})

    assert (published.status_code, published.headers["location"]) == (303, form)
    assert "Der Jahresbericht ist veröffentlicht." in (await editor.get(form)).text
    [entry] = await eventually(lambda: reports_seen(system.client(), slug))
    assert (entry["version"], entry["change_note"], entry["achievements"]) == (
        1, "Bericht 2024.", FILLED["achievements"]
    )  # fmt: skip
    assert entry["kpis"] == [
        {"name": "Online-Dienste", "unit": "Anzahl", "target": 120, "actual": 87.5, "as_of": "2024-12-31"}
    ]
    english = (await editor.get(form, params={"lang": "en"})).text
    assert "Yearly report 2024" in english and "Version 1 is public" in english and 'value="87.5"' in english


@pytest.mark.parametrize(
    ("changes", "shown", "field"),
    [
        ({"kpi-1-unit": "Prozent"}, "Kennzahl 2: Jede Kennzahl braucht eine Bezeichnung", "kpis"),
        ({"kpi-0-actual": "viele"}, "Kennzahl 1: Jede Kennzahl braucht eine Bezeichnung", "kpis"),
        ({"status": "published"}, "Bitte schreiben Sie eine kurze Änderungsnotiz.", "change_note"),
        ({"status": "published", "achievements": "", "change_note": "x"}, "was erreicht", "achievements"),
        ({"progress": "140"}, "Der Fortschritt ist eine ganze Zahl von 0 bis 100.", "progress"),
        ({"status": "fertig"}, "als Entwurf speichern oder veröffentlichen", "status"),
        ({"outlook": "Mehr\u202eDienste"}, "unsichtbare", "outlook"),
    ],
)
async def test_a_refused_report_form_keeps_what_was_typed_and_the_catalog_is_unchanged(
    system: System, changes: dict[str, str], shown: str, field: str
) -> None:
    editor = await system.staff("editor")
    slug = await new_measure(editor)
    typed = {**FILLED, "kpi-0-name": "Online-Dienste <neu>", **changes}

    refused = await send(editor, f"/redaktion/massnahmen/{slug}/berichte/2024", typed)

    assert refused.status_code == 422, refused.text
    assert shown in refused.text and f'id="err-{field}"' in refused.text
    assert 'class="error-summary" role="alert"' in refused.text
    assert 'value="Online-Dienste &lt;neu&gt;"' in refused.text  # typed, and escaped
    assert html.escape(typed["achievements"], quote=False) in refused.text
    assert await reports_seen(editor, slug) == []


async def test_a_refused_row_is_marked_and_described_by_its_error(system: System) -> None:
    editor = await system.staff("editor")
    slug = await new_measure(editor)

    refused = await send(editor, f"/redaktion/massnahmen/{slug}/berichte/2024", {**FILLED, "kpi-1-unit": "%"})

    assert refused.status_code == 422
    assert 'href="#rf-kpi-1-name"' in refused.text
    assert 'name="kpi-1-unit" value="%" size="10" maxlength="40" aria-describedby="rf-kpis-hint err-kpis"' \
        ' aria-invalid="true"' in refused.text  # fmt: skip
    assert 'name="kpi-0-unit" value="Anzahl" size="10" maxlength="40" aria-describedby="rf-kpis-hint">' \
        in refused.text  # fmt: skip


async def test_a_report_form_without_the_session_s_token_is_refused(system: System) -> None:
    editor = await system.staff("editor")
    slug = await new_measure(editor)
    form = f"/redaktion/massnahmen/{slug}/berichte/2024"

    missing = await editor.post(form, data=FILLED)
    wrong = await editor.post(form, data={**FILLED, "csrf_token": "abgelaufen"})

    for refused in (missing, wrong):
        assert refused.status_code == 422 and "Das Formular ist abgelaufen" in refused.text
        assert html.escape(FILLED["achievements"], quote=False) in refused.text
    assert await reports_seen(editor, slug) == []


async def test_the_report_pages_are_for_editors_only(system: System) -> None:
    editor = await system.staff("editor")
    slug = await new_measure(editor)
    listing = f"/redaktion/massnahmen/{slug}/berichte"
    moderator = await system.staff("moderator")

    anonymous = await system.client().get(f"{listing}/2024")
    assert (anonymous.status_code, anonymous.headers["location"]) == (
        303, f"/anmelden?next=%2Fredaktion%2Fmassnahmen%2F{slug}%2Fberichte%2F2024"
    )  # fmt: skip
    for path in (listing, f"{listing}/2024"):
        seen = await moderator.get(path)
        assert seen.status_code == 403 and "Kein Zugriff" in seen.text
    token = moderator.cookies["radar_csrf"]  # the moderator's own, valid token
    sent = {**FILLED, "status": "published", "change_note": "Von der Moderation.", "csrf_token": token}
    refused = await moderator.post(f"{listing}/2024", data=sent)
    assert refused.status_code == 403
    assert await reports_seen(editor, slug) == []


async def test_a_year_outside_the_reporting_years_is_no_page(system: System) -> None:
    editor = await system.staff("editor")
    slug = await new_measure(editor)
    listing = f"/redaktion/massnahmen/{slug}/berichte"
    next_year = utcnow().year + 1
    token = form_token((await editor.get(f"{listing}/2024")).text)

    for year in ("1989", str(next_year), "24", "2024x"):
        assert (await editor.get(f"{listing}/{year}")).status_code == 404, year
    sent = await editor.post(f"{listing}/{next_year}", data={**FILLED, "csrf_token": token})
    assert sent.status_code == 404
    assert (await editor.get("/redaktion/massnahmen/gibt-es-nicht/berichte/2024")).status_code == 404
    asked = await editor.get(listing, params={"jahr": str(next_year)})
    assert asked.status_code == 422 and "Bitte geben Sie ein Berichtsjahr ein" in asked.text
    assert f'value="{next_year}"' in asked.text and 'aria-invalid="true"' in asked.text
    assert await reports_seen(editor, slug) == []
