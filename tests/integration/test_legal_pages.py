"""Imprint, privacy and accessibility statement: in both languages, with the city's own facts.

The facts come from the file RADAR_LEGAL_TEXTS_FILE names and are escaped like any text;
without the file each one is a marked placeholder for the city to fill in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pydantic
import pytest

from radar_gateway.config import GatewaySettings
from radar_gateway.main import create_app as create_gateway
from tests.integration.lone_gateway import lone_gateway

pytestmark = pytest.mark.integration
PAGES = {"/impressum": ("Impressum", "Imprint"), "/datenschutz": ("Datenschutz", "Privacy"),
         "/barrierefreiheit": ("Erklärung zur Barrierefreiheit", "Accessibility statement")}  # fmt: skip
FOOTER = ("/impressum", "/datenschutz", "/barrierefreiheit", "/netiquette")
CITY = {
    "operator": {"de": "Beispielstadt <script>alert(1)</script> & Co", "en": "Example City & Co"},
    "address": "Rathausplatz 1\n12345 Beispielstadt",
    "contact": "radar@example.org",
    "dpo": {"de": "Datenschutz-Team", "en": "Data protection team"},
    "supervisory_authority": "Landesbeauftragte für den Datenschutz",
    "accessibility_contact": "barrieren@example.org",
}


@pytest.fixture
def texts_file(tmp_path: Path) -> Path:
    path = tmp_path / "legal.json"
    path.write_text(json.dumps(CITY), encoding="utf-8")
    return path


async def test_every_legal_page_answers_in_both_languages_with_the_citys_facts_escaped(
    new_database: Callable[[str], str], redis_url: str, texts_file: Path
) -> None:
    async with lone_gateway(new_database, redis_url, legal_texts_file=str(texts_file)) as browser:
        for path, (german, english) in PAGES.items():
            de = await browser.get(path, params={"lang": "de"})
            en = await browser.get(path, params={"lang": "en"})
            assert (de.status_code, en.status_code) == (200, 200), path
            assert f"<h1>{german}</h1>" in de.text and f"<h1>{english}</h1>" in en.text
            assert "<script>alert" not in de.text
        imprint = (await browser.get("/impressum", params={"lang": "de"})).text
        assert "Beispielstadt &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in imprint
        assert "Rathausplatz 1<br>12345 Beispielstadt" in imprint  # lines stay lines
        assert "Example City &amp; Co" in (await browser.get("/impressum", params={"lang": "en"})).text
        privacy = (await browser.get("/datenschutz", params={"lang": "de"})).text
        assert "Datenschutz-Team" in privacy and "Landesbeauftragte für den Datenschutz" in privacy
        for cookie in ("radar_pid", "radar_lang", "radar_form", "radar_hinweis"):
            assert f"<code>{cookie}</code>" in privacy
        assert 'href="/meine-beitraege"' in privacy
        assert "Data protection team" in (await browser.get("/datenschutz", params={"lang": "en"})).text
        statement = (await browser.get("/barrierefreiheit", params={"lang": "de"})).text
        assert "axe-core" in statement and "barrieren@example.org" in statement
        assert "Von der Stadt einzutragen: Durchsetzungs- oder Schlichtungsstelle" in statement  # not in CITY


async def test_without_a_file_every_fact_is_a_placeholder_for_the_city(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with lone_gateway(new_database, redis_url) as browser:
        imprint = (await browser.get("/impressum")).text
        english = (await browser.get("/impressum", params={"lang": "en"})).text
    for what in ("Name der verantwortlichen Stelle", "Anschrift", "E-Mail-Adresse und Telefon"):
        assert f"[Von der Stadt einzutragen: {what}]" in imprint
    assert "[To be filled in by the city: name of the responsible body]" in english
    assert "München" not in imprint and "Munich" not in english


async def test_the_footer_links_the_legal_pages_and_the_netiquette(
    new_database: Callable[[str], str], redis_url: str
) -> None:
    async with lone_gateway(new_database, redis_url) as browser:
        for path in (*PAGES, "/anmelden", "/gibt-es-nicht"):
            footer = (await browser.get(path)).text.split('<footer class="site-footer">')[1]
            for target in FOOTER:
                assert f'href="{target}"' in footer, (path, target)


def test_a_legal_texts_file_that_does_not_fit_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "legal.json"
    path.write_text(json.dumps({"operatr": "Tippfehler"}), encoding="utf-8")
    settings = GatewaySettings(database_url="postgresql://unused", legal_texts_file=str(path))
    with pytest.raises(pydantic.ValidationError, match="operatr"):
        create_gateway(settings)
