"""The caveats printed under a run's tables: what a reader must know before trusting a figure.

Other work on the machine, errors or non-2xx answers under wrk, a Python generator that
saturated its core or fell behind its schedule, a raw limit that the client rather than the
server set, and a backlog that did not drain in time.
"""

from __future__ import annotations

from typing import Any

GENERATOR_SATURATED = 0.9  # cores: one Python thread cannot give more
SCHEDULE_SLACK_MS = 20.0  # an open loop's sends later than this fell behind their schedule
SHARED_MACHINE = 0.2  # cores other processes took: enough to move the figures


def _phases(writes: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every load phase of the writes: the accept run, each pipeline step's submissions and approvals."""
    found = [("accept", writes["accept"])] if writes.get("accept") else []
    for step in writes.get("pipeline", []):
        found += [
            (f"pipeline at {step['rate']}/s, {part}", step[part]) for part in ("submissions", "approvals")
        ]
    return found


def read_notes(reads: dict[str, Any]) -> list[str]:
    found = []
    for row in reads.get("rows", []):
        for side in ("gateway", "bare"):
            if not row[side]["clean"]:
                found.append(
                    f"{row['path']} ({side}): wrk saw errors or non-2xx answers {row[side]['errors']}"
                )
    return found


def generator_notes(writes: dict[str, Any]) -> list[str]:
    found = []
    for name, phase in _phases(writes):
        generator = phase["cpu_cores"].get("load generator", 0.0)
        if generator >= GENERATOR_SATURATED:
            found.append(f"{name}: the Python load generator used {generator} cores, so it was saturated")
        if (phase.get("send_late_p99_ms") or 0) > SCHEDULE_SLACK_MS:
            found.append(
                f"{name}: sends left up to {phase['send_late_p99_ms']} ms late (p99): behind schedule"
            )
        if set(phase["statuses"]) - {"200", "202"}:
            found.append(f"{name}: answers {phase['statuses']}")
    return found


def raw_notes(writes: dict[str, Any]) -> list[str]:
    found = []
    for row in writes.get("raw", []):
        cores = row["cpu_cores"]
        client = cores.get("load generator", 0.0)
        server = max(cores.get("postgres", 0.0), cores.get("valkey", 0.0))
        if client > server:
            found.append(
                f"{row['name']}: the Python client used {client} cores, the server {server}: client-bound"
            )
    return found


def drain_notes(writes: dict[str, Any]) -> list[str]:
    undrained = [
        f"pipeline at {step['rate']}/s, {stage}"
        for step in writes.get("pipeline", [])
        for stage in ("submitted_to_queued", "approved_to_visible")
        if step[stage]["drained_after_s"] is None
    ]
    if writes.get("accept") and writes["accept"]["backlog_queued_after_s"] is None:
        undrained.insert(0, "the accept run's backlog")
    return [
        f"{what}: not every comment got through in time; its figures cover those that did"
        for what in undrained
    ]


def shared_machine_notes(run: dict[str, Any]) -> list[str]:
    """One line when processes outside the run took CPU during a measurement."""
    writes = run.get("writes") or {}
    measured = [
        (f"reads {r['path']} ({side})", r[side])
        for r in (run.get("reads") or {}).get("rows", [])
        for side in ("gateway", "bare")
    ]
    measured += _phases(writes) + [(f"raw: {row['name']}", row) for row in writes.get("raw", [])]
    others = [(m["cpu_cores"].get("other processes", 0.0), name) for name, m in measured]
    busiest = max(others, default=(0.0, ""))
    if busiest[0] < SHARED_MACHINE:
        return []
    shared = sum(1 for used, _ in others if used >= SHARED_MACHINE)
    return [
        f"the machine was shared: processes outside the run took up to {busiest[0]} cores ({busiest[1]}),"
        f" {SHARED_MACHINE} or more in {shared} of {len(others)} measurements; those figures are noisy"
    ]


def notes(run: dict[str, Any]) -> list[str]:
    """The run's own notes, then every caveat its figures call for."""
    writes = run.get("writes") or {}
    return [
        *(run.get("notes") or []),
        *shared_machine_notes(run),
        *read_notes(run.get("reads") or {}),
        *generator_notes(writes),
        *raw_notes(writes),
        *drain_notes(writes),
    ]
