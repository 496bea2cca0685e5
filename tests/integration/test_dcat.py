"""The DCAT-AP.de description of the open data, read back with rdflib: every mandatory property is there."""

from __future__ import annotations

import asyncpg
import pytest
from rdflib import Graph, Namespace, URIRef, namespace

from radar_catalog.config import CatalogSettings
from radar_catalog.main import create_app
from radar_catalog.seed import MIGRATIONS, load_dataset
from radar_lib.db import migrate
from tests.conftest import TOKEN_SECRET, editor, running_service, token_headers
from tests.integration.test_catalog import READER, TINY_CITY, NewDatabase, catalog
from tests.integration.test_catalog_reports import FIRST, a_measure

pytestmark = pytest.mark.integration

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
PUBLIC = "https://radar.example.org"
CONTRIBUTOR = "http://dcat-ap.de/def/contributors/stadtBeispiel"


class OpenDataSettings(CatalogSettings):
    """The settings a deployment gives the catalog for its open-data description."""

    public_url: str = PUBLIC
    dcat_publisher: str = "Stadt Beispiel"
    dcat_publisher_url: str = "https://www.beispiel.de"
    dcat_licence: str = "cc-by/4.0"
    dcat_contributor_id: str = CONTRIBUTOR


def one(graph: Graph, subject: object, predicate: URIRef) -> object:
    values = list(graph.objects(subject, predicate))  # type: ignore[arg-type]
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def mandatory_properties_hold(graph: Graph, *, base: str, licence: str) -> list[str]:
    """Check the DCAT-AP.de mandatory properties; return the titles of the distributions."""
    (catalogue,) = graph.subjects(namespace.RDF.type, namespace.DCAT.Catalog)
    for predicate in (namespace.DCTERMS.title, namespace.DCTERMS.description):
        assert str(one(graph, catalogue, predicate)).strip()
    assert str(one(graph, one(graph, catalogue, namespace.DCTERMS.publisher), namespace.FOAF.name)).strip()
    datasets = list(graph.objects(catalogue, namespace.DCAT.dataset))
    assert len(datasets) == 3
    titles = []
    for ds in datasets:
        assert (ds, namespace.RDF.type, namespace.DCAT.Dataset) in graph
        for predicate in (namespace.DCTERMS.title, namespace.DCTERMS.description):
            assert str(one(graph, ds, predicate)).strip()
        assert str(one(graph, ds, DCATDE.contributorID)).startswith("http://dcat-ap.de/def/contributors/")
        assert str(one(graph, one(graph, ds, namespace.DCTERMS.publisher), namespace.FOAF.name)).strip()
        frequency = str(one(graph, ds, namespace.DCTERMS.accrualPeriodicity))
        assert frequency.startswith("http://publications.europa.eu/resource/authority/frequency/")
        for dist in graph.objects(ds, namespace.DCAT.distribution):
            assert str(one(graph, dist, namespace.DCAT.accessURL)).startswith(f"{base}/api/v1/")
            assert str(one(graph, dist, namespace.DCAT.downloadURL)).startswith(f"{base}/api/v1/")
            assert (
                str(one(graph, dist, namespace.DCTERMS.license))
                == f"http://dcat-ap.de/def/licenses/{licence}"
            )
            kind = str(one(graph, dist, namespace.DCTERMS.format)).rsplit("/", 1)[-1]
            assert kind in ("JSON", "CSV")
            titles.append(str(one(graph, dist, namespace.DCTERMS.title)))
    return titles


async def test_the_catalogue_names_datasets_distributions_licence_and_publisher(
    new_database: NewDatabase, redis_url: str
) -> None:
    dsn = new_database("catalog")
    await migrate(dsn, service_migrations=MIGRATIONS)
    conn = await asyncpg.connect(dsn)
    try:
        await load_dataset(conn, TINY_CITY)
    finally:
        await conn.close()
    settings = OpenDataSettings(database_url=dsn, redis_url=redis_url, internal_token_secret=TOKEN_SECRET)
    async with running_service(create_app(settings)) as client:
        measure = (await a_measure(client))["slug"]
        headers = token_headers(editor())
        published = await client.put(f"/measures/{measure}/reports/2024", json=FIRST, headers=headers)
        assert published.status_code == 200, published.text
        r = await client.get("/export/dcat.jsonld", headers=token_headers(READER))
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/ld+json")
        graph = Graph().parse(data=r.text, format="json-ld")
        titles = mandatory_properties_hold(graph, base=PUBLIC, licence="cc-by/4.0")
        assert sorted(titles) == [
            "Bericht 2024 (JSON)",
            "Bewertungen (JSON)",
            "Maßnahmen (CSV)",
            "Maßnahmen (JSON)",
        ]
        contributors = {str(o) for o in graph.objects(None, DCATDE.contributorID)}
        assert contributors == {CONTRIBUTOR}


async def test_without_settings_it_offers_the_datenlizenz_and_the_local_address(
    new_database: NewDatabase, redis_url: str
) -> None:
    async with catalog(new_database, redis_url, data=TINY_CITY) as (client, _):
        await a_measure(client)
        r = await client.get("/export/dcat.jsonld", headers=token_headers(READER))
        graph = Graph().parse(data=r.text, format="json-ld")
        titles = mandatory_properties_hold(graph, base="http://127.0.0.1:8000", licence="dl-by-de/2.0")
        assert sorted(titles) == ["Bewertungen (JSON)", "Maßnahmen (CSV)", "Maßnahmen (JSON)"]
