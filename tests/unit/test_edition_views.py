"""The pure parts of the edition and search views: status order, edition parameters, links, the switch."""

from __future__ import annotations

import pytest

from radar_gateway.web.editions_view import edition_href, edition_param, in_ring_order, switch
from radar_gateway.web.problems import PageProblem
from radar_gateway.web.radar_layout import RING_ORDER
from radar_gateway.web.search_view import search_href, topic_href

EARLIER = {"slug": "2019", "name": "Erste Fassung", "current": False}
CURRENT = {"slug": "2022", "name": "Fortschreibung", "current": True}


def test_counts_per_status_come_in_the_radars_order_whatever_order_they_arrive_in() -> None:
    arrived = [{"status": s, "count": 1} for s in reversed(RING_ORDER)]
    assert [c["status"] for c in in_ring_order(arrived)] == list(RING_ORDER)


def test_an_edition_parameter_that_no_edition_can_have_names_no_page() -> None:
    assert edition_param(None) is None and edition_param("") is None
    assert edition_param("2019") == "2019"
    for bad in ("x" * 81, "../2019", "Zwei Tausend", "2019?x=1"):
        with pytest.raises(PageProblem) as refused:
            edition_param(bad)
        assert refused.value.status == 404


def test_the_current_edition_has_the_plain_address_the_others_name_theirs() -> None:
    assert edition_href("/felder/netze", CURRENT) == "/felder/netze"
    assert edition_href("/felder/netze", EARLIER) == "/felder/netze?edition=2019"


def test_the_switch_offers_only_the_editions_that_have_the_page_and_none_for_a_single_edition() -> None:
    offered = switch([EARLIER, CURRENT], shown=CURRENT, href_of=lambda e: f"/fassungen/{e['slug']}")
    assert offered is not None and offered.others == [(EARLIER, "/fassungen/2019")]
    nowhere = switch([EARLIER, CURRENT], shown=CURRENT, href_of=lambda e: None)
    assert nowhere is not None and nowhere.others == []
    assert switch([CURRENT], shown=CURRENT, href_of=lambda e: "/") is None


def test_topics_lead_to_their_pages_in_their_edition_and_queries_are_encoded() -> None:
    field = {"kind": "field", "slug": "labs", "edition": "2019", "field": None}
    assert topic_href(field, shown="2022") == "/felder/labs?edition=2019"
    assert topic_href({**field, "edition": "2022"}, shown="2022") == "/felder/labs"
    goal = {"kind": "goal", "slug": "glasfaser", "edition": "2022", "field": "netze"}
    assert topic_href(goal, shown="2022") == "/felder/netze"
    area = {"kind": "core_area", "slug": "stadtgesellschaft", "edition": "2019", "field": None}
    assert topic_href(area, shown="2022") == "/kernbereiche/stadtgesellschaft?edition=2019"
    lead = {"kind": "lead", "slug": "RKU", "edition": None, "field": None}
    assert topic_href(lead, shown="2022") == "/?lead=RKU"
    assert search_href("Open Source & <mehr>") == "/?q=Open+Source+%26+%3Cmehr%3E"
