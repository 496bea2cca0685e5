"""The yearly report's form: from posted rows to the catalog's JSON, and refusals back to their field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.datastructures import FormData

from radar_gateway.web.i18n import translator
from radar_gateway.web.render import notice_of
from radar_gateway.web.report_form import (
    ERROR_FIELDS,
    FIRST_YEAR,
    ReportForm,
    as_of,
    figure,
    from_copy,
    read_form,
    reporting_year,
    working_copy,
)
from radar_lib.events import utcnow

pytestmark = pytest.mark.unit


def posted(**fields: str) -> FormData:
    return FormData([(name.replace("__", "-"), value) for name, value in fields.items()])


def copy(**changes: Any) -> dict[str, Any]:
    kpi = {"name": "Dienste", "unit": "Anzahl", "target": 120, "actual": 87.5, "as_of": "2024-12-31"}
    entry = {"year": 2024, "status": "published", "version": 2, "achievements": "Erreicht.", "outlook": "",
             "highlights": "", "progress": 40, "change_note": "Bericht 2024.", "kpis": [kpi]}  # fmt: skip
    return entry | changes


@pytest.mark.parametrize(
    ("typed", "value"),
    [("120", 120), ("12,5", 12.5), ("12.5", 12.5), (" 1 200 ", 1200), ("-3,25", -3.25), ("", None)],
)
def test_a_key_figure_takes_a_decimal_comma_or_point(typed: str, value: float | None) -> None:
    assert figure(typed) == value
    assert type(figure(typed)) is type(value)


@pytest.mark.parametrize("typed", ["1.234,5", "1,234.5", "zwölf", "12 %", "1e5", "٣", "inf", "nan", ","])
def test_anything_else_is_no_key_figure(typed: str) -> None:
    with pytest.raises(ValueError, match=re.escape(typed)):
        figure(typed)


def test_a_german_date_is_sent_as_the_catalog_reads_dates_and_other_text_as_typed() -> None:
    assert as_of("1.2.2024") == "2024-02-01"
    assert as_of("2024-12-31") == "2024-12-31"
    assert as_of("bald") == "bald"  # the catalog refuses it, naming the row
    assert as_of("") is None


def test_the_posted_rows_become_the_catalog_s_key_figures_and_empty_rows_are_dropped() -> None:
    form = read_form(posted(
        achievements="Viel.", progress="45 %", status="published", change_note=" Neu. ",
        kpi__0__name="", kpi__0__unit="", kpi__0__target="", kpi__0__actual="", kpi__0__as_of="",
        kpi__1__name="Dienste", kpi__1__unit="Anzahl", kpi__1__target="120", kpi__1__actual="87,5",
        kpi__1__as_of="31.12.2024",
        kpi__2__name="  ", kpi__2__target=" ",
    ))  # fmt: skip

    assert form.errors == {}
    assert form.payload() == {
        "achievements": "Viel.", "outlook": "", "highlights": "", "progress": 45, "status": "published",
        "change_note": "Neu.",
        "kpis": [{"name": "Dienste", "unit": "Anzahl", "target": 120, "actual": 87.5, "as_of": "2024-12-31"}],
    }  # fmt: skip
    assert [row["name"] for row in form.shown_rows] == ["Dienste", "", ""]


def test_a_row_whose_figure_is_no_number_is_refused_with_its_row_and_kept_as_typed() -> None:
    form = read_form(posted(
        kpi__0__name="Dienste", kpi__0__target="12",
        kpi__3__name="Nutzer", kpi__3__actual="viele",
    ))  # fmt: skip

    assert (form.errors, form.bad_row) == ({"kpis": "KPI_INVALID"}, 2)
    assert form.rows[1] == {"name": "Nutzer", "unit": "", "target": "", "actual": "viele", "as_of": ""}


@pytest.mark.parametrize("typed", ["viel", "-5", "4²", "1" * 5000])
def test_a_progress_that_is_no_whole_number_is_refused_before_the_catalog(typed: str) -> None:
    assert read_form(posted(progress=typed)).errors == {"progress": "PROGRESS_OUT_OF_RANGE"}


def test_without_a_choice_the_report_is_a_draft() -> None:
    payload = read_form(posted(achievements="Viel.")).payload()
    assert (payload["status"], payload["progress"], payload["kpis"]) == ("draft", None, [])


def test_the_catalog_s_refusals_land_next_to_their_field_and_row() -> None:
    form = ReportForm()
    form.refuse("KPI_INVALID", message="Key figure 3: it needs a name.")
    form.refuse("CHANGE_NOTE_REQUIRED", message="Every change needs a short public change note.")
    form.refuse("TEXT_INVALID_CHARACTERS", message="The outlook contains a bidirectional control (U+202E).")
    form.refuse("VERSION_CONFLICT")
    assert form.errors == {"kpis": "KPI_INVALID", "change_note": "CHANGE_NOTE_REQUIRED",
                           "outlook": "TEXT_INVALID_CHARACTERS", "": "VERSION_CONFLICT"}  # fmt: skip
    assert form.bad_row == 3


def test_a_refusal_about_all_key_figures_names_no_row() -> None:
    form = ReportForm()
    form.refuse("KPI_INVALID", message="A report has at most 30 key figures.")
    assert (form.errors, form.bad_row) == ({"kpis": "KPI_INVALID"}, None)


def test_the_form_shows_the_working_copy_with_decimal_commas_in_german_and_no_old_note() -> None:
    published = from_copy(copy(), lang="de")
    assert published.rows == [{"name": "Dienste", "unit": "Anzahl", "target": "120", "actual": "87,5",
                               "as_of": "2024-12-31"}]  # fmt: skip
    assert (published.progress, published.status, published.change_note) == ("40", "published", "")
    assert from_copy(copy(kpis=[{**copy()["kpis"][0], "actual": 1e16}]), lang="en").rows[0]["actual"] == (
        "10000000000000000"
    )
    draft = from_copy(copy(status="draft", change_note="Fast fertig.", progress=None), lang="en")
    assert (draft.change_note, draft.progress, draft.status) == ("Fast fertig.", "", "draft")


def test_the_figures_shown_come_back_as_the_same_numbers() -> None:
    values = [0.1, 87.5, 1e16, 123456789.125, -2, 3]
    for lang in ("de", "en"):
        shown = from_copy(copy(kpis=[{"name": "x", "unit": "", "target": v, "actual": None, "as_of": None}
                                     for v in values]), lang=lang)  # fmt: skip
        assert [figure(row["target"]) for row in shown.rows] == values


def test_a_year_s_working_copy_is_its_draft_else_its_published_version() -> None:
    items = [copy(year=2025, status="draft"), copy(year=2024, status="draft", version=1), copy(year=2024)]
    assert working_copy(items, 2024) == items[1]
    assert working_copy(items[2:], 2024) == items[2]
    assert working_copy(items, 2023) is None


def test_a_reporting_year_is_four_digits_from_the_first_year_to_this_one() -> None:
    this_year = utcnow().year
    assert reporting_year(str(FIRST_YEAR)) == FIRST_YEAR
    assert reporting_year(str(this_year)) == this_year
    for wrong in (str(FIRST_YEAR - 1), str(this_year + 1), "24", "02024", "２０２４", "abcd", ""):
        assert reporting_year(wrong) is None, wrong


def test_every_refusal_and_notice_of_the_form_has_a_text_in_both_languages() -> None:
    keys = [f"err.{code}" for code in ERROR_FIELDS] + ["err.REPORT_YEAR_INVALID", "err.CSRF_FAILED"]
    keys += [str(notice_of(notice)) for notice in ("bericht_gespeichert", "bericht_veroeffentlicht")]
    for lang in ("de", "en"):
        t = translator(lang)
        assert [key for key in keys if t(key) == key] == [], lang
