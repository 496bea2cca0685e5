"""The yearly report as a PDF: fpdf2 with a Unicode font from PyPI, an outline, a table of contents,
the document language, and headings tagged in the PDF's structure tree."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fpdf import FPDF, TextStyle
from fpdf.outline import TableOfContents

from radar_gateway.web.catalogs import Translate

FONT = "SourceSans"
FONT_FILES = files("font_source_sans_pro") / "files"  # Source Sans Pro: Latin with umlauts and dashes
HEADINGS = (
    TextStyle(font_family=FONT, font_style="B", font_size_pt=18, t_margin=6, b_margin=3),
    TextStyle(font_family=FONT, font_style="B", font_size_pt=15, t_margin=5, b_margin=2),
    TextStyle(font_family=FONT, font_style="B", font_size_pt=12.5, t_margin=4, b_margin=1),
)
BODY_PT = 10.5
TABLE_HEADINGS = TextStyle(font_family=FONT, font_style="B", font_size_pt=9.5)
KPI_COLUMNS = ("name", "unit", "target", "actual", "as_of")


def _number(value: Any) -> str:
    return "–" if value is None else str(value)


def _text(pdf: FPDF, text: str, *, bold: bool = False) -> None:
    pdf.set_font(FONT, "B" if bold else "", BODY_PT)
    pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")


def _counts(pdf: FPDF, counts: list[dict[str, Any]], *, t: Translate) -> None:
    shown = "; ".join(f"{t('status.' + c['status'])}: {c['count']}" for c in counts)
    _text(pdf, f"{t('annual.counts')}: {shown}")


def _moved(pdf: FPDF, moved: list[dict[str, Any]], *, t: Translate) -> None:
    pdf.start_section(t("annual.moved"), level=0)
    if not moved:
        _text(pdf, t("annual.moved_none"))
    for m in moved:
        _text(pdf, t("annual.moved_item", title=m["measure"]["title"], before=m["before"], now=m["now"]))


def _kpi_table(pdf: FPDF, kpis: list[dict[str, Any]], *, t: Translate) -> None:
    pdf.set_font(FONT, "", BODY_PT - 1)
    heads = (
        "annual.kpi_name",
        "annual.kpi_unit",
        "annual.kpi_target",
        "annual.kpi_actual",
        "annual.kpi_as_of",
    )
    with pdf.table(
        col_widths=(40, 14, 14, 14, 18), headings_style=HEADINGS[2].replace(font_size_pt=9.5)
    ) as table:
        table.row([t(h) for h in heads])
        for k in kpis:
            row = (k["name"], k.get("unit") or "", _number(k.get("target")), _number(k.get("actual")))
            table.row([*row, k.get("as_of") or "–"])
    pdf.ln(2)


def _entry(pdf: FPDF, entry: dict[str, Any], *, t: Translate) -> None:
    measure = entry["measure"]
    pdf.start_section(measure["title"], level=2)
    status = t(f"status.{measure['status']}")
    _text(pdf, f"{t('annual.status')}: {status} · {t('annual.progress')}: {_number(entry['progress'])} %")
    for key in ("achievements", "outlook", "highlights"):
        if entry[key].strip():
            _text(pdf, t(f"annual.{key}"), bold=True)
            _text(pdf, entry[key].strip())
    if entry["kpis"]:
        _text(pdf, t("annual.kpis"), bold=True)
        _kpi_table(pdf, entry["kpis"], t=t)


def report_pdf(report: dict[str, Any], *, moved: list[dict[str, Any]], t: Translate, lang: str) -> bytes:
    """The year's Digitalisierungsbericht: title, contents, counts, who moved most, every entry."""
    title = t("annual.title", year=report["year"])
    pdf = FPDF(format="A4")
    pdf.set_lang(lang)
    pdf.set_title(title)
    pdf.set_creator(t("site.name"))
    pdf.add_font(FONT, "", str(FONT_FILES / "SourceSansPro-Regular.ttf"))
    pdf.add_font(FONT, "B", str(FONT_FILES / "SourceSansPro-Bold.ttf"))
    pdf.set_section_title_styles(*HEADINGS)
    pdf.add_page()
    pdf.set_font(FONT, "B", 24)
    pdf.multi_cell(0, 12, title, new_x="LMARGIN", new_y="NEXT")
    _text(pdf, t("annual.edition", name=report["edition"]["name"]))
    _counts(pdf, report["status_counts"], t=t)
    pdf.ln(4)
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 8, t("annual.contents"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", BODY_PT)
    pdf.insert_toc_placeholder(TableOfContents().render_toc, allow_extra_pages=True)
    _moved(pdf, moved, t=t)
    for area in report["core_areas"]:
        pdf.start_section(area["name"], level=0)
        for field in area["fields"]:
            pdf.start_section(field["name"], level=1)
            _counts(pdf, field["status_counts"], t=t)
            for entry in field["entries"]:
                _entry(pdf, entry, t=t)
    return bytes(pdf.output())
