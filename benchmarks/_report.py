"""benchmarks/results.json and results.md: the figures of each labelled run, and their tables.

results.json keeps one run per label ("before", "after"); a run measured with `--only` replaces
only its own section of that label, and each section says when and on which commit it was
measured. results.md shows every label's tables, and a before/after comparison when both exist.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks._fanout import fanout_comparison, fanout_lines
from benchmarks._growth_table import growth_lines
from benchmarks._memory import memory_lines
from benchmarks._notes import notes
from benchmarks._scaling import scaling_lines
from benchmarks._stats import ratio

HERE = Path(__file__).parent
JSON_FILE = HERE / "results.json"
MARKDOWN_FILE = HERE / "results.md"
PIPELINE_TARGET_MS = 250.0  # issue 12: pipeline p99 under 250 ms


def load() -> dict[str, Any]:
    return dict(json.loads(JSON_FILE.read_text())) if JSON_FILE.exists() else {}


def merge(results: dict[str, Any], label: str, run: dict[str, Any]) -> dict[str, Any]:
    """The results with `run` stored under `label`; sections the run lacks stay as they were."""
    runs = dict(results.get("runs") or {})
    runs[label] = {**runs.get(label, {}), **run}
    return {**results, "runs": runs}


def write(results: dict[str, Any]) -> None:
    JSON_FILE.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    MARKDOWN_FILE.write_text(markdown(results))


def fmt(value: float | None, unit: str = "") -> str:
    """A figure for a table: thousands separated, one decimal below 100, a dash when missing."""
    if value is None:
        return "–"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text}{unit}"


def busy(cores: dict[str, float]) -> str:
    """The processes that used CPU, busiest first: `gateway 0.98, wrk 0.61`."""
    ordered = sorted(cores.items(), key=lambda item: -item[1])
    return ", ".join(f"{name} {used:.2f}" for name, used in ordered) or "–"


def cells(*values: object) -> str:
    """One row of a markdown table."""
    return "| " + " | ".join(str(v) for v in values) + " |"


def header(*names: str) -> list[str]:
    return [cells(*names), cells(*["---"] * len(names))]


def read_table(reads: dict[str, Any]) -> list[str]:
    lines = header(
        "path", "body bytes", "req/s", "p50 ms", "p99 ms", "bare req/s", "bare p50 ms", "bare p99 ms",
        "ratio", "CPU (cores) path / bare",
    )  # fmt: skip
    for row in reads["rows"]:
        g, b = row["gateway"], row["bare"]
        lines.append(
            cells(
                row["path"],
                f"{row['body_bytes']:,}",
                fmt(g["requests_per_second"]),
                fmt(g["p50_ms"]),
                fmt(g["p99_ms"]),
                fmt(b["requests_per_second"]),
                fmt(b["p50_ms"]),
                fmt(b["p99_ms"]),
                row["ratio"],
                f"{busy(g['cpu_cores'])} / {busy(b['cpu_cores'])}",
            )
        )
    return lines


def write_table(writes: dict[str, Any]) -> list[str]:
    accept, raw = writes["accept"], {r["key"]: r for r in writes["raw"]}
    reference = raw.get("comment_and_outbox")
    ref_rate = reference["per_second"] if reference else None
    lines = header("figure", "value", "p50 ms", "p99 ms", "reference", "reference value", "ratio")
    lines.append(
        cells(
            f"comments accepted through the gateway, {writes['workers']} in flight",
            f"{fmt(accept['per_second'])}/s",
            fmt(accept["p50_ms"]),
            fmt(accept["p99_ms"]),
            "asyncpg comment + outbox row, one transaction",
            f"{fmt(ref_rate)}/s",
            ratio(accept["per_second"], ref_rate),
        )
    )
    stages = (("submitted_to_queued", "submitted → queued"), ("approved_to_visible", "approved → visible"))
    for step in writes["pipeline"]:
        achieved = fmt(step["submissions"]["per_second"])
        for stage, title in stages:
            figures = step[stage]
            lines.append(
                cells(
                    f"pipeline at {fmt(step['rate'])}/s (achieved {achieved}/s): {title}",
                    f"{fmt(figures['out_per_second'])}/s out (n={figures['n']})",
                    fmt(figures["p50_ms"]),
                    fmt(figures["p99_ms"]),
                    "target p99",
                    f"{fmt(PIPELINE_TARGET_MS)} ms",
                    ratio(figures["p99_ms"], PIPELINE_TARGET_MS),
                )
            )
    return lines


def raw_table(writes: dict[str, Any]) -> list[str]:
    lines = header("raw limit", "per second", "CPU (cores)")
    lines += [cells(r["name"], fmt(r["per_second"]), busy(r["cpu_cores"])) for r in writes["raw"]]
    return lines


def comparison(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Headline figures of both labels side by side, with after / before."""
    rows: list[tuple[str, float | None, float | None]] = []
    reads_before = {r["path"]: r for r in (before.get("reads") or {}).get("rows", [])}
    for row in (after.get("reads") or {}).get("rows", []):
        old = reads_before.get(row["path"])
        if old is not None:
            rows.append(
                (
                    f"{row['path']} req/s",
                    old["gateway"]["requests_per_second"],
                    row["gateway"]["requests_per_second"],
                )
            )
            rows.append((f"{row['path']} p99 ms", old["gateway"]["p99_ms"], row["gateway"]["p99_ms"]))
            rows.append((f"{row['path']} ratio to bare", old["ratio"], row["ratio"]))
    if before.get("writes") and after.get("writes"):
        a, b = before["writes"]["accept"], after["writes"]["accept"]
        rows.append(("comments accepted/s", a["per_second"], b["per_second"]))
        rows.append(("comment accept p99 ms", a["p99_ms"], b["p99_ms"]))
    rows += fanout_comparison(before, after)
    lines = ["| figure | before | after | after / before |", "|---|---|---|---|"]
    lines += [
        f"| {name} | {shown(name, old)} | {shown(name, new)} | {ratio(new, old)} |" for name, old, new in rows
    ]
    return lines


