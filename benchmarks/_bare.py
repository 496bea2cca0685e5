"""The reference for every read: a bare FastAPI endpoint that returns a constant body.

`create_app` serves one GET route per body named in the JSON manifest that BENCH_BARE_BODIES
points to (`{"name": {"file": ..., "content_type": ...}}`), each body read once at start.
`serve` runs it as `radar up` runs the gateway: one uvicorn process, uvloop, httptools, no
access log, the app built by a factory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Response

from radar_cli.processes import free_port

BODIES_ENV = "BENCH_BARE_BODIES"
REPO = Path(__file__).resolve().parent.parent


def _constant(body: bytes, content_type: str) -> Callable[[], Awaitable[Response]]:
    async def constant() -> Response:
        return Response(content=body, media_type=content_type)

    return constant


def create_app() -> FastAPI:
    """One constant GET route per body of the manifest, at /<name>."""
    manifest = json.loads(Path(os.environ[BODIES_ENV]).read_text())
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    for name, spec in manifest.items():
        body = Path(spec["file"]).read_bytes()
        app.add_api_route(f"/{name}", _constant(body, spec["content_type"]), methods=["GET"])
    return app


def write_bodies(directory: Path, bodies: Mapping[str, tuple[bytes, str]]) -> Path:
    """Store each body (name -> bytes, content type) and the manifest that names them; the manifest's path."""
    manifest = {}
    for name, (body, content_type) in bodies.items():
        path = directory / f"{name}.body"
        path.write_bytes(body)
        manifest[name] = {"file": str(path), "content_type": content_type}
    manifest_path = directory / "bodies.json"
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest_path


@contextmanager
def serve(manifest: Path, *, timeout: float = 30.0) -> Iterator[tuple[str, int]]:
    """The bare app in its own uvicorn process: (base URL, pid), stopped on exit."""
    port = free_port()
    argv = [
        sys.executable, "-m", "uvicorn", "benchmarks._bare:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop", "--http", "httptools",
        "--no-access-log", "--no-proxy-headers",
    ]  # fmt: skip
    env = {**os.environ, BODIES_ENV: str(manifest)}
    process = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(process, url, timeout=timeout)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_answering(process: subprocess.Popen[bytes], url: str, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"the bare app exited with {process.returncode}:\n{said[-2000:]}")
        try:
            httpx.get(f"{url}/-", timeout=1, trust_env=False)  # any answer, a 404 included
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise TimeoutError("the bare app did not answer in time")
