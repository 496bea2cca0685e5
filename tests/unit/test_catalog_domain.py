"""The catalog's rules: validation, changes between versions, slugs, and the Munich data set."""

from __future__ import annotations

from typing import Any

import pytest

from radar_catalog.api.export import csv_row
from radar_catalog.domain.measures import (
    MeasureState,
    Vocabulary,
    changes_between,
    ensure_expected_version,
    ensure_filter_values,
    revise,
    validate_measure,
)
from radar_catalog.domain.texts import clean_change_note, clean_media, clean_quote, revise_presentation
from radar_catalog.domain.vocabulary import STATUSES, CatalogError, numbered_slug, slugify
from radar_catalog.seed import read_dataset

pytestmark = pytest.mark.unit

VOCABULARY = Vocabulary(
    goals_by_field={"mobilitaet": ["mobilitaetswende", "mobilitaetsdaten"], "bildung": ["medienbildung"]},
    principles=["nachhaltigkeit", "standards", "nutzerorientierung"],
    departments=frozenset({"RIT", "RKU"}),
)


def measure(**overrides: Any) -> dict[str, Any]:
    return {"title": "Radverkehrsdaten öffnen", "field": "mobilitaet", **overrides}


def refusal(values: dict[str, Any]) -> str:
    with pytest.raises(CatalogError) as caught:
        validate_measure(values, vocabulary=VOCABULARY)
    return caught.value.code


# --- slugs ---------------------------------------------------------------------------


def test_slug_spells_out_umlauts_and_sharp_s() -> None:
    assert slugify("Übersicht über Straßen und Plätze") == "uebersicht-ueber-strassen-und-plaetze"
    assert slugify("München Portal der Zukunft") == "muenchen-portal-der-zukunft"


def test_slug_keeps_only_letters_digits_and_single_hyphens() -> None:
    assert slugify("Arbeiten 4.0") == "arbeiten-4-0"
    assert slugify("Breitbandversorgung Glasfaser & Funk") == "breitbandversorgung-glasfaser-funk"
    assert slugify("  Café – Begegnung!  ") == "cafe-begegnung"


def test_slug_of_a_long_title_ends_at_a_word_boundary() -> None:
    slug = slugify("Digitale Aufbewahrungsorte zur Erhaltung des kulturellen Erbes " * 3)
    assert len(slug) <= 80
    assert not slug.endswith("-")
    assert slug.startswith("digitale-aufbewahrungsorte-")


def test_slug_of_a_title_without_letters_is_still_a_slug() -> None:
    assert slugify("!!!") == "massnahme"


def test_taken_slug_gets_the_next_free_number() -> None:
    assert numbered_slug("e-akte", set()) == "e-akte"
    assert numbered_slug("e-akte", {"e-akte", "e-akte-2"}) == "e-akte-3"


# --- validation ----------------------------------------------------------------------


def test_valid_measure_keeps_goals_and_principles_in_the_strategy_order() -> None:
    state = validate_measure(
        measure(goals=["mobilitaetsdaten", "mobilitaetswende"], principles=["standards", "nachhaltigkeit"]),
        vocabulary=VOCABULARY,
    )
    assert state.goals == ("mobilitaetswende", "mobilitaetsdaten")
    assert state.principles == ("nachhaltigkeit", "standards")
    assert state.status == "unbekannt"


