"""Settings of the catalog service."""

from pydantic import AliasChoices, Field

from radar_lib.settings import ServiceSettings


class CatalogSettings(ServiceSettings):
    service_name: str = "catalog"
    database_url: str = Field(
        default="", validation_alias=AliasChoices("RADAR_CATALOG_DATABASE_URL", "DATABASE_URL")
    )
    # the data set to load when the catalog starts empty ("munich"); empty: start with nothing
    seed: str = Field(default="", validation_alias=AliasChoices("RADAR_CATALOG_SEED", "seed"))
