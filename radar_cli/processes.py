"""What each child process of `radar up` runs: its command line, its environment and its port."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from radar_cli.child import Child

# kept from the children: the launcher's own secrets (database URLs are filtered separately)
PRIVATE_VARIABLES = ("RADAR_DATABASE_ADMIN_URL", "RADAR_ADMIN_PASSWORD")
MAX_PROCESSES = 8  # per service; more is no use on one machine


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_free(host: str, port: int) -> bool:
    """True if a server could listen on host:port now (binding as uvicorn does)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def describe(exc: Exception) -> str:
    """An exception in one line, with what a failed helper program said on stderr."""
    if isinstance(exc, subprocess.CalledProcessError) and exc.stderr:
        said = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr
        return f"{exc}: {said.strip()[-2000:]}"
    return f"{type(exc).__name__}: {exc}"


def base_env(env: Mapping[str, str]) -> dict[str, str]:
    """The launcher's environment minus every service's database URL and the launcher's secrets."""
    kept = {
        k: v
        for k, v in env.items()
        if k not in PRIVATE_VARIABLES and not (k.startswith("RADAR_") and k.endswith("_DATABASE_URL"))
    }
    kept["PYTHONUNBUFFERED"] = "1"  # log lines reach the log file as they are written
    return kept


def process_counts(setting: str, services: Sequence[str]) -> dict[str, int]:
    """RADAR_PROCESSES (`participation=2,gateway=2`) as service -> processes; the others run one.

    Raises ValueError naming the part that is not `<service>=<1..MAX_PROCESSES>`.
    """
    counts = dict.fromkeys(services, 1)
    named: set[str] = set()
    for part in filter(None, (p.strip() for p in setting.split(","))):
        service, equals, number = (s.strip() for s in part.partition("="))
        if not equals or service not in counts:
            raise ValueError(
                f"RADAR_PROCESSES: {part!r} is not <service>=<count> with a service of {', '.join(services)}"
            )
        if service in named:
            raise ValueError(f"RADAR_PROCESSES: {service} is named twice")
        if not (number.isascii() and number.isdigit() and 1 <= int(number) <= MAX_PROCESSES):
            raise ValueError(
                f"RADAR_PROCESSES: {part!r}: the count must be a whole number from 1 to {MAX_PROCESSES}"
            )
        counts[service] = int(number)
        named.add(service)
    return counts


def _service_env(service: str, env: Mapping[str, str], *, database_url: str, number: int) -> dict[str, str]:
    """A service process's environment: its own database URL, and a consumer name per process."""
    own = {
        **env,
        f"RADAR_{service.upper()}_DATABASE_URL": database_url,
        "RADAR_CONSUMER_NAME": f"{service}-{number}",
        "OTEL_SERVICE_NAME": service,
    }
    if service == "catalog":
        own["RADAR_CATALOG_SEED"] = "munich"  # the catalog loads it itself when it is empty
    return own


def service_child(
    service: str, *, data_dir: Path, host: str, port: int, env: Mapping[str, str], database_url: str
) -> Child:
    """A service as one uvicorn process with its own database URL and consumer name."""
    argv = [
        sys.executable, "-m", "uvicorn", f"radar_{service}.main:create_app", "--factory",
        "--host", host, "--port", str(port), "--loop", "uvloop", "--no-access-log", "--no-proxy-headers",
    ]  # fmt: skip
    own = _service_env(service, env, database_url=database_url, number=1)
    return Child(service, argv, own, data_dir / "logs" / f"{service}.log", port, host=host)


def service_children(
    service: str,
    *,
    count: int,
    data_dir: Path,
    host: str,
    port: int,
    env: Mapping[str, str],
    database_url: str,
) -> list[Child]:
    """A service's processes: one uvicorn on `port`, or `count` sharing it (radar_cli.serve), each
    also on a port of its own on 127.0.0.1, where the launcher asks that process whether it is ready.

    The first process is named after the service, the others `<service>-<n>`; each consumes the
    service's streams in the service's groups under a consumer name of its own.
    """
    if count == 1:
        return [
            service_child(
                service, data_dir=data_dir, host=host, port=port, env=env, database_url=database_url
            )
        ]
    children = []
    for number in range(1, count + 1):
        name = service if number == 1 else f"{service}-{number}"
        own_port = free_port()
        argv = [
            sys.executable, "-m", "radar_cli.serve", f"radar_{service}.main:create_app",
            "--host", host, "--port", str(port), "--own-port", str(own_port),
        ]  # fmt: skip
        own = _service_env(service, env, database_url=database_url, number=number)
        children.append(Child(name, argv, own, data_dir / "logs" / f"{name}.log", own_port))
    return children


def smtp_sink_child(*, data_dir: Path, env: Mapping[str, str]) -> Child:
    """The SMTP sink as a `radar smtp-sink` process on a free port, storing mail in <data dir>/mail."""
    port = free_port()
    argv = [
        sys.executable, "-m", "radar_cli.main", "smtp-sink",
        "--port", str(port), "--dir", str(data_dir / "mail"),
    ]  # fmt: skip
    return Child("smtp-sink", argv, dict(env), data_dir / "logs" / "smtp-sink.log", port, ready_path=None)
