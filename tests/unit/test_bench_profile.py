"""The comment profile's arithmetic (benchmarks/profile_comments.py): samples per frame, inclusive."""

from __future__ import annotations

from pathlib import Path

from benchmarks.profile_comments import frames_of, hot_frames, package_of


def test_a_frame_counts_every_sample_it_is_on_the_stack_of_once(tmp_path: Path) -> None:
    raw = tmp_path / "p.raw"
    raw.write_text(
        "run (asyncio/runners.py:1);handle (radar_x/api.py:5);query (asyncpg/c.py:9) 6\n"
        "run (asyncio/runners.py:1);handle (radar_x/api.py:5);handle (radar_x/api.py:5) 3\n"
        "run (asyncio/runners.py:1);idle (selectors.py:2) 1\n"
    )
    total, held, ran = frames_of(raw)
    assert total == 10
    assert ran == {"asyncpg": 6, "radar_x": 3, "selectors": 1}  # where the innermost frame ran
    assert held["handle (radar_x/api.py:5)"] == 9  # a recursive frame once per stack
    assert held["query (asyncpg/c.py:9)"] == 6
    shown = hot_frames(total, held)
    assert shown[0] == ("handle (radar_x/api.py:5)", 0.9)
    assert [frame for frame, _ in shown] == ["handle (radar_x/api.py:5)"]  # our code only
    assert hot_frames(0, held) == []


def test_a_frames_package_is_the_first_part_of_its_file() -> None:
    assert package_of("execute (asyncpg/connection.py:377)") == "asyncpg"
    assert package_of("loads (json/__init__.py:346)") == "json"
    assert package_of("wait (threading.py:327)") == "threading"
