"""Section 4, scaling: the same measurements with one and with two processes of a service.

Three systems of their own (_fresh), one after the other: one process of each service, two of
each consumer service (participation, moderation and notifications share their groups), and
two gateway processes (sharing the public port). On each: the public reads of section 1 under
wrk, then section 2's write load (comments accepted at 32 in flight, then the pipeline at the
accepted rate; its throughput is the slower of its two stages' out rates), with the CPU every
process used and, at the end, the service processes' resident memory. Each figure of a
variant with two processes stands next to the same figure with one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from benchmarks._cpu import cpu_cores, system_pids
from benchmarks._fresh import fresh_system, load_average, write_load
from benchmarks._memory import services_total, snapshot
from benchmarks._notes import SHARED_MACHINE
from benchmarks._reads import read_paths
from benchmarks._stats import ratio
from benchmarks._wrk import run_wrk
from benchmarks.drills.__main__ import open_measures

if TYPE_CHECKING:
    from benchmarks.load import LoadSettings

VARIANTS = {  # name -> RADAR_PROCESSES
    "one process each": "",
    "two of each consumer service": "participation=2,moderation=2,notifications=2",
    "two gateway processes": "gateway=2",
}
WARM_UP_SECONDS = 1


def measure_reads(
    url: str, paths: Mapping[str, str], pids: Mapping[str, tuple[int, bool]], *, seconds: float
) -> dict[str, dict[str, Any]]:
    """wrk against each path after a warm-up, with the CPU each process used."""
    rows = {}
    for name, path in paths.items():
        print(f"scaling: reads of {path}, {seconds:g} s", flush=True)
        run_wrk(url + path, seconds=WARM_UP_SECONDS)
        with cpu_cores(pids) as cores:
            figures = run_wrk(url + path, seconds=seconds)
        rows[name] = {
            "path": path,
            "requests_per_second": figures.requests_per_second,
            "p50_ms": figures.p50_ms,
            "p99_ms": figures.p99_ms,
            "errors": figures.errors,
            "cpu_cores": {k: v for k, v in cores.items() if v >= 0.05},
        }
    return rows


def measure_variant(
    settings: LoadSettings, password: str, processes: str, *, seconds: float, notes: list[str]
) -> dict[str, Any]:
    """One system with RADAR_PROCESSES=`processes`: its writes, its reads and its memory."""
    load_before = load_average()
    with fresh_system(settings, password, processes=processes, notes=notes) as system:
        info = system.run_info()
        pids = system_pids(info)
        slugs = asyncio.run(open_measures(system.url))
        reads = measure_reads(system.url, read_paths(system.url, slugs), pids, seconds=seconds)
        writes = asyncio.run(write_load(system, password, slugs, pids, seconds=seconds))
        memory = snapshot(system.run_info())
    pipeline = writes["pipeline"]
    stages = [pipeline[s]["out_per_second"] for s in ("submitted_to_queued", "approved_to_visible")]
    return {
        "processes": processes,
        "service_processes": sorted(p for p in pids if p not in ("valkey", "postgres")),
        **writes,
        "pipeline_per_second": min(stages),
        "reads": reads,
        "memory": memory,
        "machine_load": f"{load_before:.2f} before, {load_average():.2f} after (1 min)",
    }


def run_scaling(settings: LoadSettings, password: str, *, seconds: float, notes: list[str]) -> dict[str, Any]:
    """Every variant, one after the other; a variant that fails leaves a note and the others still run."""
    variants: dict[str, Any] = {}
    for name, processes in VARIANTS.items():
        print(f"scaling: {name} (RADAR_PROCESSES={processes!r})", flush=True)
        try:
            variants[name] = measure_variant(settings, password, processes, seconds=seconds, notes=notes)
        except Exception as exc:
            notes.append(f"scaling, {name}: failed: {type(exc).__name__}: {exc}")
    return {"seconds": seconds, "variants": variants}


def caveats(variant: Mapping[str, Any]) -> list[str]:
    """What a reader must know of a variant's figures, shown under the table: other work on the
    machine, wrk's errors, a backlog that did not drain."""
    pipeline = variant["pipeline"]
    measured = [read["cpu_cores"] for read in variant["reads"].values()]
    measured += [
        variant["accept"]["cpu_cores"],
        pipeline["submissions"]["cpu_cores"],
        pipeline["approvals"]["cpu_cores"],
    ]
    others = max(cores.get("other processes", 0.0) for cores in measured)
    found = []
    if others >= SHARED_MACHINE:
        found.append(
            f"processes outside the run took up to {others} cores while it was measured: noisy figures"
        )
    found += [
        f"GET {read['path']}: wrk saw errors or non-2xx answers {read['errors']}"
        for read in variant["reads"].values()
        if any(read["errors"].values())
    ]
    if variant["accept"]["backlog_queued_after_s"] is None:
        found.append("the accept run's backlog did not all reach moderation in time")
    found += [
        f"pipeline {stage}: not every comment got through in time; its figures cover those that did"
        for stage in ("submitted_to_queued", "approved_to_visible")
        if pipeline[stage]["drained_after_s"] is None
    ]
    return found


