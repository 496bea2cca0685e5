"""The drill's figures as benchmarks/drills.json and as a table in benchmarks/drills.md."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.drills.faults import FaultRecord
from benchmarks.drills.system import Settings
from benchmarks.drills.traffic import Journal

HERE = Path(__file__).parent.parent
JSON_FILE = HERE / "drills.json"
MARKDOWN_FILE = HERE / "drills.md"


def _errors(journal: Journal, *, actor: str, began: float, ended: float) -> dict[str, int]:
    """5xx answers and calls without an answer in the window, by status or error."""
    return dict(
        Counter(
            " ".join(str(part) for part in (c.status, c.error) if part)
            for c in journal.calls
            if c.actor == actor and c.failed_hard and began <= c.began < ended
        )
    )


def fault_rows(
    journal: Journal, records: list[FaultRecord], *, sending_began: float, sending_ended: float
) -> list[dict[str, Any]]:
    """One row per fault (and one before the first), with the errors seen until the next fault."""
    starts = [sending_began, *(r.began for r in records)]
    ends = [*starts[1:], sending_ended]
    rows = []
    for index, (began, ended) in enumerate(zip(starts, ends, strict=True)):
        record = records[index - 1] if index else None
        row: dict[str, Any] = {
            "fault": record.name if record else "none (before the first fault)",
            "at_seconds": round(began - sending_began, 1),
            "window_seconds": round(ended - began, 1),
            "sender_errors": _errors(journal, actor="sender", began=began, ended=ended),
            "moderator_errors": _errors(journal, actor="moderator", began=began, ended=ended),
            "posts": sum(1 for p in journal.posts if began <= p.call.began < ended),
        }
        if record:
            row.update(
                {k: round(v, 1) if isinstance(v, float) else v for k, v in asdict(record).items()},
                at_seconds=round(record.began - sending_began, 1),
                fault_seconds=round(record.ended - record.began, 1),
            )
            for key in ("began", "ended", "name"):
                row.pop(key)
        rows.append(row)
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return "never"
    if isinstance(value, dict):
        return ", ".join(f"{n}×{k}" for k, n in value.items()) or "0"
    if isinstance(value, list):
        return "; ".join(map(str, value)) or "none"
    return str(value)


def markdown(results: dict[str, Any]) -> str:
    """The results as a page an operator reads."""
    s = results["settings"]
    lines = [
        "# Fault drill",
        "",
        f"`{results['command']}` on {results['date']}, {results['machine']['cpus']} cores "
        f"({results['machine']['os']}), {results['minutes']} minutes.",
        "",
        f"Settings: RADAR_CLAIM_IDLE_MS={s['claim_idle_ms']}, RADAR_MAX_DELIVERIES={s['max_deliveries']}, "
        f"RADAR_COMMENTS_PER_WINDOW=1000000; {s['rate']} comments/s from {s['participants']} participants; "
        f"{s['pause_seconds']} s pause before each fault; databases refused connections for "
        f"{s['block_seconds']} s (ALTER DATABASE … ALLOW_CONNECTIONS false, their sessions ended; not "
        "`pg_ctl stop`, since the launcher starts a stopped postmaster again at once).",
        "",
        f"**{'PASSED' if results['passed'] else 'FAILED'}**"
        + ("" if results["passed"] else ": " + "; ".join(results["failures"])),
        "",
        "Times in seconds. *back*: until the launcher had the process running again (a service: ready), "
        "the databases took connections again, or the relays listened again. *first 202* and "
        "*first queued*: after the fault ended, the first comment accepted, and the first seen in "
        "the moderation queue, of those sent since the fault began. Errors: 5xx answers and calls "
        "without an answer, from the fault until the next one.",
        "",
        "| # | fault | at | lasted | back | first 202 | first queued | posts | sender errors "
        "| moderator errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, row in enumerate(results["faults"]):
        lines.append(
            f"| {n} | {row['fault']} | {row['at_seconds']} | {row.get('fault_seconds', '')} | "
            f"{_cell(row.get('back_after', ''))} | {_cell(row.get('first_accepted_after', ''))} | "
            f"{_cell(row.get('first_queued_after', ''))} | {row['posts']} | "
            f"{_cell(row['sender_errors'])} | {_cell(row['moderator_errors'])} |"
        )
    stages, machinery = results["counts"]["stages"], results["counts"]["machinery"]
    lines += ["", "| stage | comments |", "|---|---|"]
    lines += [f"| {name.replace('_', ' ')} | {value} |" for name, value in stages.items()]
    lines += [f"| {name.replace('_', ' ')} | {_cell(value)} |" for name, value in machinery.items()]
    lines += [
        f"| left running after stop | {len(results['left_running'])} |",
        "",
        f"Answers to the posts: {_cell(results['counts']['answers_to_posts'])}. "
        f"Answers to the decisions: {_cell(results['counts']['decision_answers'])}.",
        "",
        "The most frequent error and exception lines in `<data dir>/logs` (all in drills.json):",
        "",
    ]
    for log, found in results.get("log_findings", {}).items():
        lines += [f"- {log}:"] + [f"  - `{line}`" for line in found[:4]]
    return "\n".join(lines) + "\n"


def write(results: dict[str, Any]) -> None:
    JSON_FILE.write_text(json.dumps(results, indent=2) + "\n")
    MARKDOWN_FILE.write_text(markdown(results))


def settings_dict(settings: Settings) -> dict[str, Any]:
    return asdict(settings)
