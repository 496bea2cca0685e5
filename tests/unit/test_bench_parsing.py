"""The load benchmark's pure parts: wrk's report line, percentiles and ratios, the results file.

Nothing here runs a load or looks at a clock; the benchmark itself is not a test.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks import _report
from benchmarks._notes import notes
from benchmarks._stats import latency_ms, per_second, percentile, ratio
from benchmarks._wrk import MARK, REPORT_LUA, parse_report

pytestmark = pytest.mark.unit

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8000/
  2 threads and 64 connections
  1385 requests in 5.01s, 116.50MB read
Requests/sec:    276.42
WRK_JSON {"requests": 1385, "duration_us": 5010000, "bytes": 122140000, "p50_us": 212345, \
"p99_us": 731002, "max_us": 901234, "errors": {"connect": 0, "read": 0, "write": 0, "status": 3, \
"timeout": 0}}
"""


def test_wrk_report_line_gives_rate_latency_and_errors() -> None:
    figures = parse_report(WRK_OUTPUT)
    assert figures.requests == 1385
    assert figures.requests_per_second == 276.4
    assert (figures.p50_ms, figures.p99_ms, figures.max_ms) == (212.3, 731.0, 901.2)
    assert figures.bytes_per_request == 88187
    assert figures.errors["status"] == 3
    assert not figures.clean


def test_wrk_output_without_the_report_line_is_refused() -> None:
    with pytest.raises(ValueError, match="no report line"):
        parse_report("Running 5s test @ http://127.0.0.1:8000/\nunable to connect\n")


def test_the_lua_hook_prints_the_line_the_parser_looks_for() -> None:
    assert f"'{MARK}{{" in REPORT_LUA.read_text()


def test_percentile_is_the_nearest_rank() -> None:
    values = [v / 100 for v in range(100, 0, -1)]  # 1.00 .. 0.01, unsorted on purpose
    assert percentile(values, 50) == 0.5
    assert percentile(values, 99) == 0.99
    assert percentile(values, 100) == 1.0
    assert percentile([0.3], 99) == 0.3
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile(values, 0)


def test_latencies_in_seconds_are_reported_in_milliseconds() -> None:
    assert latency_ms([0.010, 0.020, 0.500]) == {"n": 3, "p50_ms": 20.0, "p99_ms": 500.0}
    assert latency_ms([]) == {"n": 0, "p50_ms": None, "p99_ms": None}


def test_ratio_and_rate_survive_missing_or_zero_references() -> None:
    assert ratio(278.0, 16400.0) == 0.017
    assert ratio(278.0, 0.0) is None
    assert ratio(None, 100.0) is None
    assert per_second(500, 2.0) == 250.0
    assert per_second(5, 0.0) == 0.0


def test_figures_print_with_separators_and_a_dash_when_missing() -> None:
    assert _report.fmt(16400.4) == "16,400"
    assert _report.fmt(63.25, " ms") == "63.2 ms"
    assert _report.fmt(7.0) == "7"
    assert _report.fmt(None) == "–"


def test_a_label_keeps_the_section_a_partial_run_did_not_measure() -> None:
    earlier = {"runs": {"before": {"reads": {"rows": ["r"]}, "writes": {"old": 1}, "date": "d1"}}}
    merged = _report.merge(earlier, "before", {"writes": {"new": 2}, "date": "d2"})
    assert merged["runs"]["before"] == {"reads": {"rows": ["r"]}, "writes": {"new": 2}, "date": "d2"}
    assert earlier["runs"]["before"]["writes"] == {"old": 1}  # the loaded results are not changed


def _phase(generator: float, statuses: dict[str, int], late: float | None = None) -> dict[str, Any]:
    return {"cpu_cores": {"load generator": generator}, "statuses": statuses, "send_late_p99_ms": late}


def test_notes_name_a_saturated_generator_a_client_bound_limit_and_an_undrained_backlog() -> None:
    step = {
        "rate": 400.0,
        "submissions": _phase(0.95, {"202": 10}, late=80.0),
        "approvals": _phase(0.2, {"200": 9, "None": 1}),
        "submitted_to_queued": {"drained_after_s": 1.0},
        "approved_to_visible": {"drained_after_s": None},
    }
    raw = [{"name": "XADD", "cpu_cores": {"load generator": 0.8, "valkey": 0.1}}]
    accept = {**_phase(0.3, {"202": 5}), "backlog_queued_after_s": 2.0}
    found = notes({"writes": {"accept": accept, "pipeline": [step], "raw": raw}})
    assert found == [
        "pipeline at 400.0/s, submissions: the Python load generator used 0.95 cores, so it was saturated",
        "pipeline at 400.0/s, submissions: sends left up to 80.0 ms late (p99): behind schedule",
        "pipeline at 400.0/s, approvals: answers {'200': 9, 'None': 1}",
        "XADD: the Python client used 0.8 cores, the server 0.1: client-bound",
        "pipeline at 400.0/s, approved_to_visible: not every comment got through in time;"
        " its figures cover those that did",
    ]


def test_notes_say_when_other_processes_shared_the_machine() -> None:
    quiet = {"cpu_cores": {"gateway": 0.9}, "clean": True}
    busy = {"cpu_cores": {"gateway": 0.6, "other processes": 0.7}, "clean": True}
    rows = [
        {"path": "/", "gateway": busy, "bare": quiet},
        {"path": "/feeds", "gateway": quiet, "bare": quiet},
    ]
    assert notes({"reads": {"rows": rows}}) == [
        "the machine was shared: processes outside the run took up to 0.7 cores (reads / (gateway)),"
        " 0.2 or more in 1 of 4 measurements; those figures are noisy"
    ]
    assert notes({"reads": {"rows": rows[1:]}}) == []


def _reads_run(rate: float) -> dict[str, Any]:
    side = {"requests_per_second": rate, "p50_ms": 10.0, "p99_ms": 50.0, "cpu_cores": {}, "clean": True}
    row = {"path": "/", "body_bytes": 1000, "gateway": side, "bare": {**side, "requests_per_second": 1000.0}}
    return {
        "date": "2026-01-01T00:00:00+00:00",
        "git": {"commit": "0123456789abcdef", "dirty": False},
        "machine": {"cpus": 2},
        "versions": {"python": "3.11.7"},
        "machine_load": "0.10 before, 0.20 after (1 min)",
        "command": ".venv/bin/python -m benchmarks.load",
        "reads": {"generator": "wrk", "seconds": 5.0, "rows": [{**row, "ratio": ratio(rate, 1000.0)}]},
    }


def test_results_show_both_labels_and_their_comparison() -> None:
    text = _report.markdown({"runs": {"before": _reads_run(250.0), "after": _reads_run(600.0)}})
    assert "## before → after" in text
    assert "| / req/s | 250 | 600 | 2.4 |" in text
    assert text.index("## before\n") < text.index("## after\n")


def test_a_small_ratio_to_the_bare_endpoint_keeps_three_decimals() -> None:
    text = _report.markdown({"runs": {"before": _reads_run(7.0), "after": _reads_run(600.0)}})
    assert "| / ratio to bare | 0.007 | 0.600 |" in text  # not rounded to 0


def test_results_with_one_label_show_no_comparison() -> None:
    text = _report.markdown({"runs": {"after": _reads_run(600.0)}})
    assert "before → after" not in text
    assert "| / | 1,000 | 600 | 10 | 50 | 1,000 | 10 | 50 | 0.6 | – / – |" in text
