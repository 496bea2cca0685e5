"""A DCAT-AP.de 2.0 description of the open data (JSON-LD), for a city's open-data portal to harvest.

Three datasets: the measures (JSON and CSV exports), the published yearly reports (JSON, one
distribution per reported year; no CSV export exists yet) and the ratings and comment counts per
measure (participation's GET /api/v1/counts, JSON only). The mandatory properties of DCAT-AP.de
and its conventions: title and description everywhere, a publisher (foaf:Agent with a name),
exactly one dcatde:contributorID per dataset, dcat:accessURL, a licence from
dcat-ap.de/def/licenses and a format from the EU file-type vocabulary on each distribution.

The settings it reads (each with a default): public_url (where the gateway is reached),
dcat_publisher and dcat_publisher_url, dcat_licence (dl-by-de/2.0, the Datenlizenz Deutschland
Namensnennung 2.0, or cc-by/4.0) and dcat_contributor_id (the operator's id at GovData).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from radar_catalog.store.dcat import reported_years
from radar_lib.service import runtime_of

router = APIRouter()
LICENCE_BASE = "http://dcat-ap.de/def/licenses/"
CONTRIBUTOR_BASE = "http://dcat-ap.de/def/contributors/"
EU = "http://publications.europa.eu/resource/authority/"
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
DEFAULTS = {
    "public_url": "http://127.0.0.1:8000",
    "dcat_publisher": "Digitalisierungsradar",
    "dcat_publisher_url": "",
    "dcat_licence": "dl-by-de/2.0",
    "dcat_contributor_id": CONTRIBUTOR_BASE + "unbekannt",
}


def _setting(request: Request, name: str) -> str:
    return str(getattr(runtime_of(request).settings, name, "") or DEFAULTS[name])


def _iri(value: str) -> dict[str, str]:
    return {"@id": value}


def distribution(*, base: str, path: str, kind: str, title: str, licence: str) -> dict[str, Any]:
    """One download of a dataset: JSON or CSV, under the public address."""
    media = {"JSON": "application/json", "CSV": "text/csv"}[kind]
    url = f"{base}/api/v1{path}"
    return {
        "@id": f"{url}#distribution",
        "@type": "dcat:Distribution",
        "dct:title": title,
        "dcat:accessURL": _iri(url),
        "dcat:downloadURL": _iri(url),
        "dct:format": _iri(f"{EU}file-type/{kind}"),
        "dcat:mediaType": _iri(MEDIA_TYPES + media),
        "dct:license": _iri(LICENCE_BASE + licence),
    }


def dataset(
    *, base: str, slug: str, title: str, description: str, frequency: str, shared: dict[str, Any],
    distributions: list[dict[str, Any]],
) -> dict[str, Any]:  # fmt: skip
    """One dataset of the catalogue with its distributions."""
    return {
        "@id": f"{base}/api/v1/export/dcat.jsonld#{slug}",
        "@type": "dcat:Dataset",
        "dct:identifier": slug,
        "dct:title": title,
        "dct:description": description,
        "dct:accrualPeriodicity": _iri(f"{EU}frequency/{frequency}"),
        "dcat:theme": _iri(f"{EU}data-theme/GOVE"),
        "dcat:landingPage": _iri(base + "/"),
        **shared,
        "dcat:distribution": distributions,
    }


@router.get(
    "/export/dcat.jsonld",
    response_class=JSONResponse,
    responses={200: {"content": {"application/ld+json": {}}}},
)
async def dcat_catalogue(request: Request) -> JSONResponse:
    """The open data as a DCAT-AP.de catalogue (JSON-LD): measures, yearly reports and ratings."""
    base = _setting(request, "public_url").rstrip("/")
    licence = _setting(request, "dcat_licence")
    publisher: dict[str, Any] = {"@type": "foaf:Agent", "foaf:name": _setting(request, "dcat_publisher")}
    if _setting(request, "dcat_publisher_url"):
        publisher["foaf:homepage"] = _iri(_setting(request, "dcat_publisher_url"))
    shared = {
        "dct:publisher": publisher,
        "dcatde:contributorID": _iri(_setting(request, "dcat_contributor_id")),
    }
    years = await reported_years(runtime_of(request).pool)
    file = {"base": base, "licence": licence}
    datasets = [
        dataset(
            base=base, slug="massnahmen", title="Maßnahmen der Digitalisierungsstrategie",
            description="Alle Maßnahmen mit Handlungsfeld, Status, Zeitraum, Fortschritt und Federführung, "
            "archivierte eingeschlossen.",
            frequency="CONT", shared=shared,
            distributions=[
                distribution(**file, path="/export/measures.json", kind="JSON", title="Maßnahmen (JSON)"),
                distribution(**file, path="/export/measures.csv", kind="CSV", title="Maßnahmen (CSV)"),
            ],
        ),
        dataset(
            base=base, slug="jahresberichte", title="Digitalisierungsbericht: Jahresberichte der Maßnahmen",
            description="Die veröffentlichten Jahresberichte je Maßnahme: Erreichtes, Ausblick, Kennzahlen "
            "und Fortschritt, nach Kernbereich und Handlungsfeld.",
            frequency="ANNUAL", shared=shared,
            distributions=[
                distribution(**file, path=f"/reports/{year}", kind="JSON", title=f"Bericht {year} (JSON)")
                for year in years
            ],
        ),
        dataset(
            base=base, slug="bewertungen", title="Bewertungen und Kommentare je Maßnahme",
            description="Anzahl veröffentlichter Kommentare und Bewertungen sowie die mittlere Bewertung je "
            "Maßnahme, ohne personenbezogene Daten.",
            frequency="CONT", shared=shared,
            distributions=[distribution(**file, path="/counts", kind="JSON", title="Bewertungen (JSON)")],
        ),
    ]  # fmt: skip
    body = {
        "@context": CONTEXT,
        "@id": f"{base}/api/v1/export/dcat.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": "Digitalisierungsradar: offene Daten",
        "dct:description": "Die offenen Daten des Digitalisierungsradars: Maßnahmen der Strategie, ihre "
        "Jahresberichte und die Bewertungen der Öffentlichkeit.",
        "dct:publisher": publisher,
        "dct:language": _iri(f"{EU}language/DEU"),
        "foaf:homepage": _iri(base + "/"),
        "dcat:dataset": datasets,
    }
    return JSONResponse(body, media_type="application/ld+json")