def test_measure_without_status_or_period_stays_unknown() -> None:
    state = validate_measure(measure(), vocabulary=VOCABULARY)
    assert (state.status, state.start_year, state.end_year, state.progress, state.lead) == (
        "unbekannt",
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("values", "code"),
    [
        (measure(status="fertig"), "STATUS_UNKNOWN"),
        (measure(status="In Umsetzung"), "STATUS_UNKNOWN"),
        (measure(progress=101), "PROGRESS_OUT_OF_RANGE"),
        (measure(progress=-1), "PROGRESS_OUT_OF_RANGE"),
        (measure(start_year=2024, end_year=2023), "PERIOD_INVALID"),
        (measure(start_year=20), "PERIOD_INVALID"),
        (measure(title="   "), "TITLE_EMPTY"),
        (measure(title=None), "TITLE_EMPTY"),
        (measure(title="Zeile\nzwei"), "TEXT_INVALID_CHARACTERS"),
        (measure(description="Steuerzeichen \x00"), "TEXT_INVALID_CHARACTERS"),
        (measure(title="x" * 201), "TITLE_TOO_LONG"),
        (measure(field="raumfahrt"), "FIELD_NOT_FOUND"),
        (measure(goals=["medienbildung"]), "GOAL_NOT_FOUND"),
        (measure(principles=["schnelligkeit"]), "PRINCIPLE_UNKNOWN"),
        (measure(lead="XYZ"), "LEAD_UNKNOWN"),
        (measure(unsure=["color"]), "UNSURE_UNKNOWN"),
        (measure(links=[{"title": "Skript", "url": "javascript:alert(1)"}]), "LINK_INVALID"),
        (measure(links=[{"title": "", "url": "https://example.org"}]), "LINK_INVALID"),
        (measure(colour="rot"), "ATTRIBUTE_UNKNOWN"),
    ],
)
def test_invalid_values_are_refused_with_a_stable_code(values: dict[str, Any], code: str) -> None:
    assert refusal(values) == code


def test_same_start_and_end_year_is_a_valid_period() -> None:
    state = validate_measure(measure(start_year=2024, end_year=2024, progress=0), vocabulary=VOCABULARY)
    assert (state.start_year, state.end_year, state.progress) == (2024, 2024, 0)


def test_empty_change_note_is_refused() -> None:
    for note in (None, "", "  \n "):
        with pytest.raises(CatalogError) as caught:
            clean_change_note(note)
        assert caught.value.code == "CHANGE_NOTE_REQUIRED"
    assert clean_change_note("  Status aktualisiert. ") == "Status aktualisiert."


def test_unknown_filter_values_are_refused() -> None:
    cases = [
        ({"statuses": ["fertig"]}, "STATUS_UNKNOWN"),
        ({"fields": ["raumfahrt"]}, "FIELD_NOT_FOUND"),
        ({"leads": ["XYZ"]}, "LEAD_UNKNOWN"),
        ({"principles": ["tempo"]}, "PRINCIPLE_UNKNOWN"),
    ]
    for given, code in cases:
        filters: dict[str, Any] = {"fields": [], "statuses": [], "leads": [], "principles": [], **given}
        with pytest.raises(CatalogError) as caught:
            ensure_filter_values(**filters, vocabulary=VOCABULARY)
        assert caught.value.code == code


# --- changes -------------------------------------------------------------------------


def test_revision_lists_each_changed_attribute_with_old_and_new_value() -> None:
    current = validate_measure(measure(status="geplant", start_year=2022), vocabulary=VOCABULARY)
    revised, changes = revise(
        current, {"status": "in_umsetzung", "progress": 11, "start_year": 2022}, vocabulary=VOCABULARY
    )
    assert revised.status == "in_umsetzung"
    assert changes == [
        {"field": "status", "old": "geplant", "new": "in_umsetzung"},
        {"field": "progress", "old": None, "new": 11},
    ]


def test_list_changes_are_reported_as_lists() -> None:
    old = MeasureState(title="A", field="mobilitaet")
    new = MeasureState(title="A", field="mobilitaet", principles=("standards",))
    assert changes_between(old, new) == [{"field": "principles", "old": [], "new": ["standards"]}]


def test_revision_that_changes_nothing_is_refused() -> None:
    current = validate_measure(measure(principles=["standards"]), vocabulary=VOCABULARY)
    with pytest.raises(CatalogError) as caught:
        revise(
            current,
            {"title": "  Radverkehrsdaten öffnen ", "principles": ["standards"]},
            vocabulary=VOCABULARY,
        )
    assert caught.value.code == "NOTHING_TO_CHANGE"


