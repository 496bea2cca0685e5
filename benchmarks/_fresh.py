"""A system of its own for the scaling and memory sections, and the write load they put on it.

Each section starts `radar up` afresh on a temporary data directory, with RADAR_PROCESSES as
it asks, so that its figures do not depend on what the sections before it left behind, and
stops it afterwards; whatever outlives the stop is killed and noted. The run's own system
stays up meanwhile, idle. The write load is section 2's: the accept run, then the pipeline
at the full accepted rate.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks._pipeline import PipelineClock
from benchmarks._writers import Moderator, Participants
from benchmarks._writes import WORKERS, measure_accept, measure_pipeline
from benchmarks.drills.system import System
from radar_cli.embedded import EmbeddedPostgres

if TYPE_CHECKING:
    from benchmarks.load import LoadSettings


@contextmanager
def fresh_system(
    settings: LoadSettings, password: str, *, processes: str, notes: list[str]
) -> Iterator[System]:
    """`radar up` with RADAR_PROCESSES=`processes` on a new data directory, ready; stopped on exit."""
    data_dir = Path(tempfile.mkdtemp(prefix="radar-load-")).resolve()
    system = System(data_dir, dataclasses.replace(settings, processes=processes), password)
    try:
        system.wait_until_ready()
        yield system
    finally:
        left = system.stop()
        if left:
            notes.append(
                f"RADAR_PROCESSES={processes!r}: left running after the stop (killed): {'; '.join(left)}"
            )
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


async def write_load(
    system: System, password: str, slugs: list[str], pids: Mapping[str, tuple[int, bool]], *, seconds: float
) -> dict[str, Any]:
    """Comments accepted at WORKERS in flight, then the pipeline at that rate: both as section 2 has them."""
    postgres = EmbeddedPostgres(system.data_dir)
    if not postgres.attach():
        raise RuntimeError("no PostgreSQL server runs on the data directory")
    participants = Participants(system.url, count=WORKERS, slugs=slugs, run_id=secrets.token_hex(3))
    moderator = Moderator(system.url)
    clock = await PipelineClock.connect(postgres)
    try:
        await moderator.log_in(password)
        accept = await measure_accept(participants, clock, pids, seconds=seconds)
        pipeline = await measure_pipeline(
            participants, moderator, clock, pids, rate=accept["per_second"], seconds=seconds
        )
    finally:
        await participants.close()
        await moderator.close()
        await clock.close()
    return {"accept": accept, "pipeline": pipeline}


def load_average() -> float:
    return round(os.getloadavg()[0], 2)
