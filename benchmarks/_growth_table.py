"""Section 6 in results.md: every figure at every stage, how many times worse it got, the caveats."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

TARGET_FACTOR = 2.0  # issue 12: no figure more than 2x slower at 10,000 measures than at 23


def stage_figures(stage: Mapping[str, Any]) -> dict[str, tuple[float | None, bool]]:
    """Title -> (value, whether higher is better) of every figure of one stage."""
    found: dict[str, tuple[float | None, bool]] = {}
    for read in stage["reads"].values():
        path = read["path"]
        found[f"{path} req/s"] = (read["requests_per_second"], True)
        found[f"{path} p99 ms"] = (read["p99_ms"], False)
        found[f"{path} first (uncached) answer ms"] = (read["first_ms"], False)
        found[f"{path} body bytes"] = (read["body_bytes"], False)
    accept, creates = stage["accept"], stage["creates"]
    found["comments accepted/s"] = (accept["per_second"], True)
    found["comment accept p99 ms"] = (accept["p99_ms"], False)
    found["measure create through the API (editor), p50 ms"] = (creates["p50_ms"], False)
    return found


def worse_by(base: float | None, value: float | None, *, higher_is_better: bool) -> float | None:
    """How many times worse `value` is than `base`: base / value for a rate, value / base otherwise."""
    if base is None or value is None:
        return None
    better, worse = (value, base) if higher_is_better else (base, value)
    if not better:
        return math.inf if worse else None
    return round(worse / better, 2)


def growth_table(stages: list[Mapping[str, Any]]) -> list[str]:
    """Figures by stage, then how many times worse at the largest stage without and with comments."""
    figures = [stage_figures(s) for s in stages]
    plain = max(i for i, s in enumerate(stages) if not s["comments"])
    compared = [(plain, f"{stages[plain]['measures']:,} vs {stages[0]['measures']:,}")]
    compared += [
        (i, f"with comments vs {stages[0]['measures']:,}") for i, s in enumerate(stages) if s["comments"]
    ]
    names = [_stage_name(s) for s in stages]
    lines = [
        _cells("figure", *names, *(title for _, title in compared)),
        _cells(*["---"] * (1 + len(names) + len(compared))),
    ]
    for title, (first, higher) in figures[0].items():
        values = [found.get(title, (None, higher))[0] for found in figures]
        factors = [worse_by(first, values[i], higher_is_better=higher) for i, _ in compared]
        lines.append(_cells(title, *map(_fmt, values), *map(_flagged, factors)))
    return lines


def _stage_name(stage: Mapping[str, Any]) -> str:
    name = f"{stage['measures']:,} measures"
    return f"{name} + {stage['comments']:,} comments" if stage["comments"] else name


def _flagged(factor: float | None) -> str:
    if factor is None:
        return "–"
    shown = "∞" if math.isinf(factor) else f"{factor:.2f}"
    return f"**{shown}×** ⚠" if factor > TARGET_FACTOR else f"{shown}×"


def _cells(*values: object) -> str:
    return "| " + " | ".join(str(v) for v in values) + " |"


def seeding_lines(stages: list[Mapping[str, Any]]) -> list[str]:
    """What each seeding step put in and how long it took."""
    lines = []
    for stage in stages:
        seed = stage["seed"]
        if seed is None:
            continue
        if stage["comments"]:
            busiest = seed["busiest"]
            lines.append(
                f"- {seed['added']:,} published comments over {seed['measures']:,} measures in"
                f" {seed['seconds']:g} s ({busiest['published']:,} on {busiest['slug']}, whose page is read)"
            )
        else:
            lines.append(
                f"- {seed['added']:,} measures in {seed['seconds']:g} s: published in"
                f" {seed['published_s']:g} s, known to every service {seed['known_after_s']:g} s later"
            )
    return lines


def caveats(stages: list[Mapping[str, Any]]) -> list[str]:
    """What in a stage's figures was not a clean answer."""
    found = []
    for stage in stages:
        name = _stage_name(stage)
        if stage["settled_after_s"] is None:
            found.append(f"{name}: the system did not settle in time")
        for read in stage["reads"].values():
            if read["status"] != 200:
                found.append(
                    f"{name}: the first GET {read['path']} answered {read['status'] or 'nothing in time'}"
                )
            if any(read["errors"].values()):
                found.append(f"{name}: wrk saw errors or non-2xx answers on {read['path']}: {read['errors']}")
        if set(stage["accept"]["statuses"]) - {"202"}:
            found.append(f"{name}: comments answered {stage['accept']['statuses']}")
        if set(stage["creates"]["statuses"]) - {201}:
            found.append(f"{name}: measure creates answered {stage['creates']['statuses']}")
    return found


def growth_lines(growth: Mapping[str, Any]) -> list[str]:
    """Section 6 for results.md: the table, the seeding, and what the figures need said about them."""
    stages = growth["stages"]
    lines = [
        f"### Cost growth ({growth['generator']}; {growth['seconds']:g} s per run; ×: how many times worse"
        f" than at {stages[0]['measures']:,} measures, ⚠ over the target of {TARGET_FACTOR:g}×)",
        "",
        *growth_table(stages),
        "",
        "Seeding, on a system of its own started with the data set's measures:",
        "",
        *seeding_lines(stages),
        "",
        "The measures were published straight into the catalog's database with the catalog's own functions"
        " (each as a create through the API writes it, its measure.published through the outbox), in batches"
        " of one transaction each, faster than 10,000 creates one at a time through the API (the last row"
        " times one). The comments were seeded straight into participation's database, like a data"
        " migration; the pipeline was not used for these, and moderation has no queue items for them.",
        "",
    ]
    found = caveats(stages) + [
        f"{log}: {line}" for log, logged in (growth.get("logged") or {}).items() for line in logged
    ]
    return [*lines, *(f"- {c}" for c in found), ""] if found else lines


def _fmt(value: float | None) -> str:
    """A figure as the other tables show it: thousands separated, one decimal below 100."""
    if value is None:
        return "–"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}".rstrip("0").rstrip(".")
