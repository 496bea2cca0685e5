"""`radar up`: the whole system on one machine, supervised until Ctrl-C or SIGTERM.

It starts PostgreSQL (embedded, or external when RADAR_DATABASE_ADMIN_URL is set: see
databases.py), Valkey (embedded with an append-only file, or the Redis at RADAR_REDIS_URL),
the SMTP sink, the four back-end services and the gateway, each service a uvicorn process
in its own session logging to <data dir>/logs/<name>.log; RADAR_PROCESSES
(`participation=2,gateway=2`) runs more processes of a service, which share its port and are
each started, watched and stopped like any other child (processes.py, serve.py). A child
that dies is restarted with a growing delay, and so are the embedded Valkey and PostgreSQL,
on the same port or socket directory with the same data (servers.py). On a signal, or when
start-up fails, everything it started is stopped in order: the services, the SMTP sink,
Valkey, PostgreSQL, each as it runs now. Signals cannot hang it: the handler only stores a
flag (signals.py).

Every child gets the launcher's environment without other services' database URLs and the
launcher's own secrets, plus what it needs: RADAR_ENV=development, RADAR_REDIS_URL, its own
RADAR_<SERVICE>_DATABASE_URL, RADAR_INTERNAL_TOKEN_SECRET, RADAR_CONSUMER_NAME (one per
process), OTEL_SERVICE_NAME.
The embedded Valkey lets in only the users of its ACL file (radar_cli.acl, passwords in
secrets.json): each service's RADAR_REDIS_URL names its own user; the run file holds the
administrator's URL, for the `radar` commands. An external Redis's URL is given to all.
"""

from __future__ import annotations

import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from radar_cli import runfile
from radar_cli.child import Child, http_url, stop_all
from radar_cli.databases import Databases
from radar_cli.embedded import SERVICES, stored_secret
from radar_cli.processes import (
    base_env,
    describe,
    free_port,
    port_is_free,
    process_counts,
    service_children,
    smtp_sink_child,
)
from radar_cli.servers import PostgresServer, StartFailed, Supervised, ValkeyServer
from radar_cli.signals import StopSignals
from radar_cli.staff import StaffError, ensure_admin_login
from radar_cli.valkey import EmbeddedValkey

BACKENDS = tuple(s for s in SERVICES if s != "gateway")
READY_TIMEOUT = 120.0


def say(message: str) -> None:
    """One line of the launcher's own output."""
    print(f"radar: {message}", flush=True)


class StartupError(Exception):
    """Start-up cannot go on; the message says why."""


class Stopped(Exception):
    """A signal asked the launcher to stop."""