def test_revision_is_checked_as_a_whole() -> None:
    current = validate_measure(measure(start_year=2022, end_year=2024), vocabulary=VOCABULARY)
    with pytest.raises(CatalogError) as caught:
        revise(current, {"end_year": 2021}, vocabulary=VOCABULARY)
    assert caught.value.code == "PERIOD_INVALID"
    with pytest.raises(CatalogError) as caught:
        revise(
            validate_measure(measure(goals=["mobilitaetsdaten"]), vocabulary=VOCABULARY),
            {"field": "bildung"},
            vocabulary=VOCABULARY,
        )
    assert caught.value.code == "GOAL_NOT_FOUND"


def test_stale_expected_version_is_a_conflict() -> None:
    ensure_expected_version(3, None)
    ensure_expected_version(3, 3)
    with pytest.raises(CatalogError) as caught:
        ensure_expected_version(4, 3)
    assert (caught.value.code, caught.value.status) == ("VERSION_CONFLICT", 409)


def test_presentation_patch_cleans_quote_and_media_and_refuses_no_change() -> None:
    current: dict[str, Any] = {"introduction": "Text", "quote": None, "media": []}
    revised = revise_presentation(current, {"quote": {"text": " Gut. ", "author": " A. B. "}})
    assert revised["quote"] == {"text": "Gut.", "author": "A. B."}
    with pytest.raises(CatalogError) as caught:
        revise_presentation(current, {"introduction": " Text "})
    assert caught.value.code == "NOTHING_TO_CHANGE"
    with pytest.raises(CatalogError) as caught:
        clean_media([{"kind": "podcast", "title": "Folge 1", "url": "https://example.org/1"}])
    assert caught.value.code == "MEDIA_KIND_UNKNOWN"
    with pytest.raises(CatalogError) as caught:
        clean_quote({"text": "Ohne Urheber", "author": ""})
    assert caught.value.code == "QUOTE_INVALID"


def test_csv_cell_that_a_spreadsheet_would_run_as_a_formula_is_defused() -> None:
    exported = {
        **{column: "" for column in ("id", "slug", "summary", "description", "created_at", "updated_at")},
        **{"title": "=HYPERLINK(1)", "status": "unbekannt", "status_label": "unbekannt", "version": 1},
        **{"start_year": None, "end_year": None, "progress": None, "lead": None, "archived": False},
        **{"field": {"slug": "bildung", "name": "Bildung"}, "goals": [], "links": [], "unsure": []},
        "principles": [{"slug": "standards"}, {"slug": "nachhaltigkeit"}],
    }
    row = csv_row(exported)
    assert row[2] == "'=HYPERLINK(1)"
    assert row[15] == "standards; nachhaltigkeit"


# --- the Munich data set -------------------------------------------------------------

