"""The strategy's structure without a database: what is unknown, what a presentation patch changed,
edition slugs, and the Munich data set's two editions."""

from __future__ import annotations

from typing import Any

import pytest

from radar_catalog.domain.structure import (
    UNKNOWABLE,
    clean_unknown,
    plausible_edition,
    presentation_changes,
    still_unknown,
)
from radar_catalog.domain.vocabulary import CatalogError, slugify
from radar_catalog.seed import read_dataset

pytestmark = pytest.mark.unit


def test_unknown_parts_are_kept_in_a_fixed_order_and_strange_ones_refused() -> None:
    assert clean_unknown(["measures", "quote", "goals", "quote"]) == ["quote", "goals", "measures"]
    assert clean_unknown(None) == []
    with pytest.raises(CatalogError) as caught:
        clean_unknown(["goals", "budget"])
    assert (caught.value.code, caught.value.message) == ("UNKNOWN_INVALID", "Cannot mark as unknown: budget.")


def test_a_presentation_part_given_content_is_no_longer_unknown() -> None:
    revised = {"introduction": "", "quote": {"text": "T", "author": "A"}, "media": []}
    assert still_unknown(["quote", "media", "goals"], revised) == ["media", "goals"]


def test_presentation_changes_name_the_parts_that_differ() -> None:
    before: dict[str, Any] = {"introduction": "Alt", "quote": None, "media": []}
    after = {
        "introduction": "Neu",
        "quote": None,
        "media": [{"kind": "video", "title": "V", "url": "https://x"}],
    }
    assert presentation_changes(before, after) == ["introduction", "media"]
    assert presentation_changes(before, dict(before)) == []


@pytest.mark.parametrize("slug", ["", "Nicht da", "2019/..", "-2019", "x" * 81])
def test_an_edition_slug_that_cannot_be_one_is_an_unknown_edition(slug: str) -> None:
    with pytest.raises(CatalogError) as caught:
        plausible_edition(slug, status=404)
    assert (caught.value.code, caught.value.status) == ("EDITION_UNKNOWN", 404)


# --- the Munich data set -------------------------------------------------------------

# measures per field on the city's radar (the facts file's one snapshot)
COUNTED = {
    "Digital Government": 27, "Gemeinschaft und Teilhabe": 16, "Kultur, Sport und Freizeit": 4,
    "Bildung": 6, "Arbeit und Wirtschaft": 3, "Gesundheit und Sicherheit": 1,
}  # fmt: skip


@pytest.fixture(scope="module")
def munich() -> dict[str, Any]:
    return read_dataset("munich")


def test_munich_has_the_2019_edition_with_three_core_areas_and_2022_as_the_current_one(
    munich: dict[str, Any],
) -> None:
    first, current = munich["editions"]
    assert (first["slug"], first["year"], first.get("current", False)) == ("2019", 2019, False)
    assert (current["slug"], current["year"], current["current"]) == ("2022", 2022, True)
    assert "core_areas" not in current and "fields" not in current  # the top level holds the current one
    assert [a["name"] for a in first["core_areas"]] == [
        "Stadtgesellschaft",
        "Stadtverwaltung",
        "Infrastruktur",
    ]
    assert [(f["name"], f["core_area"]) for f in first["fields"]] == [
        ("Digitale Gemeinschaften und Partizipation", "stadtgesellschaft"),
        ("Arbeit und Wirtschaft", "stadtgesellschaft"),
        ("Digitales erproben und erleben (Labs & Apps)", "stadtgesellschaft"),
    ]
    for item in [*first["core_areas"], *first["fields"]]:
        assert item["slug"] == slugify(item["name"])
    assert all(
        item["introduction"].strip() for item in [first, current, *first["core_areas"], *first["fields"]]
    )


def test_munich_invents_nothing_the_facts_do_not_give(munich: dict[str, Any]) -> None:
    first = munich["editions"][0]
    structure = [*first["core_areas"], *first["fields"], *munich["fields"]]
    assert all(s["quote"] is None and s["media"] == [] for s in structure)
    assert all(clean_unknown(s.get("unknown")) == s.get("unknown", []) for s in structure)
    assert all(set(s.get("unknown", [])) <= set(UNKNOWABLE) for s in structure)
    # which measures belonged to the 2019 fields, and their goals, the facts do not say
    assert all(f["goals"] == [] and f["unknown"] == ["goals", "measures"] for f in first["fields"])
    assert all("placements" not in m for m in munich["measures"])
    areas = {a["slug"]: a["unknown"] for a in first["core_areas"]}
    assert areas == {"stadtgesellschaft": ["quote", "media"], "stadtverwaltung": ["fields"],
                     "infrastruktur": ["fields"]}  # fmt: skip


def test_munich_fields_that_list_fewer_measures_than_the_city_counted_say_so(munich: dict[str, Any]) -> None:
    for f in munich["fields"]:
        listed = sum(1 for m in munich["measures"] if m["field"] == f["slug"])
        counted = COUNTED.get(f["name"])
        assert counted is None or listed <= counted, f["name"]
        if counted is None or listed < counted:
            assert "measures" in f["unknown"], f["name"]
        if not f["goals"]:
            assert "goals" in f["unknown"], f["name"]