def shown(name: str, value: float | None) -> str:
    """A comparison's figure; a ratio to the bare endpoint with three decimals (0.007 is not 0)."""
    if value is not None and name.endswith("ratio to bare"):
        return f"{value:.3f}"
    return fmt(value)


def section(label: str, run: dict[str, Any]) -> list[str]:
    """One label's tables, headed by where and when it ran."""
    machine, versions = run["machine"], run["versions"]
    dirty = " with uncommitted changes to the system" if run["git"]["dirty"] else ""
    lines = [
        f"## {label}",
        "",
        f"{run['date']}, commit {run['git']['commit'][:12]}{dirty}, {machine['cpus']} cores,"
        f" Python {versions['python']}, load average {run['machine_load']}. Command: `{run['command']}`.",
        "",
    ]
    if run.get("reads"):
        reads = run["reads"]
        lines += [
            f"### Reads ({reads['generator']}, {reads['seconds']:g} s per row)",
            "",
            *read_table(reads),
            "",
        ]
    if run.get("writes"):
        writes = run["writes"]
        lines += [
            f"### Writes ({writes['generator']}, {writes['seconds']:g} s per step)",
            "",
            *write_table(writes),
            "",
        ]
        lines += [f"Busy during the accept run (cores): {busy(writes['accept']['cpu_cores'])}.", ""]
        lines += ["### Raw limits, same servers, same run", "", *raw_table(writes), ""]
    if run.get("fanout"):
        lines += fanout_lines(run["fanout"])
    if run.get("scaling"):
        lines += scaling_lines(run["scaling"])
    if run.get("memory"):
        lines += memory_lines(run["memory"])
    if run.get("growth"):
        lines += growth_lines(run["growth"])
    found = notes(run)
    if found:
        lines += ["### Notes", "", *(f"- {note}" for note in found), ""]
    return lines


def markdown(results: dict[str, Any]) -> str:
    """The whole of results.md."""
    runs = results.get("runs") or {}
    lines = [
        "# Load benchmark results",
        "",
        "Written by `make bench` (benchmarks/load.py); the figures are in results.json. Every figure",
        "stands next to its reference measured in the same run on the same machine.",
        "",
    ]
    if "before" in runs and "after" in runs:
        lines += ["## before → after", "", *comparison(runs["before"], runs["after"]), ""]
    for label in ("before", "after"):
        if label in runs:
            lines += section(label, runs[label])
    return "\n".join(lines)