FIELDS = [
    "Digital Government", "Gemeinschaft und Teilhabe", "Kultur, Sport und Freizeit", "Bildung",
    "Arbeit und Wirtschaft", "Gesundheit und Sicherheit", "Klima und Umwelt", "Mobilität", "Infrastruktur",
]  # fmt: skip
GOALS = {
    "Gemeinschaft und Teilhabe": [
        "Digitale Beteiligung der Stadtgesellschaft",
        "Teilhabe am digitalen Fortschritt für alle",
        "Digitale Stadtrats- und Bezirksausschussarbeit",
        "Digitale Unterstützung für zivilgesellschaftliches Engagement",
    ],
    "Kultur, Sport und Freizeit": [
        "Digitaler Zugang zu Sport, Kultur und Freizeit",
        "Digitaler Wandel der Kulturangebote",
        "Digitale Bewahrung des kulturellen Erbes",
    ],
    "Bildung": [
        "Technische Infrastruktur und IT-Ausstattung im Bildungsbereich weiter ausbauen",
        "Optimierung und Vereinfachung von Rahmenbedingungen im Bildungsbereich",
        "Medienbildung im Bildungsbereich strukturell verankern",
        "Medienintegration und Medienkompetenz im Bildungsbereich",
    ],
    "Arbeit und Wirtschaft": [
        "Wirtschaft im digitalen Wandel",
        "Digitaler Wandel der Arbeitswelt",
        "Vernetzung von Wirtschaft, Forschung und Verwaltung",
    ],
    "Gesundheit und Sicherheit": [
        "Interoperabilität im Gesundheitssystem",
        "Widerstandsfähigkeit des Gesundheitssystems durch Digitalisierung",
    ],
    "Mobilität": ["Digitalisierung für die Mobilitätswende", "Verfügbarkeit von Mobilitätsdaten"],
    "Infrastruktur": ["Breitbandversorgung", "Messbarkeit der Smart City durch IoT"],
}
FOCUS_AREAS = {
    "Digital Government": ["Kultur und Arbeitsumfeld"],  # the other two names are unsure: left out
    "Gesundheit und Sicherheit": ["Gesundheit", "Brand- und Katastrophenschutz"],
}
DG, GT, KSF, AW = (
    "Digital Government",
    "Gemeinschaft und Teilhabe",
    "Kultur, Sport und Freizeit",
    "Arbeit und Wirtschaft",
)
UNKNOWN = (None, None)
# the facts table: field, title, (start, end), status, lead, what is only partly confirmed
MEASURES = [
    (DG, "E-Akte", (2019, 2026), "in_umsetzung", "RIT", []),
    (DG, "OZG-Umsetzung", UNKNOWN, "in_umsetzung", "RIT", ["status"]),
    (DG, "München Portal der Zukunft", UNKNOWN, "unbekannt", "RIT", []),
    (DG, "Stadtweite Datengovernance und Aufbau Datenmanagement", (2021, 2025), "unbekannt", "RIT", []),
    (DG, "Registermodernisierung", UNKNOWN, "unbekannt", None, []),
    (GT, "Bürgerschaftliches Engagement Community Plattform", (2019, 2025), "geplant", None, []),
    (GT, "Beteiligungsplattform", (2021, 2022), "abgeschlossen", "RIT", ["status"]),
    (GT, "Digitalisierungsbeirat", UNKNOWN, "unbekannt", None, []),
    (GT, "Stadtweites digitales Anliegenmanagement", UNKNOWN, "unbekannt", None, []),
    (GT, "Transparenz zur Digitalkompetenz der Stadtgesellschaft", UNKNOWN, "unbekannt", "RIT", []),
    (KSF, "Digitales Ticketing", (2021, 2024), "unbekannt", "SWM", []),
    (KSF, "Verbesserte Übersicht über Sportangebote", UNKNOWN, "unbekannt", "RBS", []),
    (KSF, "Open Library", (2019, 2025), "unbekannt", "KULT", []),
    (
        KSF,
        "Digitale Aufbewahrungsorte zur Erhaltung des kulturellen Erbes",
        (2019, 2025),
        "unbekannt",
        "KULT",
        [],
    ),
    (AW, "Munich Urban Colab", UNKNOWN, "in_umsetzung", "RAW", []),
    (AW, "Arbeiten 4.0", UNKNOWN, "in_umsetzung", "RAW", []),
    (AW, "LHM-Innovationswettbewerb", UNKNOWN, "in_umsetzung", "RAW", []),
    (
        "Bildung",
        "Digitale Transformation der Münchner Bildungseinrichtungen",
        UNKNOWN,
        "in_umsetzung",
        "RBS",
        [],
    ),
    ("Klima und Umwelt", "Aufbau Klimaschutz-Monitoring", (2019, 2025), "geplant", "RKU", []),
    ("Infrastruktur", "Breitbandversorgung Glasfaser & Funk", (2019, 2026), "in_umsetzung", None, []),
    (
        "Infrastruktur",
        "Reallabore für digitale, integrierte Stadtplanung",
        (2019, 2025),
        "in_umsetzung",
        None,
        [],
    ),
    ("Infrastruktur", "M-WLAN", UNKNOWN, "unbekannt", None, []),
    (
        "Mobilität",
        "Zentrale Datenplattform für Mobilitätsdaten",
        (2022, 2024),
        "in_umsetzung",
        None,
        ["title"],
    ),
]
DEPARTMENTS = {
    "RIT": "IT-Referat",
    "RAW": "Referat für Arbeit und Wirtschaft",
    "KULT": "Kulturreferat",
    "RBS": "Referat für Bildung und Sport",
    "RKU": "Referat für Klima- und Umweltschutz",
    "SWM": "Stadtwerke München",
}


