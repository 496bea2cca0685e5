"""Section 1, reads: each public path under wrk, next to a bare endpoint returning the same bytes.

For every path the gateway's answer is fetched once (no compression asked, as wrk asks none);
its body and content type become a constant route of the bare app. Then, path after path, wrk
runs against the gateway and against the bare route, each after a one-second warm-up, with the
CPU every process used meanwhile.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx

from benchmarks._bare import serve, write_bodies
from benchmarks._cpu import cpu_cores
from benchmarks._stats import ratio
from benchmarks._wrk import WrkFigures, run_wrk

WARM_UP_SECONDS = 1
PREFERRED_MEASURE = "e-akte"


def read_paths(gateway_url: str, slugs: list[str]) -> dict[str, str]:
    """Name -> path of every read measured: the API list, the radar page, a measure page, the feed."""
    slug = PREFERRED_MEASURE
    if httpx.get(f"{gateway_url}/massnahmen/{slug}", trust_env=False, timeout=30).status_code != 200:
        slug = slugs[0]
    return {
        "measures-api": "/api/v1/measures",
        "radar-page": "/",
        "measure-page": f"/massnahmen/{slug}",
        "changes-feed": "/feeds/changes.atom",
    }


def fetch_answer(url: str) -> tuple[bytes, str, int]:
    """The body, content type and header size of one plain GET, as wrk would get it."""
    response = httpx.get(url, headers={"Accept-Encoding": "identity"}, trust_env=False, timeout=30)
    response.raise_for_status()
    header_bytes = sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
    return response.content, response.headers["content-type"], header_bytes


def _measure(url: str, pids: Mapping[str, tuple[int, bool]], *, seconds: float) -> dict[str, Any]:
    run_wrk(url, seconds=WARM_UP_SECONDS)
    with cpu_cores(pids) as cores:
        figures: WrkFigures = run_wrk(url, seconds=seconds)
    busy = {name: used for name, used in cores.items() if used >= 0.05}
    return {**asdict(figures), "clean": figures.clean, "cpu_cores": busy}


def run_reads(
    gateway_url: str, paths: Mapping[str, str], pids: Mapping[str, tuple[int, bool]], *, seconds: float
) -> list[dict[str, Any]]:
    """One row per path: the gateway's figures, the bare endpoint's, and their ratio."""
    answers = {name: fetch_answer(gateway_url + path) for name, path in paths.items()}
    rows = []
    with tempfile.TemporaryDirectory(prefix="radar-bench-bare-") as tmp:
        manifest = write_bodies(Path(tmp), {n: (body, ctype) for n, (body, ctype, _) in answers.items()})
        with serve(manifest) as (bare_url, bare_pid):
            both = {**pids, "bare app": (bare_pid, False)}
            for name, path in paths.items():
                body, content_type, header_bytes = answers[name]
                print(f"reads: {path} ({len(body)} bytes) and its bare twin, {seconds:g} s each", flush=True)
                gateway = _measure(gateway_url + path, both, seconds=seconds)
                bare = _measure(f"{bare_url}/{name}", both, seconds=seconds)
                rows.append(
                    {
                        "name": name,
                        "path": path,
                        "body_bytes": len(body),
                        "content_type": content_type,
                        "gateway_header_bytes": header_bytes,
                        "bare_header_bytes": fetch_answer(f"{bare_url}/{name}")[2],
                        "gateway": gateway,
                        "bare": bare,
                        "ratio": ratio(gateway["requests_per_second"], bare["requests_per_second"]),
                    }
                )
    return rows
