"""Section 5, memory: what each process of `radar up` holds resident, idle and after the write load.

A system of its own with one process of each service (_fresh): a snapshot IDLE_SECONDS after it
became ready, then section 2's write load, then a snapshot at its end. A service process, the
SMTP sink aside, and Valkey are read from /proc/<pid>/status: VmRSS, and VmHWM, the most it
ever held (at the end of the load: its peak under the load). PostgreSQL is a postmaster and
its backends sharing one buffer pool, whose pages every backend's RSS counts again, so its
figure is the sum of their proportional set sizes (PSS), what they hold together.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import psutil

from benchmarks._cpu import system_pids
from benchmarks._fresh import fresh_system, load_average, write_load
from benchmarks.drills.__main__ import open_measures

if TYPE_CHECKING:
    from benchmarks.load import LoadSettings

IDLE_SECONDS = 5.0
SERVICES = ("catalog", "participation", "moderation", "notifications", "gateway")


def _mb(kib: int) -> float:
    return round(kib / 1024, 1)


def status_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process in KiB, from /proc/<pid>/status; empty once it is gone."""
    try:
        lines = open(f"/proc/{pid}/status").read().splitlines()  # noqa: SIM115 - read at once
    except OSError:
        return {}
    found = {}
    for line in lines:
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def postgres_pss(postmaster_pid: int) -> dict[str, float | int]:
    """The proportional set size of the postmaster and all its children together, in MB."""
    total, count = 0, 0
    try:
        postmaster = psutil.Process(postmaster_pid)
        family = [postmaster, *postmaster.children(recursive=True)]
    except psutil.NoSuchProcess:
        return {}
    for process in family:
        try:
            total += process.memory_full_info().pss
            count += 1
        except psutil.NoSuchProcess:  # a backend that ended between listing and reading
            continue
    return {"pss_mb": round(total / 2**20, 1), "processes": count}


def snapshot(run_info: Mapping[str, Any]) -> dict[str, dict[str, float | int]]:
    """Per process of the run file (the SMTP sink aside) its RSS and peak in MB; PostgreSQL's PSS."""
    found: dict[str, dict[str, float | int]] = {}
    for name, identity in (run_info.get("processes") or {}).items():
        kib = status_kib(int(identity["pid"])) if name != "smtp-sink" else {}
        if kib:
            found[name] = {"rss_mb": _mb(kib["VmRSS"]), "peak_mb": _mb(kib["VmHWM"])}
    if run_info.get("postgres_pid"):
        found["postgresql"] = postgres_pss(int(run_info["postgres_pid"]))
    return found


def services_total(found: Mapping[str, Mapping[str, float | int]], key: str = "rss_mb") -> float:
    """The service processes' figures added up (Valkey and PostgreSQL aside)."""
    return round(sum(v[key] for name, v in found.items() if name.split("-")[0] in SERVICES), 1)


def run_memory(settings: LoadSettings, password: str, *, seconds: float, notes: list[str]) -> dict[str, Any]:
    """Snapshots of a fresh system idle and after the write load, with the load's headline figures."""
    load_before = load_average()
    with fresh_system(settings, password, processes="", notes=notes) as system:
        print(f"memory: idle for {IDLE_SECONDS:g} s after the start", flush=True)
        time.sleep(IDLE_SECONDS)
        info = system.run_info()
        idle = snapshot(info)
        slugs = asyncio.run(open_measures(system.url))
        load = asyncio.run(write_load(system, password, slugs, system_pids(info), seconds=seconds))
        loaded = snapshot(system.run_info())
    return {
        "seconds": seconds,
        "idle": idle,
        "after_load": loaded,
        "load": {
            "accepted_per_second": load["accept"]["per_second"],
            "pipeline_rate": load["pipeline"]["rate"],
            "comments": load["accept"]["backlog"] + load["pipeline"]["submissions"]["sent"],
        },
        "machine_load": f"{load_before:.2f} before, {load_average():.2f} after (1 min)",
    }


def memory_lines(memory: Mapping[str, Any]) -> list[str]:
    """Section 5's table for results.md."""
    load, idle, after = memory["load"], memory["idle"], memory["after_load"]
    lines = [
        "### Memory (MB resident; one process of each service)",
        "",
        f"Idle: {IDLE_SECONDS:g} s after the start. After the load: at the end of section 2's write"
        f" load ({memory['seconds']:g} s of comments at 32 in flight,"
        f" {load['accepted_per_second']:,.0f}/s accepted, then the pipeline at"
        f" {load['pipeline_rate']:,.0f}/s; {load['comments']:,} comments). Peak: the most the process"
        f" held since its start (VmHWM). Load average {memory['machine_load']}.",
        "",
        "| process | idle RSS | idle peak | after the load RSS | after the load peak |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, figures in idle.items():
        if name != "postgresql":
            later = after.get(name, {})
            lines.append(
                f"| {name} | {figures['rss_mb']} | {figures['peak_mb']} | {later.get('rss_mb', '–')}"
                f" | {later.get('peak_mb', '–')} |"
            )
    lines.append(
        f"| the five services together | {services_total(idle)} | {services_total(idle, 'peak_mb')}"
        f" | {services_total(after)} | {services_total(after, 'peak_mb')} |"
    )
    pg_idle, pg_after = idle.get("postgresql", {}), after.get("postgresql", {})
    title = (
        f"PostgreSQL, PSS of all its processes ({pg_idle.get('processes', '–')} idle,"
        f" {pg_after.get('processes', '–')} after)"
    )
    lines.append(f"| {title} | {pg_idle.get('pss_mb', '–')} | – | {pg_after.get('pss_mb', '–')} | – |")
    return [*lines, ""]
