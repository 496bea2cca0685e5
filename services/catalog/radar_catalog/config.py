"""Settings of the catalog service."""

from typing import Literal

from pydantic import AliasChoices, Field

from radar_lib.settings import ServiceSettings


class CatalogSettings(ServiceSettings):
    service_name: str = "catalog"
    database_url: str = Field(
        default="", validation_alias=AliasChoices("RADAR_CATALOG_DATABASE_URL", "DATABASE_URL")
    )
    # the data set to load when the catalog starts empty ("munich"); empty: start with nothing
    seed: str = Field(default="", validation_alias=AliasChoices("RADAR_CATALOG_SEED", "seed"))
    # the open-data description (/export/dcat.jsonld): where the gateway is reached, who publishes
    public_url: str = "http://127.0.0.1:8000"
    dcat_publisher: str = ""  # empty: "Digitalisierungsradar"
    dcat_publisher_url: str = ""
    dcat_licence: Literal["dl-by-de/2.0", "cc-by/4.0"] = "dl-by-de/2.0"
    dcat_contributor_id: str = ""  # the city's GovData contributor id; empty: marked "unbekannt"