@pytest.fixture(scope="module")
def munich() -> dict[str, Any]:
    return read_dataset("munich")


def test_munich_has_the_nine_current_fields_in_order_and_no_core_areas(munich: dict[str, Any]) -> None:
    assert [f["name"] for f in munich["fields"]] == FIELDS
    assert munich["fields"][0]["slug"] == "digital-government"
    assert munich["core_areas"] == []
    assert all(f.get("core_area") is None for f in munich["fields"])


def test_munich_fields_have_exactly_the_known_goals_and_focus_areas(munich: dict[str, Any]) -> None:
    for f in munich["fields"]:
        assert [g["title"] for g in f["goals"]] == GOALS.get(f["name"], []), f["name"]
        assert [a["name"] for a in f["focus_areas"]] == FOCUS_AREAS.get(f["name"], []), f["name"]
        assert f["introduction"].strip()
        assert all(g["description"].strip() and g["slug"] == slugify(g["title"]) for g in f["goals"])


def test_munich_has_every_measure_of_the_facts_table_as_known(munich: dict[str, Any]) -> None:
    field_names = {f["slug"]: f["name"] for f in munich["fields"]}
    found = [
        (
            field_names[m["field"]],
            m["title"],
            (m["start_year"], m["end_year"]),
            m["status"],
            m["lead"],
            m["unsure"],
        )
        for m in munich["measures"]
    ]
    assert sorted(found, key=repr) == sorted(MEASURES, key=repr)


def test_munich_measures_carry_only_known_facts(munich: dict[str, Any]) -> None:
    progress = {m["title"]: m["progress"] for m in munich["measures"] if m["progress"] is not None}
    assert progress == {"E-Akte": 58, "Zentrale Datenplattform für Mobilitätsdaten": 11}
    for m in munich["measures"]:
        assert m["status"] in STATUSES
        assert m["principles"] == [] and m["goals"] == [] and m["links"] == []
        assert m["summary"].strip() and m["description"].strip()
        assert m["slug"] == slugify(m["title"])
    assert {d["code"]: d["name"] for d in munich["departments"]} == DEPARTMENTS
    assert [p["name"] for p in munich["principles"]] == [
        "Nachhaltigkeit", "Diskriminierungsfreie Teilhabe", "Standards",
        "Informationssicherheit und Datenschutz", "Nutzerorientierung", "Offenheit und Transparenz",
        "Digitale Souveränität / Open Source",
    ]  # fmt: skip


def test_munich_measures_pass_the_catalog_rules(munich: dict[str, Any]) -> None:
    vocabulary = Vocabulary(
        goals_by_field={f["slug"]: [g["slug"] for g in f["goals"]] for f in munich["fields"]},
        principles=[p["slug"] for p in munich["principles"]],
        departments=frozenset(d["code"] for d in munich["departments"]),
    )
    slugs = [m["slug"] for m in munich["measures"]]
    assert len(slugs) == len(set(slugs))
    for m in munich["measures"]:
        values = {k: v for k, v in m.items() if k not in ("slug", "translations")}
        validate_measure(values, vocabulary=vocabulary)