def _fmt(value: float | None) -> str:
    """As the other tables have it: thousands separated, one decimal below 100, a dash when missing."""
    if value is None:
        return "–"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}".rstrip("0").rstrip(".")


def _busy(cores: Mapping[str, float]) -> str:
    return ", ".join(f"{name} {used:.2f}" for name, used in sorted(cores.items(), key=lambda i: -i[1])) or "–"


def _figures(variant: Mapping[str, Any]) -> dict[str, tuple[float | None, float | None]]:
    """A variant's figures for the table: title -> (value, p99 ms or None)."""
    accept, pipeline = variant["accept"], variant["pipeline"]
    queued, visible = pipeline["submitted_to_queued"], pipeline["approved_to_visible"]
    found = {
        "comments accepted/s, 32 in flight": (accept["per_second"], accept["p99_ms"]),
        "pipeline: submitted → queued, out/s": (queued["out_per_second"], queued["p99_ms"]),
        "pipeline: approved → visible, out/s": (visible["out_per_second"], visible["p99_ms"]),
        "pipeline throughput/s (the slower stage)": (variant["pipeline_per_second"], None),
    }
    for read in variant["reads"].values():
        found[f"GET {read['path']} req/s, wrk 64 connections"] = (read["requests_per_second"], read["p99_ms"])
    found["service processes' RSS after the load, MB"] = (services_total(variant["memory"]), None)
    return found


def _cell(figure: tuple[float | None, float | None], base: tuple[float | None, float | None] | None) -> str:
    """A figure, its p99, and its ratio to the same figure with one process each."""
    value, p99 = figure
    text = _fmt(value) + (f" (p99 {_fmt(p99)} ms)" if p99 is not None else "")
    scale = ratio(value, base[0]) if base is not None else None
    return text + (f", ×{scale}" if scale is not None else "")


def scaling_lines(scaling: Mapping[str, Any]) -> list[str]:
    """Section 4's table for results.md: a column per variant, ratios to one process each."""
    variants = scaling["variants"]
    if not variants:
        return []
    figures = {name: _figures(v) for name, v in variants.items()}
    base = figures.get("one process each")
    titles = list(dict.fromkeys(title for found in figures.values() for title in found))
    names = [f"{name} (`{v['processes'] or 'default'}`)" for name, v in variants.items()]
    lines = [
        f"### Scaling ({scaling['seconds']:g} s per run; ×: ratio to one process each, same run)",
        "",
        "| figure | " + " | ".join(names) + " |",
        "| --- |" + " --- |" * len(names),
    ]
    for title in titles:
        cells = [
            _cell(found.get(title, (None, None)), None if found is base or base is None else base.get(title))
            for found in figures.values()
        ]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    texts = {
        "busy during the accept run (cores)": lambda v: _busy(v["accept"]["cpu_cores"]),
        "busy during the approvals (cores)": lambda v: _busy(v["pipeline"]["approvals"]["cpu_cores"]),
        "load average": lambda v: v["machine_load"],
    }
    lines += [
        f"| {title} | " + " | ".join(pick(v) for v in variants.values()) + " |"
        for title, pick in texts.items()
    ]
    found = [f"- {name}: {caveat}" for name, v in variants.items() for caveat in caveats(v)]
    return [*lines, "", *found, *([""] if found else [])]
