"""The launcher gives each service a database of its own on an external server, whether its admin
is a superuser or, as on managed servers, a role with CREATEROLE and CREATEDB only, and whether
the database is new or was made beforehand by someone else: the service can always create its
tables there, and a second start changes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from radar_cli.databases import drop_external_databases, external_database_urls
from radar_cli.embedded import SERVICES
from tests.external.conftest import ADMIN_URL, admin_execute, leftovers, new_prefix

pytestmark = [pytest.mark.external, pytest.mark.usefixtures("external_servers")]


@pytest.fixture
def prefix() -> Iterator[str]:
    """A database prefix of this test's own; its databases and roles are dropped afterwards."""
    prefix = new_prefix()
    try:
        yield prefix
    finally:
        drop_external_databases(ADMIN_URL, prefix=prefix)
        admin_execute(f"DROP ROLE IF EXISTS {prefix}_admin")
    assert leftovers(prefix) == []


async def _create_a_table(url: str) -> str:
    conn = await asyncpg.connect(url, timeout=5)
    try:
        await conn.execute("CREATE TABLE probe (id int)")
        return str(await conn.fetchval("SELECT current_user"))
    finally:
        await conn.close()


def tables_created_by(urls: dict[str, str]) -> dict[str, str]:
    """Create a table through each URL; which role did it, per service."""

    async def create_all() -> list[str]:
        return await asyncio.gather(*(_create_a_table(urls[s]) for s in SERVICES))

    return dict(zip(SERVICES, asyncio.run(create_all()), strict=True))


def test_admin_without_superuser_gives_each_service_a_database_it_uses(prefix: str, tmp_path: Path) -> None:
    admin_execute(f"CREATE ROLE {prefix}_admin LOGIN CREATEROLE CREATEDB")
    # two hosts, as for a primary and its standby: the services' URLs keep both
    env = {
        "RADAR_DATABASE_ADMIN_URL": f"postgresql://{prefix}_admin@127.0.0.1:5432,127.0.0.1:5432/postgres",
        "RADAR_DATABASE_PREFIX": prefix,
    }
    secrets_file = tmp_path / "secrets.json"

    urls = external_database_urls(env, services=SERVICES, secrets_file=secrets_file)
    assert external_database_urls(env, services=SERVICES, secrets_file=secrets_file) == urls

    assert all("@127.0.0.1:5432,127.0.0.1:5432/" in url for url in urls.values())
    assert tables_created_by(urls) == {s: f"{prefix}_{s}" for s in SERVICES}


def test_database_made_beforehand_by_the_admin_becomes_the_services_own(prefix: str, tmp_path: Path) -> None:
    admin_execute(f"CREATE DATABASE {prefix}_gateway")  # owned by postgres, as an init script might leave it
    env = {"RADAR_DATABASE_ADMIN_URL": ADMIN_URL, "RADAR_DATABASE_PREFIX": prefix}

    urls = external_database_urls(env, services=SERVICES, secrets_file=tmp_path / "secrets.json")

    assert tables_created_by(urls)["gateway"] == f"{prefix}_gateway"
