"""Reads and writes of `radar up` under load, each figure next to its reference from the same run.

Run: .venv/bin/python -m benchmarks.load [--seconds 10] [--only reads|writes] [--label before|after]
     [--code REVISION]
It starts the system as `make run` does (embedded PostgreSQL and Valkey, a temporary data
directory, the gateway's rate limits raised so that the limiter never refuses), then measures
- reads (_reads): wrk at 64 connections against four public paths, each next to a bare FastAPI
  endpoint returning the same bytes, served the same way;
- writes (_writes): comments accepted per second through the gateway, the pipeline's latency
  at half and at the full accepted rate, and the raw INSERT and XADD rates of the same servers;
- fanout (_fanout): one measure change mailed to 10,000 and 100,000 subscribers (`--subscribers`)
  into the local sink, next to the sink's raw rate with a plain aiosmtplib loop;
- scaling (_scaling) and memory (_memory), each on fresh systems of its own: the reads and the
  write load with two processes of each consumer service and with two gateway processes
  (RADAR_PROCESSES) next to one of each; each process's resident memory idle and after the load;
- growth (_growth), on a system of its own: the reads and writes at the data set's 23 measures,
  at 1,000 and 10,000 (seeded, _seed) and then with 100,000 published comments as well.
The tables are printed and written to benchmarks/results.md, every figure to results.json
under the label (a plain run records "after": the code as it is). `--code REVISION` runs the
system as committed at REVISION (exported with git archive and put first on the services'
PYTHONPATH), e.g. `--label before --code HEAD` while the working tree holds a change.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmarks import _report
from benchmarks._cpu import system_pids
from benchmarks._fanout import run_fanout
from benchmarks._growth import run_growth
from benchmarks._memory import run_memory
from benchmarks._reads import read_paths, run_reads
from benchmarks._scaling import run_scaling
from benchmarks._writes import run_writes
from benchmarks._wrk import CONNECTIONS, THREADS, wrk_version
from benchmarks.drills.__main__ import open_measures
from benchmarks.drills.system import Settings, System
from radar_cli.embedded import EmbeddedPostgres

REPO = Path(__file__).resolve().parent.parent
PACKAGES = (
    "fastapi",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "jinja2",
    "pydantic",
    "asyncpg",
    "redis",
)
# every limit of what a participant sends (README's settings table), far above what a run sends
RAISED_LIMITS = {
    f"RADAR_{kind}_PER_WINDOW": "1000000"
    for kind in ("COMMENTS", "RATINGS", "REPORTS", "REPORTS_PER_COMMENT", "SUBSCRIPTIONS")
}


@dataclass(frozen=True)
class LoadSettings(Settings):
    """The drill's launcher settings minus its short claim bounds, plus the raised limits."""

    python_path: str = ""  # --code: the exported revision, put before the working tree
    processes: str = ""  # RADAR_PROCESSES, for the scaling section's systems

    def env(self, admin_password: str) -> dict[str, str]:
        env = {"RADAR_HOST": "127.0.0.1", "RADAR_ADMIN_PASSWORD": admin_password, **RAISED_LIMITS}
        if self.python_path:
            env["PYTHONPATH"] = self.python_path
        if self.processes:
            env["RADAR_PROCESSES"] = self.processes
        return env


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout


def git_state(revision: str | None) -> dict[str, Any]:
    """The commit measured, and (for the working tree) which files of the system differed from it."""
    if revision is not None:
        return {"commit": _git("rev-parse", f"{revision}^{{commit}}").strip(), "dirty": False, "changed": []}
    changed = _git("status", "--porcelain", "--", "libs", "services", "radar_cli").splitlines()
    return {"commit": _git("rev-parse", "HEAD").strip(), "dirty": bool(changed), "changed": changed}