class Launcher:
    """Starts the system, supervises its children and stops all of it."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.data_dir = Path(env.get("RADAR_DATA_DIR") or ".radar").resolve()
        self.host = env.get("RADAR_HOST") or "127.0.0.1"
        self.port = int(env.get("RADAR_PORT") or 8000)
        self.began = time.monotonic()
        self.signals = StopSignals()
        self.databases = Databases(self.data_dir, env)
        self.valkey: ValkeyServer | None = None
        self.servers: list[Supervised] = []  # the embedded ones, in the order they started
        self.redis_url = ""  # the administrator's (or the external Redis's)
        self.service_redis_urls: dict[str, str] = {}  # each service's own user, on the embedded Valkey
        self.children: dict[str, Child] = {}  # by process name: `participation`, `participation-2`
        self.counts: dict[str, int] = {}  # processes per service
        self.service_urls: dict[str, str] = {}  # where each service's processes share a port

    @property
    def public_url(self) -> str:
        return http_url(self.host, self.port)

    def run(self) -> int:
        """Start, supervise until a signal, stop; the exit code."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            lock = runfile.acquire_lock(self.data_dir)
        except runfile.AlreadyRunning as exc:
            say(str(exc))
            return 1
        with self.signals.installed():
            try:
                return self._start_and_supervise()
            finally:
                self.shutdown()
                runfile.remove_run_file(self.data_dir)
                lock.close()

    def _start_and_supervise(self) -> int:
        try:
            self.start()
            self.supervise()
        except Stopped:
            pass
        except StartupError as exc:
            say(str(exc))
            return 1
        except Exception as exc:
            traceback.print_exc()
            say(f"start-up failed: {exc}")
            return 1
        return 0

    def _checkpoint(self) -> None:
        if self.signals.stop_requested:
            raise Stopped

    # --- start ----------------------------------------------------------------------

    def start(self) -> None:
        """Bring up every server and service, and wait until all of them are ready."""
        try:
            self.counts = process_counts(self.env.get("RADAR_PROCESSES", ""), SERVICES)
        except ValueError as exc:
            raise StartupError(str(exc)) from None
        say(f"data in {self.data_dir}")
        left = runfile.stop_leftovers(self.data_dir)
        if left:
            say(f"stopped what a previous launcher left running: {', '.join(left)}")
        if not port_is_free(self.host, self.port):
            raise StartupError(f"{self.host}:{self.port} is in use; set RADAR_PORT to a free port")
        acl_rules = None if self.env.get("RADAR_REDIS_URL") else _generate_acl_rules()
        try:
            urls = self.databases.start()
            if self.databases.pg is not None:
                self.servers.append(PostgresServer(self.databases.pg))
        except Exception as exc:  # a failed initdb or pg_ctl, an unreachable external server
            raise StartupError(f"PostgreSQL did not start: {describe(exc)}") from exc
        self._checkpoint()
        self.redis_url = self.env.get("RADAR_REDIS_URL") or self._start_valkey(acl_rules)
        self._record("starting")
        self._checkpoint()
        self._spawn(smtp_sink_child(data_dir=self.data_dir, env=base_env(self.env)))
        env = {
            **base_env(self.env),
            "RADAR_ENV": "development",
            "RADAR_INTERNAL_TOKEN_SECRET": self._secret("internal_token_secret"),
        }
        smtp = {
            "RADAR_SMTP_HOST": "127.0.0.1",
            "RADAR_SMTP_PORT": str(self.children["smtp-sink"].port),
            "RADAR_PUBLIC_URL": self.public_url,
            "RADAR_SUBSCRIPTION_LINK_SECRET": self._secret("subscription_link_secret"),
        }
        for service in BACKENDS:
            own_env = {**env, **smtp} if service == "notifications" else env
            if service == "catalog":
                own_env = {**env, "RADAR_PUBLIC_URL": self.public_url}  # links in the open-data description
            self._start_service(service, free_port(), own_env, urls[service])
        self._checkpoint()
        try:
            login = ensure_admin_login(urls["gateway"], self.env, redis_url=self.redis_url)
        except StaffError as exc:
            raise StartupError(str(exc)) from None
        self._checkpoint()
        gateway_env = {
            **env,
            "RADAR_SESSION_SECRET": self._secret("session_secret"),
            "RADAR_HOST": self.host,
            "RADAR_PORT": str(self.port),
            "RADAR_PUBLIC_URL": self.public_url,
            **{f"RADAR_{s.upper()}_URL": self.service_urls[s] for s in BACKENDS},
            "RADAR_MAIL_DIR": str(self.data_dir / "mail"),  # the development page /dev/mail shows it
        }
        self._start_service("gateway", self.port, gateway_env, urls["gateway"])
        self._wait_until_ready()
        self._record("ready")
        say(f"the radar is at {self.public_url}")
        say(login)
        say(f"mail sent by the system is kept in {self.data_dir / 'mail'} (and at /dev/mail)")
        say(f"logs are in {self.data_dir / 'logs'}; stop with Ctrl-C")
        say(f"ready in {time.monotonic() - self.began:.1f} s")

    def _start_valkey(self, acl_rules: Future[dict[str, str]] | None) -> str:
        """The embedded Valkey with a password for the administrator and a user per service."""
        from radar_cli import acl

        rules = acl_rules.result() if acl_rules is not None else acl.user_rules()
        passwords = {user: self._secret(f"valkey_{user}") for user in (acl.ADMIN, *acl.SERVICES)}
        acl_file = acl.write_acl_file(self.data_dir / "valkey" / "users.acl", passwords, rules)
        embedded = EmbeddedValkey(
            self.data_dir,
            port=int(self.env.get("RADAR_REDIS_PORT") or 0),
            acl_file=acl_file,
            password=passwords[acl.ADMIN],
        )
        self.valkey = ValkeyServer(embedded)
        try:
            self.valkey.start()
        except StartFailed as exc:
            raise StartupError(str(exc)) from None
        self.servers.append(self.valkey)
        self.service_redis_urls = {s: embedded.url_for(s, passwords[s]) for s in acl.SERVICES}
        return embedded.url_for(acl.ADMIN, passwords[acl.ADMIN])

    def _start_service(self, service: str, port: int, env: dict[str, str], database_url: str) -> None:
        """Start the service's processes on `port`."""
        host = self.host if service == "gateway" else "127.0.0.1"  # only the gateway is public
        env = {**env, "RADAR_REDIS_URL": self.service_redis_urls.get(service, self.redis_url)}
        self.service_urls[service] = http_url(host, port)
        for child in service_children(
            service,
            count=self.counts[service],
            data_dir=self.data_dir,
            host=host,
            port=port,
            env=env,
            database_url=database_url,
        ):
            self._spawn(child)

    def _secret(self, name: str) -> str:
        return stored_secret(self.data_dir / "secrets.json", name)

    def _spawn(self, child: Child) -> None:
        self.children[child.name] = child
        child.start()
        self._record("starting")

    def _wait_until_ready(self) -> None:
        pending = list(self.children.values())
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            self._checkpoint()
            for child in list(pending):
                code = child.exit_code()
                if code is not None:
                    raise StartupError(
                        f"{child.name} exited with code {code} during start-up; "
                        f"the end of {child.log_path}:\n{child.log_tail()}"
                    )
                if child.is_ready():
                    pending.remove(child)
            if not pending:
                return
            if time.monotonic() > deadline:
                late = pending[0]
                raise StartupError(
                    f"{', '.join(c.name for c in pending)} not ready after {READY_TIMEOUT:.0f} s; "
                    f"the end of {late.log_path}:\n{late.log_tail()}"
                )
            self.signals.sleep(0.2)

    # --- supervise and stop ----------------------------------------------------------

    def supervise(self) -> None:
        """Start again the servers and children that end, until a signal asks us to stop."""
        while not self.signals.sleep(0.25):
            for process in [*self.servers, *self.children.values()]:
                self._look_after(process)
        raise Stopped

    def _look_after(self, process: Supervised) -> None:
        restarts = process.restarts
        if restarts.due_at is not None:
            if restarts.is_due():
                try:
                    process.start()
                except StartFailed as exc:
                    delay = restarts.schedule()
                    say(f"{exc}; trying again in {delay:.1f} s (restart #{restarts.count})")
                self._record("ready")
            return
        how = process.ended()
        if how is not None:
            restarts.schedule()
            say(f"{process.name} {how}; restarting (restart #{restarts.count})")

    def shutdown(self) -> None:
        """Stop the services, then the SMTP sink, Valkey and PostgreSQL; report failures, go on."""
        if self.children or self.valkey is not None:
            say("stopping")
        services = [c for name, c in self.children.items() if name != "smtp-sink"]
        sink = [c for name, c in self.children.items() if name == "smtp-sink"]
        steps: list[tuple[str, Any]] = [
            ("services", lambda: stop_all(services)),
            ("smtp sink", lambda: stop_all(sink)),
            ("valkey", lambda: self.valkey.stop() if self.valkey else None),  # the one running now
            ("postgresql", self.databases.stop),
        ]
        for name, step in steps:
            try:
                step()
            except Exception as exc:
                say(f"stopping {name} failed: {exc}")
        say("stopped")

    def _record(self, status: str) -> None:
        """Write what runs now to run/radar.json, for other commands and tests."""
        runfile.record_run(
            self.data_dir,
            status=status,
            gateway_url=self.public_url,
            redis_url=self.redis_url,
            children=self.children,
            valkey_pid=self.valkey.pid if self.valkey else None,
            postgres_pid=self.databases.postgres_pid(),
        )


def _generate_acl_rules() -> Future[dict[str, str]]:
    """The Valkey users' rules, generated (importing every service) while PostgreSQL starts."""

    def generate() -> dict[str, str]:
        from radar_cli import acl

        return acl.user_rules()

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="acl")
    generated = pool.submit(generate)
    pool.shutdown(wait=False)  # the thread ends when it is done
    return generated
