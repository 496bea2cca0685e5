"""Each service's login role reaches its own database and no other."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from radar_cli.embedded import SERVICES, EmbeddedPostgres

pytestmark = pytest.mark.integration


def with_database(dsn: str, database: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{database}"))


async def test_each_service_role_is_refused_by_every_other_service_database(pg: EmbeddedPostgres) -> None:
    suffix = uuid.uuid4().hex[:6]
    dsns = {service: pg.ensure_service_database(f"{service}_{suffix}") for service in SERVICES}
    for service, dsn in dsns.items():
        own = await asyncpg.connect(dsn)
        assert await own.fetchval("SELECT current_user") == f"radar_{service}_{suffix}"
        await own.close()
        for other in SERVICES:
            if other == service:
                continue
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied for database"):
                await asyncpg.connect(with_database(dsn, f"radar_{other}_{suffix}"))


async def test_a_role_cannot_log_in_with_a_wrong_password(pg: EmbeddedPostgres) -> None:
    dsn = pg.ensure_service_database(f"catalog_{uuid.uuid4().hex[:6]}")
    parts = urlsplit(dsn)
    wrong = urlunsplit(parts._replace(netloc=f"{parts.username}:wrong-password@"))
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(wrong)
