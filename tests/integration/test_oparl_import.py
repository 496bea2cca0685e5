"""`radar oparl import` on a real catalog database: linked by title, twice is once, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from radar_cli.main import build_parser
from radar_cli.oparl import OParlError, import_into, read_papers
from tests.conftest import editor, token_headers
from tests.integration.test_catalog import READER, TINY_CITY, NewDatabase, catalog
from tests.integration.test_council_decisions import rows

pytestmark = pytest.mark.integration

PAPERS = Path(__file__).parents[1] / "data" / "oparl_papers.json"
CITY = {
    **TINY_CITY,
    "measures": [
        {"slug": "e-akte", "title": "E-Akte", "field": "netze"},
        {"slug": "open-library", "title": "Open Library", "field": "netze"},
        {"slug": "glasfaser", "title": "Glasfaser", "field": "netze"},
    ],
}


async def decisions_of(client: Any, slug: str) -> list[tuple[str, str]]:
    shown = (await client.get(f"/measures/{slug}/decisions", headers=token_headers(READER))).json()
    return [(d["paper_number"], d["role"]) for d in shown["items"]]


async def test_the_papers_link_to_the_measures_they_name_and_a_second_import_adds_nothing(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, data=CITY) as (client, dsn):
        first = await import_into(dsn, read_papers(str(PAPERS)))
        assert first == {"papers": 3, "new": 3, "measures_changed": 2}
        assert await decisions_of(client, "e-akte") == [("20-26 / V 01234", "changed")]
        assert await decisions_of(client, "open-library") == [
            ("20-26 / V 01234", "changed"), ("20-26 / V 09999", "changed"),
        ]  # fmt: skip
        assert await decisions_of(client, "glasfaser") == []
        after_first = await rows(dsn)
        assert after_first == (3, 3, 2)  # one measure.updated per measure, however many papers name it
        second = await import_into(dsn, read_papers(PAPERS.as_uri()))
        assert second == {"papers": 3, "new": 0, "measures_changed": 0}
        assert await rows(dsn) == after_first


async def test_an_import_keeps_the_role_an_editor_gave(new_database: NewDatabase, redis_url: str) -> None:
    async with catalog(new_database, redis_url, data=CITY) as (client, dsn):
        headers = token_headers(editor())
        await client.put("/decisions/20-26%20%2F%20V%2001234", json={}, headers=headers)
        link = {"decision": "20-26 / V 01234", "role": "created"}
        assert (
            await client.post("/measures/e-akte/decisions", json=link, headers=headers)
        ).status_code == 200
        await import_into(dsn, read_papers(str(PAPERS)))
        assert await decisions_of(client, "e-akte") == [("20-26 / V 01234", "created")]
        listed = (await client.get("/decisions", headers=token_headers(READER))).json()["items"]
        imported = next(d for d in listed if d["paper_number"] == "20-26 / V 01234")
        assert (imported["oparl_id"], imported["date"]) == (
            "https://ris.example.org/oparl/v1.1/paper/1234",
            "2023-03-15",
        )


@pytest.mark.parametrize(
    ("second_page", "code"),
    [
        ("{not json", "OPARL_NOT_JSON"),
        (json.dumps({"data": [{"type": "https://schema.oparl.org/1.1/Meeting", "id": "m"}]}),
         "OPARL_NOT_A_PAPER"),
        (json.dumps({"data": [{"type": "https://schema.oparl.org/1.1/Paper", "id": "p", "name": "E-Akte"}]}),
         "OPARL_REFERENCE_MISSING"),
    ],
)  # fmt: skip
async def test_bad_input_on_any_page_imports_nothing(
    new_database: NewDatabase, redis_url: str, tmp_path: Path, second_page: str, code: str
) -> None:
    (tmp_path / "first.json").write_text(
        PAPERS.read_text(encoding="utf-8").replace("oparl_papers_page2.json", "second.json"), encoding="utf-8"
    )
    (tmp_path / "second.json").write_text(second_page, encoding="utf-8")
    async with catalog(new_database, redis_url, data=CITY) as (_, dsn):
        before = await rows(dsn)
        with pytest.raises(OParlError) as refused:
            await import_into(dsn, read_papers(str(tmp_path / "first.json")))
        assert refused.value.code == code
        assert await rows(dsn) == before == (0, 0, 0)


async def test_a_conflict_while_writing_rolls_the_whole_import_back(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, data=CITY) as (client, dsn):
        # the last paper's OParl id is on one decision, its number on another: it fails after two went in
        taken = {"oparl_id": "https://ris.example.org/oparl/v1.1/paper/9999"}
        await client.put("/decisions/V%201", json=taken, headers=token_headers(editor()))
        await client.put("/decisions/20-26%20%2F%20V%2009999", json={}, headers=token_headers(editor()))
        before = await rows(dsn)
        with pytest.raises(OParlError) as refused:
            await import_into(dsn, read_papers(str(PAPERS)))
        assert refused.value.code == "DECISION_CONFLICT"
        assert await rows(dsn) == before


async def test_munich_names_the_decision_that_adopted_its_2019_edition(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, seed="munich") as (client, _):
        listed = (await client.get("/decisions", headers=token_headers(READER))).json()["items"]
        assert [(d["paper_number"], d["adopted_edition"], d["date"], d["title"]) for d in listed] == [
            ("14-20 / V 14953", "2019", None, "")
        ]
        editions = (await client.get("/editions", headers=token_headers(READER))).json()["items"]
        assert {e["slug"]: e["adopted_by"] for e in editions} == {
            "2019": {"paper_number": "14-20 / V 14953", "date": None, "title": None, "url": None},
            "2022": None,
        }


async def test_a_paper_is_known_by_its_oparl_id_when_its_reference_was_corrected(
    new_database: NewDatabase, redis_url: str, tmp_path: Path
) -> None:
    corrected = tmp_path / "corrected.json"
    page = json.loads(PAPERS.read_text(encoding="utf-8"))
    page["data"][0]["reference"] = "20-26 / V 01234-1"
    new = {**page["data"][1], "id": "https://ris.example.org/oparl/v1.1/paper/7777", "reference": "V 7777"}
    page["data"] += [new, new]  # a paper listed twice in one import is recorded once
    page["links"] = {}
    corrected.write_text(json.dumps(page), encoding="utf-8")
    async with catalog(new_database, redis_url, data=CITY) as (client, dsn):
        await import_into(dsn, read_papers(str(PAPERS)))
        before = await rows(dsn)
        again = await import_into(dsn, read_papers(str(corrected)))
        assert again == {"papers": 3, "new": 1, "measures_changed": 2}  # both show the new paper number
        assert (await rows(dsn))[:2] == (before[0] + 1, before[1])
        assert await decisions_of(client, "e-akte") == [("20-26 / V 01234-1", "changed")]


def test_the_command_imports_a_file_and_says_what_it_did(
    new_database: NewDatabase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dsn = new_database("catalog")
    monkeypatch.setenv("RADAR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RADAR_DATABASE_ADMIN_URL", dsn)  # an external server; the catalog's URL is given
    monkeypatch.setenv("RADAR_CATALOG_DATABASE_URL", dsn)
    args = build_parser().parse_args(["oparl", "import", str(PAPERS)])
    assert args.func(args) == 0
    assert "3 paper(s) read, 3 new decision(s), 0 measure(s) changed" in capsys.readouterr().out
    (tmp_path / "broken.json").write_text("[]", encoding="utf-8")
    args = build_parser().parse_args(["oparl", "import", str(tmp_path / "broken.json")])
    assert args.func(args) == 1
    assert "OPARL_NOT_A_LIST" in capsys.readouterr().err
