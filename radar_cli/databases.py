"""Where each service's database comes from: the embedded PostgreSQL server or an external one.

Embedded (the default): one server in `<data dir>/postgres`, one database and login role
per service, passwords in `<data dir>/secrets.json`.

External (RADAR_DATABASE_ADMIN_URL is set): a service's RADAR_<SERVICE>_DATABASE_URL, when
given, is used unchanged; otherwise its role and database are created through the admin
URL (same SQL as the embedded server), with the password kept in secrets.json.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from radar_cli.embedded import SERVICES, EmbeddedPostgres, service_database_sql, stored_secret
from radar_cli.runfile import AlreadyRunning, acquire_lock


def url_variable(service: str) -> str:
    """The environment variable that holds a service's database URL."""
    return f"RADAR_{service.upper()}_DATABASE_URL"


def _with_credentials(url: str, *, user: str, password: str, database: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""  # empty for a unix-socket URL (?host=/path)
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}{port}"
    return urlunsplit((parts.scheme, netloc, f"/{database}", parts.query, ""))


async def _ensure_external(admin_url: str, service: str, secrets_file: Path) -> str:
    import asyncpg

    name = f"radar_{service}"
    password = stored_secret(secrets_file, name)
    conn = await asyncpg.connect(admin_url)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        # one statement at a time: CREATE DATABASE refuses to run inside a multi-statement string
        for statement in service_database_sql(service, password=password, exists=bool(exists)):
            await conn.execute(statement)
    finally:
        await conn.close()
    return _with_credentials(admin_url, user=name, password=password, database=name)


def external_database_url(env: Mapping[str, str], service: str, secrets_file: Path) -> str:
    """A service's database URL on the external server named by RADAR_DATABASE_ADMIN_URL."""
    given = env.get(url_variable(service))
    if given:
        return given
    return asyncio.run(_ensure_external(env["RADAR_DATABASE_ADMIN_URL"], service, secrets_file))


class Databases:
    """The five service databases, and the embedded server behind them when there is one."""

    def __init__(self, data_dir: Path, env: Mapping[str, str]) -> None:
        self.data_dir = data_dir
        self.env = env
        self.external = bool(env.get("RADAR_DATABASE_ADMIN_URL"))
        self.pg: EmbeddedPostgres | None = None if self.external else EmbeddedPostgres(data_dir)

    def start(self) -> dict[str, str]:
        """Start the embedded server if we use it; return each service's database URL."""
        if self.pg is None:
            secrets_file = self.data_dir / "secrets.json"
            return {s: external_database_url(self.env, s, secrets_file) for s in SERVICES}
        self.pg.start()
        return {s: self.pg.ensure_service_database(s) for s in SERVICES}

    def stop(self) -> None:
        """Stop the embedded server (external servers are not ours to stop)."""
        if self.pg is not None:
            self.pg.stop()

    def postgres_pid(self) -> int | None:
        return self.pg.pid() if self.pg is not None else None


@contextmanager
def service_database(data_dir: Path, env: Mapping[str, str], service: str) -> Iterator[str]:
    """A service database's URL, starting the embedded server for a moment if nobody runs it."""
    if env.get("RADAR_DATABASE_ADMIN_URL"):
        yield external_database_url(env, service, data_dir / "secrets.json")
        return
    pg = EmbeddedPostgres(data_dir)
    try:
        lock = acquire_lock(data_dir)
    except AlreadyRunning:
        # a launcher runs the server: use it as it is
        if not pg.attach():
            raise RuntimeError(f"radar is starting on {data_dir}; try again in a moment") from None
        yield pg.ensure_service_database(service)
        return
    try:
        pg.start()
        try:
            yield pg.ensure_service_database(service)
        finally:
            pg.stop()
    finally:
        lock.close()
