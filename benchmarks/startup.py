"""How long `radar up` takes until it prints its ready line: cold (fresh data dir) and warm.

Run: .venv/bin/python benchmarks/startup.py [--runs 3]
Cold: a new, empty data directory (initdb, roles, migrations, the Munich seed, the admin).
Warm: the data directory of the first cold run, started again.
The figures are printed and written to benchmarks/results/startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from radar_cli.embedded import free_port

RADAR = Path(sys.executable).parent / "radar"
RESULTS = Path(__file__).parent / "results" / "startup.json"


def time_start(data_dir: Path) -> tuple[float, float]:
    """Seconds from spawning `radar up` to its ready line, and the figure the launcher prints."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RADAR_")}
    env.update(RADAR_DATA_DIR=str(data_dir), RADAR_PORT=str(free_port()))
    began = time.monotonic()
    process = subprocess.Popen(
        [str(RADAR), "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    output = []
    try:
        for line in process.stdout:
            output.append(line)
            if line.startswith("radar: ready in"):
                elapsed = time.monotonic() - began
                return elapsed, float(line.split()[3])
        raise RuntimeError("radar up ended before it was ready:\n" + "".join(output))
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
        if process.returncode != 0:
            raise RuntimeError(f"radar up exited with {process.returncode}:\n" + "".join(output))


def main() -> None:
    """Measure cold and warm starts; print and store the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    cold: list[float] = []
    warm: list[float] = []
    reported: dict[str, list[float]] = {"cold": [], "warm": []}
    with tempfile.TemporaryDirectory(prefix="radar-bench-") as tmp:
        dirs = [Path(tmp) / f"cold-{i}" for i in range(runs)]
        for data_dir in dirs:
            seconds, said = time_start(data_dir)
            cold.append(seconds)
            reported["cold"].append(said)
            print(f"cold start: {seconds:.1f} s", flush=True)
        for _ in range(runs):
            seconds, said = time_start(dirs[0])
            warm.append(seconds)
            reported["warm"].append(said)
            print(f"warm start: {seconds:.1f} s", flush=True)
    results = {
        "what": "seconds from spawning `radar up` to its line `radar: ready in X s`",
        "command": ".venv/bin/python benchmarks/startup.py --runs 3",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "os": platform.platform()},
        "cold_seconds": [round(s, 2) for s in cold],
        "warm_seconds": [round(s, 2) for s in warm],
        "cold_median": round(statistics.median(cold), 2),
        "warm_median": round(statistics.median(warm), 2),
        "launcher_reported": reported,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"cold: median {results['cold_median']} s, warm: median {results['warm_median']} s")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
