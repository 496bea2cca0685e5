"""The catalog in English: translated names, goals and summaries, German where there is no translation,
and the language of every text named, through the catalog's API and on the gateway's pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from radar_catalog.seed import read_dataset
from tests.conftest import editor, token_headers
from tests.integration.gateway_system import start_system
from tests.integration.test_catalog import READER, announced, catalog

pytestmark = pytest.mark.integration
NewDatabase = Callable[[str], str]
# a field with its name and one goal translated; its introduction, its other goal and the second
# field are not
HALF_TRANSLATED: dict[str, Any] = {
    "principles": [{"slug": "standards", "name": "Standards", "translations": {"en": {"name": "Standards"}}}],
    "departments": [{"code": "RIT", "name": "IT-Referat"}],
    "fields": [
        {"slug": "teilhabe", "name": "Teilhabe", "introduction": "Für alle.",
         "translations": {"en": {"name": "Participation"}},
         "goals": [
             {"slug": "beteiligung", "title": "Beteiligung", "description": "Mitreden.",
              "translations": {"en": {"title": "Taking part", "description": "Having a say."}}},
             {"slug": "zugang", "title": "Zugang für alle"},
         ]},
        {"slug": "netze", "name": "Netze"},
    ],
    "measures": [
        {"slug": "e-akte", "title": "E-Akte", "summary": "Akten digital führen.", "description": "Lang.",
         "field": "teilhabe", "goals": ["beteiligung"], "principles": ["standards"],
         "translations": {"en": {"title": "Electronic files"}}},
    ],
}  # fmt: skip


async def read(client: Any, path: str, **options: Any) -> dict[str, Any]:
    r = await client.get(path, headers={**token_headers(READER), **options.pop("headers", {})}, **options)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_munich_reads_in_english_with_the_language_of_each_text(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        field = await read(client, "/fields/bildung", params={"lang": "en"})
        assert (field["name"], field["languages"]) == ("Education", {"name": "en", "introduction": "en"})
        assert field["introduction"].startswith("The field of action education")
        assert field["edition"] == {
            "slug": "2022", "name": "2022 update", "languages": {"name": "en"}, "year": 2022, "current": True,
        }  # fmt: skip
        goal = field["goals"][0]
        assert (goal["title"], goal["languages"]) == (
            "Expand technical infrastructure and IT equipment in education",
            {"title": "en", "description": "en"},
        )
        [measure] = field["measures"]
        assert measure["languages"] == {"title": "en", "summary": "en"}
        assert measure["title"] == "Digital transformation of Munich's educational institutions"

        e_akte = await read(
            client, "/measures/e-akte", headers={"Accept-Language": "en-GB,en;q=0.9,de;q=0.5"}
        )
        assert (e_akte["title"], e_akte["summary"]) == (
            "Electronic files (E-Akte)",
            "Introducing electronic files in the city administration.",
        )
        assert e_akte["languages"] == {"title": "en", "summary": "en", "description": "de"}  # not translated
        assert e_akte["field"] == {"slug": "digital-government", "name": "Digital Government",
                                   "languages": {"name": "en"}}  # fmt: skip
        principles = await read(client, "/principles", params={"lang": "en"})
        assert {"slug": "nutzerorientierung", "name": "User orientation", "languages": {"name": "en"}} in (
            principles["items"]
        )
        area = await read(client, "/core-areas/stadtgesellschaft", params={"lang": "en"})
        assert area["fields"][0]["name"] == "Digital communities and participation"
        assert area["edition"]["name"] == "Digitalisation Strategy 2019"

        german = await read(client, "/fields/bildung")
        assert (german["name"], german["goals"][0]["title"][:20]) == ("Bildung", "Technische Infrastru")
        assert "languages" not in german  # everything is as written


async def test_untranslated_texts_stay_german_and_say_so(new_database: NewDatabase, redis_url: str) -> None:
    async with catalog(new_database, redis_url, data=HALF_TRANSLATED) as (client, _):
        field = await read(client, "/fields/teilhabe", params={"lang": "en"})
        assert (field["name"], field["introduction"]) == ("Participation", "Für alle.")
        assert field["languages"] == {"name": "en", "introduction": "de"}
        assert [(g["title"], g["languages"]) for g in field["goals"]] == [
            ("Taking part", {"title": "en", "description": "en"}),
            ("Zugang für alle", {"title": "de", "description": "de"}),
        ]
        listed = await read(client, "/fields", params={"lang": "en"})
        assert [(f["name"], f["languages"]["name"]) for f in listed["items"]] == [
            ("Participation", "en"), ("Netze", "de"),
        ]  # fmt: skip
        found = await read(client, "/measures", params={"lang": "en", "q": "Akten"})
        [m] = found["items"]
        assert (m["title"], m["summary"]) == ("Electronic files", "Akten digital führen.")
        assert m["languages"] == {"title": "en", "summary": "de", "description": "de"}
        assert m["goals"] == [{"slug": "beteiligung", "title": "Taking part", "languages": {"title": "en"}}]
        assert found["edition"]["languages"] == {"name": "de"}
        # a language nothing is translated into: German throughout, marked as German
        french = await read(client, "/fields/teilhabe", headers={"Accept-Language": "fr"})
        assert (french["name"], french["languages"]["name"]) == ("Teilhabe", "de")
        r = await client.get("/fields/teilhabe", params={"lang": "english"}, headers=token_headers(READER))
        assert (r.status_code, r.json()["error"]) == (422, "LANGUAGE_INVALID")
        # search and the export keep to the originals
        assert (await read(client, "/measures", params={"q": "Electronic"}))["total"] == 0
        exported = await read(client, "/export/measures.json")
        assert exported["items"][0]["title"] == "E-Akte" and "languages" not in exported["items"][0]


async def test_an_editor_renames_and_translates_a_field(new_database: NewDatabase, redis_url: str) -> None:
    async with catalog(new_database, redis_url, data=HALF_TRANSLATED) as (client, _):
        headers = token_headers(editor())
        r = await client.patch(
            "/fields/netze",
            json={"name": "Netze und Funk", "translations": {"en": {"name": "Networks and radio"}}},
            headers=headers,
        )
        assert r.status_code == 200, r.text
        assert (r.json()["name"], r.json()["version"]) == ("Netze und Funk", 2)
        events = await announced(redis_url, "field.updated", at_least=3)
        [renamed] = [e["payload"] for e in events if e["payload"]["version"] == 2]
        assert (renamed["name"], renamed["changes"]) == ("Netze und Funk", ["name", "translations"])
        field = await read(client, "/fields/netze", params={"lang": "en"})
        assert (field["name"], field["languages"]["name"]) == ("Networks and radio", "en")

        # an empty text removes a translation; the other translations stay
        r = await client.patch(
            "/fields/teilhabe", json={"translations": {"en": {"name": ""}}}, headers=headers
        )
        assert r.status_code == 200, r.text
        field = await read(client, "/fields/teilhabe", params={"lang": "en"})
        assert (field["name"], field["languages"]["name"]) == ("Teilhabe", "de")
        assert field["goals"][0]["title"] == "Taking part"

        for body, code in (
            ({"translations": {"de": {"name": "Netze"}}}, "TRANSLATION_INVALID"),
            ({"translations": {"EN!": {"name": "Nets"}}}, "TRANSLATION_INVALID"),
            ({"name": "  "}, "NAME_EMPTY"),
        ):
            r = await client.patch("/fields/netze", json=body, headers=headers)
            assert (r.status_code, r.json()["error"]) == (422, code), body
        field = await read(client, "/fields/netze", params={"lang": "en"})
        assert (field["name"], field["version"]) == ("Networks and radio", 2)  # nothing half-written


async def test_a_renamed_field_is_found_by_its_new_name(new_database: NewDatabase, redis_url: str) -> None:
    async with catalog(new_database, redis_url, data=HALF_TRANSLATED) as (client, _):
        assert (await read(client, "/measures", params={"q": "Mitwirkung"}))["total"] == 0
        r = await client.patch(
            "/fields/teilhabe", json={"name": "Mitwirkung"}, headers=token_headers(editor())
        )
        assert r.status_code == 200, r.text
        found = await read(client, "/measures", params={"q": "Mitwirkung"})
        assert [m["slug"] for m in found["items"]] == ["e-akte"]


def lang_of(html: str, text: str) -> str | None:
    """The lang attribute of the element whose content starts with this text, or None without one."""
    found = re.search(r"<[a-z0-9]+(?P<attrs>[^<>]*)>" + re.escape(text), html)
    assert found, f"{text!r} is not on the page"
    lang = re.search(r'\blang="([^"]+)"', found.group("attrs"))
    return lang.group(1) if lang else None


async def test_the_english_field_page_shows_english_names_and_marks_german_texts(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with start_system(new_database, redis_url, city=HALF_TRANSLATED) as system:
        r = await system.gateway.get("/felder/teilhabe", params={"lang": "en"})
        assert r.status_code == 200, r.text
        page = r.text
        assert '<html lang="en"' in page
        assert lang_of(page, "Participation</h1>") is None  # in the page's language
        assert lang_of(page, "Für alle.") == "de"  # the introduction is not translated
        assert lang_of(page, "Taking part") is None
        assert lang_of(page, "Zugang für alle") == "de"
        assert lang_of(page, "Electronic files") is None
        assert "Teilhabe" not in page.split("<main", 1)[1].split("</main>", 1)[0]

        german = (await system.gateway.get("/felder/teilhabe", params={"lang": "de"})).text
        assert lang_of(german, "Teilhabe</h1>") is None and lang_of(german, "Zugang für alle") is None
        measure = (await system.gateway.get("/massnahmen/e-akte", params={"lang": "en"})).text
        assert lang_of(measure, "Electronic files") is None
        assert lang_of(measure, "Akten digital führen.") == "de"
        assert lang_of(measure, "Lang.") == "de"


async def test_the_english_munich_pages_name_the_strategy_in_english(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with start_system(new_database, redis_url, city=read_dataset("munich")) as system:
        page = (await system.gateway.get("/", params={"lang": "en"})).text
        assert lang_of(page, "Education</a>") is None
        assert lang_of(page, "Climate and environment</a>") is None
        assert lang_of(page, "Setting up climate protection monitoring</a>") is None
        edition = (await system.gateway.get("/fassungen/2019", params={"lang": "en"})).text
        assert lang_of(edition, "Digitalisation Strategy 2019</h1>") is None
        assert lang_of(edition, "Urban society</a>") is None
        area = (await system.gateway.get("/kernbereiche/stadtgesellschaft", params={"lang": "en"})).text
        assert lang_of(area, "Urban society</h1>") is None
        assert lang_of(area, "Work and economy</a>") is None
        for path in (
            "/",
            "/felder/bildung",
            "/kernbereiche/stadtgesellschaft",
            "/fassungen/2019",
            "/massnahmen/e-akte",
        ):
            for lang in ("de", "en"):
                r = await system.gateway.get(path, params={"lang": lang})
                assert r.status_code == 200, (path, lang, r.text)
        german = (await system.gateway.get("/fassungen/2019", params={"lang": "de"})).text
        assert lang_of(german, "Stadtgesellschaft</a>") is None
