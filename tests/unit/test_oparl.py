"""Reading OParl Papers as council decisions, and which measures a paper's name mentions."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from radar_catalog.domain.oparl import mentioned_measures, read_page
from radar_catalog.domain.vocabulary import CatalogError
from radar_cli.main import build_parser
from radar_cli.oparl import OParlError, read_papers, source_url

DATA = Path(__file__).parents[1] / "data"
PAPER_TYPE = "https://schema.oparl.org/1.1/Paper"


def paper(**values: Any) -> dict[str, Any]:
    return {"id": "https://ris.example.org/paper/1", "type": PAPER_TYPE, "name": "E-Akte", "reference": "V 1",
            **values}  # fmt: skip


def test_a_list_page_gives_its_papers_as_decisions_and_the_next_page() -> None:
    page = {"data": [paper(date="2023-03-15", web="https://ris.example.org/v/1")], "links": {"next": "p2"}}
    papers, following = read_page(page, where="page")
    assert following == "p2"
    decision = papers[0].decision
    assert (decision.paper_number, decision.decided_on, decision.title) == (
        "V 1",
        dt.date(2023, 3, 15),
        "E-Akte",
    )
    assert (decision.url, decision.oparl_id) == (
        "https://ris.example.org/v/1",
        "https://ris.example.org/paper/1",
    )


def test_a_deleted_paper_is_left_out_and_a_single_paper_is_a_page_of_one() -> None:
    assert read_page({"data": [{"type": PAPER_TYPE, "id": "x", "deleted": True}]}, where="p") == ([], None)
    papers, following = read_page(paper(), where="p")
    assert (len(papers), following) == (1, None)


@pytest.mark.parametrize(
    ("page", "code"),
    [
        ([paper()], "OPARL_NOT_A_LIST"),
        ({"data": [paper(type="https://schema.oparl.org/1.1/Meeting")]}, "OPARL_NOT_A_PAPER"),
        ({"data": [paper(reference=" ")]}, "OPARL_REFERENCE_MISSING"),
        ({"data": [paper(reference=None)]}, "OPARL_REFERENCE_MISSING"),
        ({"data": [paper(id=None)]}, "OPARL_ID_MISSING"),
        ({"data": [paper(date="15.03.2023")]}, "DECISION_DATE_INVALID"),
        ({"data": [paper(web="ftp://x")]}, "LINK_INVALID"),
    ],
)
def test_what_is_no_paper_or_lacks_its_reference_is_refused(page: Any, code: str) -> None:
    with pytest.raises(CatalogError) as refused:
        read_page(page, where="page")
    assert refused.value.code == code


def test_a_measure_is_mentioned_only_by_its_whole_title() -> None:
    measures = [(1, "E-Akte"), (2, "Open Library"), (3, "Akte")]
    assert mentioned_measures("Fortschreibung: e-akte  und OPEN library", measures) == [1, 2]
    assert mentioned_measures("Ausbau der E-Akten-Plattform", measures) == []


def test_pages_are_followed_from_a_plain_path_or_a_file_url() -> None:
    first = DATA / "oparl_papers.json"
    for source in (str(first), first.as_uri()):
        numbers = [p.decision.paper_number for p in read_papers(source)]
        assert numbers == ["20-26 / V 01234", "20-26 / V 05678", "20-26 / V 09999"]
    assert source_url("papers.json").startswith("file:///")


def test_a_file_that_is_not_json_or_links_in_a_circle_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("<html>", encoding="utf-8")
    with pytest.raises(OParlError) as refused:
        read_papers(str(broken))
    assert refused.value.code == "OPARL_NOT_JSON"
    circle = tmp_path / "circle.json"
    circle.write_text(json.dumps({"data": [], "links": {"next": "circle.json"}}), encoding="utf-8")
    with pytest.raises(OParlError) as refused:
        read_papers(str(circle))
    assert refused.value.code == "OPARL_TOO_MANY_PAGES"
    with pytest.raises(OParlError) as refused:
        read_papers(str(tmp_path / "missing.json"))
    assert refused.value.code == "OPARL_SOURCE_UNREADABLE"


def test_the_command_line_knows_oparl_import() -> None:
    args = build_parser().parse_args(["oparl", "import", "papers.json"])
    assert args.source == "papers.json"


def test_a_page_on_the_web_may_not_lead_to_a_local_file() -> None:
    page = json.dumps({"data": [], "links": {"next": (DATA / "oparl_papers.json").as_uri()}}).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            return None

    server = HTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(OParlError) as refused:
            read_papers(f"http://127.0.0.1:{server.server_port}/papers")
        assert refused.value.code == "OPARL_SOURCE_INVALID"
    finally:
        server.shutdown()
        server.server_close()
