"""Where an accepted comment's CPU goes: py-spy on every service while comments are posted through
the gateway, as section 2's accept run posts them (32 in flight, limits raised).

Run `.venv/bin/python -m benchmarks.profile_comments [--seconds 15]` on a quiet machine. It needs
py-spy (`.venv/bin/pip install py-spy`: a profiler, not a dependency of the system, so not in the
lock). It starts its own system, samples each service for the same seconds the comments are
posted, and writes benchmarks/profiles.md: per process, how busy it was and which of its frames
held the most samples (inclusive: a frame counts every sample it is on the stack of).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks._cpu import system_pids
from benchmarks._fresh import fresh_system
from benchmarks._writers import Participants, closed_loop
from benchmarks._writes import WORKERS
from benchmarks.drills.__main__ import open_measures
from benchmarks.load import REPO, LoadSettings, git_state

RATE = 100  # samples per second and process
SHOWN = 14  # frames per process in the table
PROFILED = ("gateway", "participation", "moderation", "notifications", "catalog")
PLUMBING = ("runpy", "asyncio/", "click/", "uvicorn/main.py", "uvicorn/server.py", "threading.py", "<module>")
OUTPUT = Path(__file__).with_name("profiles.md")


def frames_of(raw: Path) -> tuple[int, Counter[str], Counter[str]]:
    """py-spy's raw output (one folded stack a line, then its count): all samples; per frame the
    samples it is on the stack of (each frame once per stack); per package the samples it ran in."""
    total, held, ran = 0, Counter[str](), Counter[str]()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        frames = stack.split(";")
        total += n
        ran[package_of(frames[-1])] += n
        for frame in set(frames):
            held[frame] += n
    return total, held, ran


def package_of(frame: str) -> str:
    """The package a frame's file is in ("asyncpg", "radar_lib", ...), as py-spy names the file."""
    where = frame.rpartition("(")[2]
    return where.split("/")[0].split(".py")[0].split(":")[0] or "?"


def hot_frames(total: int, held: Counter[str], *, shown: int = SHOWN) -> list[tuple[str, float]]:
    """Our own frames that held the most samples, without the middleware (each one's `__call__` is on
    every request's stack) and the event loop's and the server's plumbing."""
    if not total:
        return []
    found = [
        (f, n / total)
        for f, n in held.most_common()
        if f.rpartition("(")[2].startswith("radar_")
        and ".__call__ " not in f
        and not any(p in f for p in PLUMBING)
    ]
    return found[:shown]


def table(name: str, seconds: float, total: int, held: Counter[str], ran: Counter[str]) -> Iterable[str]:
    busy = total / (RATE * seconds)
    yield f"### {name}: {total:,} samples, busy {busy:.0%} of the run (samples / ({RATE}/s × {seconds:g} s))"
    yield ""
    packages = ", ".join(f"{package} {n / total:.0%}" for package, n in ran.most_common(8)) if total else "-"
    yield f"Where its samples ran (the package of the innermost frame): {packages}."
    yield ""
    yield "| share of its samples | our frame (inclusive) |"
    yield "| --- | --- |"
    for frame, share in hot_frames(total, held):
        yield f"| {share:.0%} | `{frame}` |"
    yield ""


async def post_comments(url: str, slugs: list[str], seconds: float) -> int:
    participants = Participants(url, count=WORKERS, slugs=slugs, run_id=secrets.token_hex(3))
    try:
        samples = await closed_loop(participants.post, workers=WORKERS, seconds=seconds)
    finally:
        await participants.close()
    return sum(1 for s in samples if s.status == 202)


def _spy(spy: str, pid: int, raw: Path, seconds: float) -> subprocess.Popen[bytes]:
    """py-spy recording one process for `seconds`, into `raw`."""
    command = [
        spy,
        "record",
        "-r",
        str(RATE),
        "-d",
        f"{seconds:g}",
        "-f",
        "raw",
        "-o",
        str(raw),
        "-p",
        str(pid),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    spy = shutil.which("py-spy") or str(REPO / ".venv/bin/py-spy")
    password, notes = secrets.token_urlsafe(18), list[str]()
    folder = Path(tempfile.mkdtemp(prefix="radar-profile-"))
    with fresh_system(LoadSettings(), password, processes="", notes=notes) as system:
        slugs = asyncio.run(open_measures(system.url))
        pids = system_pids(system.run_info())
        spies = {name: _spy(spy, pids[name][0], folder / f"{name}.raw", args.seconds) for name in PROFILED}
        accepted = asyncio.run(post_comments(system.url, slugs, args.seconds))
        for process in spies.values():
            process.wait(timeout=args.seconds + 60)
    lines = [
        "# Where an accepted comment's CPU goes",
        "",
        f"{datetime.now(UTC).isoformat(timespec='seconds')}, commit {git_state(None)['commit'][:12]}. "
        f"Command: `.venv/bin/python -m benchmarks.profile_comments --seconds {args.seconds:g}`. "
        f"{accepted:,} comments accepted in {args.seconds:g} s ({accepted / args.seconds:,.0f}/s) at "
        f"{WORKERS} in flight; py-spy at {RATE} samples a second on each service.",
        "",
    ]
    for name in PROFILED:
        raw = folder / f"{name}.raw"
        if raw.exists():
            lines += table(name, args.seconds, *frames_of(raw))
        else:
            lines += [f"### {name}: no profile (py-spy wrote nothing)", ""]
    lines += [f"- {note}" for note in notes]
    OUTPUT.write_text("\n".join(lines).rstrip() + "\n")
    shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(lines))
    print(f"profile: written to {OUTPUT}")


if __name__ == "__main__":
    main()
