"""`radar seed` loads a data set into the catalog's database, once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]
RADAR = Path(sys.executable).parent / "radar"


def radar(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RADAR_")}
    env["RADAR_DATA_DIR"] = str(data_dir)
    return subprocess.run([str(RADAR), *args], env=env, capture_output=True, text=True, timeout=120)


def test_seed_loads_the_munich_measures_once_and_refuses_an_unknown_data_set(tmp_path: Path) -> None:
    first = radar(tmp_path, "seed")
    assert first.returncode == 0, first.stderr
    assert "loaded 23 new measure(s) from the munich data set" in first.stdout
    again = radar(tmp_path, "seed", "munich")
    assert "loaded 0 new measure(s)" in again.stdout
    unknown = radar(tmp_path, "seed", "atlantis")
    assert unknown.returncode == 1
    assert "no data set named 'atlantis'; known: munich" in unknown.stderr
