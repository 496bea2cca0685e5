"""Where each service's database comes from: the embedded PostgreSQL server or an external one.

Embedded (the default): one server in `<data dir>/postgres`, one database and login role
per service, passwords in `<data dir>/secrets.json`.

External (RADAR_DATABASE_ADMIN_URL is set): a service's RADAR_<SERVICE>_DATABASE_URL, when
given, is used unchanged; otherwise its role and database, both named
`<RADAR_DATABASE_PREFIX>_<service>` (prefix `radar` by default, so that runs sharing a server
can keep apart), are created through the admin URL with the same SQL as the embedded server,
the password kept in secrets.json under the role's name. The service's URL is the admin URL's
hosts, port and options with the role's credentials and database.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from radar_cli.embedded import SERVICES, EmbeddedPostgres, service_database_sql, stored_secret
from radar_cli.runfile import AlreadyRunning, acquire_lock

DEFAULT_PREFIX = "radar"
# a plain lower-case identifier that leaves room for "_notifications" in PostgreSQL's 63 bytes
_PREFIX_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")
# the URL's credentials and database are the role's own: none may come back through the query
_CREDENTIAL_OPTIONS = frozenset({"user", "password", "dbname", "database"})
CONNECT_TIMEOUT = 10.0


def url_variable(service: str) -> str:
    """The environment variable that holds a service's database URL."""
    return f"RADAR_{service.upper()}_DATABASE_URL"


def database_prefix(env: Mapping[str, str]) -> str:
    """The first part of the external databases' and roles' names (RADAR_DATABASE_PREFIX)."""
    prefix = env.get("RADAR_DATABASE_PREFIX") or DEFAULT_PREFIX
    if not _PREFIX_PATTERN.fullmatch(prefix):
        raise ValueError(
            f"RADAR_DATABASE_PREFIX={prefix!r}: use lower-case letters, digits and _, "
            "starting with a letter, at most 40 characters"
        )
    return prefix


def database_name(prefix: str, service: str) -> str:
    """A service's database and login role on an external server."""
    return f"{prefix}_{service}"


def _with_credentials(url: str, *, user: str, password: str, database: str) -> str:
    parts = urlsplit(url)
    # the hosts as given: one or several host:port pairs, [IPv6], or none for a unix socket (?host=)
    hosts = parts.netloc.rpartition("@")[2]
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{hosts}"
    query = parse_qsl(parts.query, keep_blank_values=True)
    options = [(k, v) for k, v in query if k not in _CREDENTIAL_OPTIONS]
    return urlunsplit((parts.scheme, netloc, f"/{quote(database)}", urlencode(options, safe="/"), ""))


async def _ensure_external(
    admin_url: str, *, prefix: str, services: Sequence[str], secrets_file: Path
) -> dict[str, str]:
    import asyncpg

    urls = {}
    conn = await asyncpg.connect(admin_url, timeout=CONNECT_TIMEOUT)
    try:
        for service in services:
            name = database_name(prefix, service)
            password = stored_secret(secrets_file, name)
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            sql = service_database_sql(service, password=password, exists=bool(exists), prefix=prefix)
            # one statement at a time: CREATE DATABASE refuses to run inside a multi-statement string
            for statement in sql:
                await conn.execute(statement)
            urls[service] = _with_credentials(admin_url, user=name, password=password, database=name)
    finally:
        await conn.close()
    return urls


def external_database_urls(
    env: Mapping[str, str], *, services: Sequence[str], secrets_file: Path
) -> dict[str, str]:
    """Each service's database URL on the external server named by RADAR_DATABASE_ADMIN_URL."""
    given = {s: env[url_variable(s)] for s in services if env.get(url_variable(s))}
    missing = [s for s in services if s not in given]
    if not missing:
        return given
    made = asyncio.run(
        _ensure_external(
            env["RADAR_DATABASE_ADMIN_URL"],
            prefix=database_prefix(env),
            services=missing,
            secrets_file=secrets_file,
        )
    )
    return {s: given.get(s) or made[s] for s in services}


async def _drop_external(admin_url: str, names: list[str]) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url, timeout=CONNECT_TIMEOUT)
    try:
        for name in names:
            # FORCE ends the sessions still open in it (PostgreSQL 13 and newer)
            await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            await conn.execute(f"DROP ROLE IF EXISTS {name}")
    finally:
        await conn.close()


def drop_external_databases(admin_url: str, *, prefix: str) -> list[str]:
    """Drop every service's database and role of this prefix on the external server; their names."""
    if not _PREFIX_PATTERN.fullmatch(prefix):
        raise ValueError(f"not a database prefix: {prefix!r}")
    names = [database_name(prefix, s) for s in SERVICES]
    asyncio.run(_drop_external(admin_url, names))
    return names


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
            return external_database_urls(self.env, services=SERVICES, secrets_file=secrets_file)
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
        urls = external_database_urls(env, services=[service], secrets_file=data_dir / "secrets.json")
        yield urls[service]
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
