"""A city adds a language by adding a catalog folder: the pages speak it, with no change to the code."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from radar_gateway.config import GatewaySettings
from radar_gateway.main import create_app as create_gateway
from radar_gateway.web.catalogs import LOCALE
from radar_gateway.web.i18n import use_catalogs
from tests.conftest import TOKEN_SECRET
from tests.unit.test_catalogs import rewrite

pytestmark = pytest.mark.integration
FRENCH: dict[str, str | None] = {
    "lang.name": "Français",
    "login.heading": "Connexion du personnel",
    "login.password": "Mot de passe",
}


@pytest.fixture
async def gateway(
    new_database: Callable[[str], str], redis_url: str, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale)
    shutil.copytree(LOCALE / "en", locale / "fr")
    rewrite(locale / "fr/LC_MESSAGES/messages.po", FRENCH, locale="fr")
    settings = GatewaySettings(database_url=new_database("gateway"), redis_url=redis_url,
                               internal_token_secret=TOKEN_SECRET, locale_dir=str(locale))  # fmt: skip
    app = create_gateway(settings)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
                yield client
    finally:
        use_catalogs()  # the shipped catalogs again, for the tests after this one


async def test_a_catalog_folder_added_by_a_city_is_a_language_of_the_pages(
    gateway: httpx.AsyncClient,
) -> None:
    french = await gateway.get("/anmelden", params={"lang": "fr"})
    later = await gateway.get("/anmelden")

    assert french.status_code == 200 and '<html lang="fr">' in french.text
    assert "Connexion du personnel" in french.text and "Mot de passe" in french.text
    assert gateway.cookies["radar_lang"] == "fr" and "Connexion du personnel" in later.text
    switch = [f'hreflang="{code}">{name}</a>' for code, name in (("de", "Deutsch"), ("en", "English"))]
    assert all(link in french.text for link in switch) and 'hreflang="fr"' not in french.text


async def test_the_shipped_languages_switch_to_each_other(gateway: httpx.AsyncClient) -> None:
    german = (await gateway.get("/anmelden")).text
    english = (await gateway.get("/anmelden", params={"lang": "en"})).text

    assert "Anmelden für Mitarbeitende" in german and 'hreflang="en">English</a>' in german
    assert 'hreflang="fr">Français</a>' in german and 'hreflang="de"' not in german
    assert "Staff log-in" in english and 'hreflang="de">Deutsch</a>' in english
