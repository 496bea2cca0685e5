"""What each child process of `radar up` runs: its command line, its environment and its port."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from radar_cli.child import Child

# kept from the children: the launcher's own secrets (database URLs are filtered separately)
PRIVATE_VARIABLES = ("RADAR_DATABASE_ADMIN_URL", "RADAR_ADMIN_PASSWORD")


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


def service_child(
    service: str, *, data_dir: Path, host: str, port: int, env: Mapping[str, str], database_url: str
) -> Child:
    """A service as a uvicorn process with its own database URL and consumer name."""
    own = {
        **env,
        f"RADAR_{service.upper()}_DATABASE_URL": database_url,
        "RADAR_CONSUMER_NAME": f"{service}-1",
        "OTEL_SERVICE_NAME": service,
    }
    if service == "catalog":
        own["RADAR_CATALOG_SEED"] = "munich"  # the catalog loads it itself when it is empty
    argv = [
        sys.executable, "-m", "uvicorn", f"radar_{service}.main:create_app", "--factory",
        "--host", host, "--port", str(port), "--loop", "uvloop", "--no-access-log", "--no-proxy-headers",
    ]  # fmt: skip
    return Child(service, argv, own, data_dir / "logs" / f"{service}.log", port, host=host)


def smtp_sink_child(*, data_dir: Path, env: Mapping[str, str]) -> Child:
    """The SMTP sink as a `radar smtp-sink` process on a free port, storing mail in <data dir>/mail."""
    port = free_port()
    argv = [
        sys.executable, "-m", "radar_cli.main", "smtp-sink",
        "--port", str(port), "--dir", str(data_dir / "mail"),
    ]  # fmt: skip
    return Child("smtp-sink", argv, dict(env), data_dir / "logs" / "smtp-sink.log", port, ready_path=None)
