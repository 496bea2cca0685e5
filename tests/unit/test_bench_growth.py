"""The cost-growth section's pure parts: the seeded measures and comments, and the growth table.

Nothing here seeds a database or looks at a clock; the benchmark itself is not a test.
"""

from __future__ import annotations

import math
import random
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from benchmarks import _report
from benchmarks._growth_table import caveats, growth_lines, worse_by
from benchmarks._seed import REPLY_EVERY, comment_rows, measure_values, zipf_counts
from radar_catalog.domain.measures import Vocabulary, validate_measure
from radar_catalog.domain.vocabulary import STATUSES, slugify
from radar_catalog.seed import read_dataset

pytestmark = pytest.mark.unit


def _munich() -> Vocabulary:
    data = read_dataset("munich")
    return Vocabulary(
        goals_by_field={f["slug"]: [g["slug"] for g in f.get("goals", [])] for f in data["fields"]},
        principles=[p["slug"] for p in data["principles"]],
        departments=frozenset(d["code"] for d in data["departments"]),
    )


def test_seeded_measures_are_valid_and_spread_over_fields_statuses_and_leads() -> None:
    known = _munich()
    states = [validate_measure(measure_values(n, known), vocabulary=known) for n in range(24, 24 + 990)]
    assert len({slugify(s.title) for s in states}) == len(states)  # no slug is taken twice
    fields, statuses = Counter(s.field for s in states), Counter(s.status for s in states)
    assert set(fields) == set(known.goals_by_field) and max(fields.values()) - min(fields.values()) <= 1
    assert set(statuses) == set(STATUSES) and max(statuses.values()) - min(statuses.values()) <= 1
    assert {s.lead for s in states} == known.departments


def test_zipf_counts_add_up_and_fall_with_the_rank() -> None:
    counts = zipf_counts(100_000, 10_000)
    assert sum(counts) == 100_000
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == pytest.approx(100_000 / sum(1 / r for r in range(1, 10_001)), abs=1)
    assert zipf_counts(3, 5) == [1, 1, 1, 0, 0]  # the largest remainders get the rest


def test_seeded_comments_are_published_and_replies_answer_earlier_comments_of_their_measure() -> None:
    measures = [uuid.uuid4() for _ in range(50)]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    rows = comment_rows(measures, total=2_000, now=now, rng=random.Random(1))
    assert len(rows) == 2_000 and len({r[0] for r in rows}) == 2_000
    assert {r[5] for r in rows} == {"published"}
    per_measure = Counter(r[1] for r in rows)
    assert per_measure[measures[0]] == max(per_measure.values())
    seen: dict[uuid.UUID, uuid.UUID] = {}  # comment -> its measure, in the order written
    for comment_id, measure_id, _, parent, _, _, _, submitted, decided, published in rows:
        assert parent is None or seen[parent] == measure_id  # a parent is written before its reply
        assert submitted < decided == published < now
        seen[comment_id] = measure_id
    replies = sum(1 for r in rows if r[3] is not None)
    assert replies == pytest.approx(len(rows) / REPLY_EVERY, rel=0.1)


def test_worse_by_reads_rates_and_times_the_right_way_round() -> None:
    assert worse_by(600.0, 200.0, higher_is_better=True) == 3.0  # a third of the rate: 3x worse
    assert worse_by(10.0, 30.0, higher_is_better=False) == 3.0  # three times the latency
    assert worse_by(100.0, 400.0, higher_is_better=True) == 0.25  # faster than before
    assert worse_by(600.0, 0.0, higher_is_better=True) == math.inf  # nothing got through any more
    assert worse_by(None, 5.0, higher_is_better=False) is None


def _stage(
    measures: int, *, comments: int = 0, rate: float, first_ms: float, status: int = 200
) -> dict[str, Any]:
    read = {
        "path": "/", "requests_per_second": rate, "p50_ms": 5.0, "p99_ms": 20.0, "first_ms": first_ms,
        "body_bytes": 40 * measures, "status": status, "errors": {"timeout": 0}, "cpu_cores": {},
    }  # fmt: skip
    return {
        "measures": measures,
        "comments": comments,
        "settled_after_s": 1.0,
        "seed": None,
        "reads": {"radar-page": read},
        "accept": {"per_second": 300.0, "p50_ms": 50.0, "p99_ms": 120.0, "statuses": {"202": 900}},
        "creates": {"p50_ms": 30.0, "max_ms": 40.0, "statuses": [201] * 5},
    }


def _growth() -> dict[str, Any]:
    stages = [
        _stage(23, rate=3000.0, first_ms=40.0),
        {**_stage(1000, rate=2900.0, first_ms=60.0), "seed": {"added": 977, "seconds": 5.0,
         "published_s": 3.0, "known_after_s": 2.0}},
        _stage(10000, rate=1400.0, first_ms=70.0, status=500),
        {**_stage(10005, comments=100_000, rate=1300.0, first_ms=90.0), "seed": {"added": 100_000,
         "seconds": 6.0, "measures": 10005, "busiest": {"slug": "e-akte", "published": 10217}}},
    ]  # fmt: skip
    return {"date": "2026-01-01T00:00:00+00:00", "seconds": 5.0, "generator": "wrk", "stages": stages}


def test_the_growth_table_flags_what_got_more_than_twice_as_slow() -> None:
    text = "\n".join(growth_lines(_growth()))
    assert (
        "| figure | 23 measures | 1,000 measures | 10,000 measures | 10,005 measures + 100,000 comments"
        " | 10,000 vs 23 | with comments vs 23 |"
    ) in text
    assert "| / req/s | 3,000 | 2,900 | 1,400 | 1,300 | **2.14×** ⚠ | **2.31×** ⚠ |" in text
    assert "| / first (uncached) answer ms | 40 | 60 | 70 | 90 | 1.75× | **2.25×** ⚠ |" in text
    assert "| comments accepted/s | 300 | 300 | 300 | 300 | 1.00× | 1.00× |" in text
    assert "- 977 measures in 5 s: published in 3 s, known to every service 2 s later" in text
    assert "10,217 on e-akte" in text
    assert "seeded straight into participation's database, like a data migration" in text


def test_errors_in_the_logs_of_the_growth_system_are_listed() -> None:
    growth = {**_growth(), "logged": {"gateway.log": ["3× ERROR radar page timed out"]}}
    assert "- gateway.log: 3× ERROR radar page timed out" in growth_lines(growth)


def test_growth_caveats_name_failed_first_answers_and_wrk_errors() -> None:
    stages = _growth()["stages"]
    stages[1]["reads"]["radar-page"]["errors"] = {"timeout": 12}
    stages[3]["reads"]["radar-page"]["status"] = None
    assert caveats(stages) == [
        "1,000 measures: wrk saw errors or non-2xx answers on /: {'timeout': 12}",
        "10,000 measures: the first GET / answered 500",
        "10,005 measures + 100,000 comments: the first GET / answered nothing in time",
    ]


def test_a_run_with_the_growth_section_shows_its_table_in_the_results() -> None:
    run = {
        "date": "2026-01-01T00:00:00+00:00",
        "git": {"commit": "0123456789abcdef", "dirty": False},
        "machine": {"cpus": 2},
        "versions": {"python": "3.11.7"},
        "machine_load": "0.10 before, 0.20 after (1 min)",
        "command": ".venv/bin/python -m benchmarks.load --only growth",
        "growth": _growth(),
    }
    assert "### Cost growth (wrk; 5 s per run;" in _report.markdown({"runs": {"after": run}})