def export_code(revision: str, into: Path) -> str:
    """The system's packages as of `revision` (git archive, the checkout untouched) under `into`;
    the PYTHONPATH that makes `radar up` and its services import them instead of the working tree's."""
    archive = subprocess.run(["git", "archive", revision], cwd=REPO, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    roots = [into, into / "libs", *sorted(p for p in (into / "services").iterdir() if p.is_dir())]
    return os.pathsep.join(str(root) for root in roots)


def versions(system: System) -> dict[str, str]:
    found = {"python": platform.python_version(), **{p: version(p) for p in PACKAGES}}
    found["postgresql"] = system.sql("SHOW server_version")
    return found


def measure(
    system: System, password: str, *, only: str | None, seconds: float, subscribers: list[int],
    settings: LoadSettings,
) -> dict[str, Any]:  # fmt: skip
    """The sections asked for; a section that fails leaves a note and the others still run."""
    pids = system_pids(system.run_info())
    slugs = asyncio.run(open_measures(system.url))
    run: dict[str, Any] = {"notes": []}
    if only in (None, "reads"):
        try:
            rows = run_reads(system.url, read_paths(system.url, slugs), pids, seconds=seconds)
            generator = f"{wrk_version()}, {CONNECTIONS} connections, {THREADS} threads"
            run["reads"] = {"date": _now(), "seconds": seconds, "generator": generator, "rows": rows}
        except Exception as exc:
            traceback.print_exc()
            run["notes"].append(f"reads failed: {type(exc).__name__}: {exc}")
    if only in (None, "writes"):
        postgres = EmbeddedPostgres(system.data_dir)
        try:
            if not postgres.attach():
                raise RuntimeError("no PostgreSQL server runs on the data directory")
            run["writes"] = asyncio.run(
                run_writes(
                    url=system.url,
                    password=password,
                    slugs=slugs,
                    postgres=postgres,
                    redis_url=system.run_info()["redis_url"],
                    pids=pids,
                    seconds=seconds,
                )
            )
            run["writes"]["date"] = _now()
        except Exception as exc:
            traceback.print_exc()
            run["notes"].append(f"writes failed: {type(exc).__name__}: {exc}")
    if only in (None, "fanout"):
        try:
            run["fanout"] = {"date": _now(), **measure_fanout(system, password, slugs[0], subscribers)}
        except Exception as exc:
            traceback.print_exc()
            run["notes"].append(f"fanout failed: {type(exc).__name__}: {exc}")
    sections = (("scaling", run_scaling), ("memory", run_memory), ("growth", run_growth))
    for name, section in sections:  # each on systems of its own
        if only in (None, name):
            try:
                run[name] = {
                    "date": _now(),
                    **section(settings, password, seconds=seconds, notes=run["notes"]),
                }
            except Exception as exc:
                traceback.print_exc()
                run["notes"].append(f"{name} failed: {type(exc).__name__}: {exc}")
    return run


def measure_fanout(system: System, password: str, slug: str, subscribers: list[int]) -> dict[str, Any]:
    """Section 3 (_fanout): the sink is measured too, so its process joins the CPU figures."""
    info = system.run_info()
    postgres = EmbeddedPostgres(system.data_dir)
    if not postgres.attach():
        raise RuntimeError("no PostgreSQL server runs on the data directory")
    sink = info["processes"]["smtp-sink"]
    run = {
        "mail_dir": system.data_dir / "mail",
        "sink_port": info["smtp"]["port"],
        "notifications_pid": info["processes"]["notifications"]["pid"],
    }
    pids = {**system_pids(info), "smtp-sink": (int(sink["pid"]), False)}
    return asyncio.run(
        run_fanout(
            url=system.url, password=password, slug=slug, postgres=postgres, run=run, pids=pids,
            counts=subscribers, timeout=1200.0,
        )
    )  # fmt: skip


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def main() -> None:
    """Start the system, measure, stop it, record the figures under the label and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each measured run")
    parser.add_argument("--only", choices=("reads", "writes", "fanout", "scaling", "memory", "growth"))
    parser.add_argument(
        "--subscribers", default="10000,100000", help="fan-out sizes, comma-separated (each run tops up)"
    )
    parser.add_argument("--label", choices=("before", "after"), default="after")
    parser.add_argument("--code", metavar="REVISION", help="run the system as of this git revision")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="radar-load-")).resolve()
    code_dir = Path(tempfile.mkdtemp(prefix="radar-load-code-"))
    python_path = export_code(args.code, code_dir) if args.code else ""
    password = secrets.token_urlsafe(18)
    began = time.monotonic()
    settings = LoadSettings(python_path=python_path)
    system = System(data_dir, settings, password)
    try:
        system.wait_until_ready()
        print(f"load: ready after {time.monotonic() - began:.0f} s at {system.url}", flush=True)
        load_before = os.getloadavg()
        subscribers = [int(n) for n in args.subscribers.split(",")]
        run = measure(
            system, password, only=args.only, seconds=args.seconds, subscribers=subscribers, settings=settings
        )
        run.update(
            label=args.label,
            date=_now(),
            command=" ".join([".venv/bin/python -m benchmarks.load", *sys.argv[1:]]),
            machine={"cpus": os.cpu_count(), "os": platform.platform()},
            machine_load=f"{load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after (1 min)",
            versions=versions(system),
            git=git_state(args.code),
            minutes=round((time.monotonic() - began) / 60, 1),
        )
        if run.get("fanout"):  # a later --only run of another section rewrites the label's header
            run["fanout"]["git"] = run["git"]
    finally:
        left = system.stop()
        shutil.rmtree(code_dir, ignore_errors=True)
    if left:
        run["notes"].append(f"left running after the stop (killed): {'; '.join(left)}")
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
    results = _report.merge(_report.load(), args.label, run)
    _report.write(results)
    print("\n".join(_report.section(args.label, results["runs"][args.label])), flush=True)
    print(f"load: written to {_report.JSON_FILE} and {_report.MARKDOWN_FILE}", flush=True)
    if any("failed" in note for note in run["notes"]):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
