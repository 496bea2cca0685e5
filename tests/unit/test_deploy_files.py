"""The deployment files: docker-compose.yml, the Dockerfile, deploy/k8s and the database init script."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import asyncpg
import pytest
import yaml

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"
K8S = ROOT / "deploy" / "k8s"
SECRET_TEMPLATE = K8S / "secret.template.yaml"
INIT_SCRIPT = ROOT / "deploy" / "postgres" / "init-databases.sh"
SERVICES = sorted(p.parent.name for p in (ROOT / "services").glob("*/pyproject.toml"))

REQUIRED_VARIABLE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:\?[^}]*\}")
SECRET_NAME = re.compile(r"(PASSWORD|SECRET)$")
URL_PASSWORD = re.compile(r"://[^:@/\s]*:(?P<password>\$\{[^}]*\}|[^@\s]*)@")
INTERPOLATION = re.compile(r"(?<!\$)\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<modifier>[^}]*)\}")


def load_compose() -> dict[str, Any]:
    return cast(dict[str, Any], yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8")))


def compose_environment(service: dict[str, Any]) -> dict[str, str]:
    """A compose service's environment as a mapping, whichever of the two forms it uses."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): str(v) for k, v in env.items()}


def k8s_files() -> list[Path]:
    return sorted(K8S.glob("*.yaml"))


def k8s_objects(kind: str) -> list[dict[str, Any]]:
    return [
        doc
        for path in k8s_files()
        if path != SECRET_TEMPLATE
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if doc and doc.get("kind") == kind
    ]


def deployments() -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in k8s_objects("Deployment")}


def containers(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], deployment["spec"]["template"]["spec"]["containers"])


def consumed_streams(service: str) -> set[str]:
    """The streams a service's consumer group reads, as its own `register` subscribes them."""
    from redis.asyncio import Redis

    from radar_lib.consumer import EventConsumer
    from radar_lib.settings import ServiceSettings

    unused = "redis://127.0.0.1:1/0"  # nothing connects: subscribing only records the routes
    consumer = EventConsumer(
        redis=Redis.from_url(unused),
        pool=cast(asyncpg.Pool, None),
        group=service,
        consumer_name="deploy-test",
    )
    settings = ServiceSettings(service_name=service, database_url="postgresql://unused@127.0.0.1/unused")
    importlib.import_module(f"radar_{service}.consumers").register(consumer, settings)
    return set(consumer.routes)


# --- docker-compose.yml and the Dockerfile ----------------------------------------------


def test_compose_file_follows_the_compose_specification() -> None:
    check = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(check), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_compose_service_has_an_image_or_a_build_in_the_repository() -> None:
    built: set[str] = set()
    for name, service in load_compose()["services"].items():
        assert "image" in service or "build" in service, f"{name} has neither image nor build"
        if "build" not in service:
            continue
        build = service["build"] if isinstance(service["build"], dict) else {"context": service["build"]}
        context = ROOT / build.get("context", ".")
        assert context.is_dir(), f"{name}: build context {context} does not exist"
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        assert dockerfile.is_file(), f"{name}: {dockerfile} does not exist"
        target = (build.get("args") or {}).get("SERVICE")
        if target is not None:
            assert (ROOT / "services" / target / "pyproject.toml").is_file(), f"{name}: no service {target}"
            built.add(target)
    assert built == set(SERVICES), "every service package is built and run by compose"


def test_no_secret_in_compose_has_a_default_value() -> None:
    for name, service in load_compose()["services"].items():
        for key, value in compose_environment(service).items():
            where = f"{name}: {key}={value}"
            if SECRET_NAME.search(key):
                assert REQUIRED_VARIABLE.fullmatch(value), f"{where} must be a required ${{VAR:?...}}"
            password = URL_PASSWORD.search(value)
            if key.endswith("DATABASE_URL"):
                assert password, f"{where} has no credentials"
            if password:
                assert REQUIRED_VARIABLE.fullmatch(password["password"]), f"{where}: literal password"
    for match in INTERPOLATION.finditer(COMPOSE_FILE.read_text(encoding="utf-8")):
        if SECRET_NAME.search(match["name"]):
            assert match["modifier"].startswith(":?"), f"{match[0]} gives a secret a default"


def test_every_long_running_compose_container_has_a_healthcheck_to_wait_for() -> None:
    services = load_compose()["services"]
    one_shots = {name for name, s in services.items() if s.get("restart") == "no"}
    for name, service in services.items():
        check = service.get("healthcheck") or {}
        if name not in one_shots:
            assert check.get("test") and not check.get("disable"), f"{name} has no health check"
        depends = service.get("depends_on") or {}
        for other, rule in depends.items() if isinstance(depends, dict) else []:
            wanted = "service_completed_successfully" if other in one_shots else "service_healthy"
            if rule.get("condition") != "service_started":
                assert rule.get("condition") == wanted, f"{name} waits for {other} as {rule}"


def test_compose_scales_consumers_and_publishes_only_the_gateway() -> None:
    services = load_compose()["services"]
    for consumer in ("participation", "moderation"):
        assert services[consumer]["deploy"]["replicas"] >= 2
    for name, service in services.items():
        for port in service.get("ports", []):
            published = str(port)
            if name != "gateway":
                assert published.startswith("127.0.0.1:"), f"{name} publishes {published} beyond loopback"
    assert services["gateway"]["ports"] == ["8000:8000"]


def test_dockerfile_builds_one_service_and_runs_it_as_a_non_root_user() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert len(re.findall(r"^FROM ", text, flags=re.MULTILINE)) >= 2, "multi-stage"
    assert re.search(r"^ARG SERVICE$", text, flags=re.MULTILINE)
    assert "COPY services/${SERVICE} " in text
    users = re.findall(r"^USER (\S+)", text, flags=re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the image runs as non-root"
    assert re.search(r"^HEALTHCHECK ", text, flags=re.MULTILINE)
    assert ".env" in (ROOT / ".dockerignore").read_text(encoding="utf-8")


# --- deploy/k8s ------------------------------------------------------------------------


def test_every_kubernetes_manifest_parses_as_yaml_objects() -> None:
    assert k8s_files(), "deploy/k8s holds manifests"
    for path in k8s_files():
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
        assert docs, f"{path.name} is empty"
        for doc in docs:
            assert isinstance(doc, dict) and doc.get("apiVersion") and doc.get("kind"), path.name
            if doc["kind"] == "Namespace":
                assert doc["metadata"]["name"] == "radar"
            elif doc["kind"] != "Kustomization":
                assert doc["metadata"]["name"] and doc["metadata"]["namespace"] == "radar", path.name


def test_kustomization_applies_every_manifest_but_the_secret_template() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    expected = {p.name for p in k8s_files()} - {"kustomization.yaml", SECRET_TEMPLATE.name}
    assert set(kustomization["resources"]) == expected


def test_every_service_package_has_a_deployment_and_a_service() -> None:
    assert set(SERVICES) <= set(deployments())
    services = {s["metadata"]["name"]: s for s in k8s_objects("Service")}
    for name, deployment in deployments().items():
        assert name in services, f"{name} serves HTTP and needs a Service"
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert services[name]["spec"]["selector"].items() <= labels.items()


def test_every_deployment_has_probes_and_resource_limits() -> None:
    for name, deployment in deployments().items():
        for container in containers(deployment):
            assert container["readinessProbe"]["httpGet"]["path"] == "/readyz", name
            assert container["livenessProbe"]["httpGet"]["path"] == "/healthz", name
            resources = container["resources"]
            assert {"cpu", "memory"} <= resources["limits"].keys(), name
            assert {"cpu", "memory"} <= resources["requests"].keys(), name


def test_deployments_take_only_their_own_database_and_redis_urls_from_the_documented_secret() -> None:
    documented = yaml.safe_load(SECRET_TEMPLATE.read_text(encoding="utf-8"))["stringData"].keys()
    for name, deployment in deployments().items():
        for container in containers(deployment):
            for env in container.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] == "radar-secrets" and ref["key"] in documented, f"{name}: {ref}"
                    # each service's RADAR_REDIS_URL names its own Redis user (deploy/valkey/users.acl)
                    own = (
                        f"RADAR_{name.upper()}_REDIS_URL" if env["name"] == "RADAR_REDIS_URL" else env["name"]
                    )
                    assert ref["key"] == own, f"{name}: {env['name']} holds {ref['key']}"
            urls = {e["name"] for e in container.get("env", []) if e["name"].endswith("_DATABASE_URL")}
            assert urls == {f"RADAR_{name.upper()}_DATABASE_URL"}, name


def test_keda_scales_existing_deployments_on_radar_streams_in_their_own_group() -> None:
    scaled = k8s_objects("ScaledObject")
    assert {s["spec"]["scaleTargetRef"]["name"] for s in scaled} == {
        "participation",
        "moderation",
        "notifications",
    }
    for scaled_object in scaled:
        target = scaled_object["spec"]["scaleTargetRef"]["name"]
        assert target in deployments(), f"{target} is not a Deployment"
        streams = [t for t in scaled_object["spec"]["triggers"] if t["type"] == "redis-streams"]
        assert streams, f"{target} has no redis-streams trigger"
        for trigger in streams:
            meta = trigger["metadata"]
            assert all(isinstance(v, str) for v in meta.values()), f"{target}: KEDA metadata are strings"
            assert meta["stream"].startswith("radar."), meta
            assert meta["consumerGroup"] == target, meta
            assert "lagCount" in meta or "pendingEntriesCount" in meta, meta


def test_keda_triggers_cover_exactly_the_streams_each_service_consumes() -> None:
    for scaled_object in k8s_objects("ScaledObject"):
        target = scaled_object["spec"]["scaleTargetRef"]["name"]
        triggered = {
            t["metadata"]["stream"] for t in scaled_object["spec"]["triggers"] if t["type"] == "redis-streams"
        }
        assert triggered == consumed_streams(target), f"deploy/k8s/keda.yaml triggers of {target}"


# --- deploy/postgres/init-databases.sh --------------------------------------------------


def run_init_script(
    tmp_path: Path, passwords: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run the script with a psql stand-in that records its arguments, password and SQL."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_psql = bin_dir / "psql"
    fake_psql.write_text(
        "#!/usr/bin/env bash\n"
        'printf "ARGS %s\\n" "$*" >> "$PSQL_LOG"\n'
        'printf "PASSWORD %s\\n" "${ROLE_PASSWORD:-}" >> "$PSQL_LOG"\n'
        'cat >> "$PSQL_LOG"\n'
        'printf "\\n--END--\\n" >> "$PSQL_LOG"\n'
    )
    fake_psql.chmod(0o755)
    log = tmp_path / "psql.log"
    log.touch()
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DB_PASSWORD")}
    env.update(passwords, PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", PSQL_LOG=str(log))
    result = subprocess.run(
        ["bash", str(INIT_SCRIPT)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result, log.read_text()


def test_init_script_creates_a_database_and_role_for_every_service(tmp_path: Path) -> None:
    passwords = {f"{s.upper()}_DB_PASSWORD": f"pw-{s}" for s in SERVICES}
    result, log = run_init_script(tmp_path, passwords)
    assert result.returncode == 0, result.stderr
    calls = [c.strip() for c in log.split("--END--") if c.strip()]
    for service in SERVICES:
        mine = [c for c in calls if f"name=radar_{service}" in c.split("\n", 1)[0].split()]
        assert len(mine) == 1, f"one psql session for {service}"
        assert f"PASSWORD pw-{service}\n" in mine[0], "the password comes from the environment"
        for statement in ("CREATE ROLE", "CREATE DATABASE", "REVOKE ALL ON DATABASE", "GRANT CONNECT"):
            assert statement in mine[0], f"{service}: {statement}"


def test_init_script_refuses_to_run_without_every_password(tmp_path: Path) -> None:
    passwords = {f"{s.upper()}_DB_PASSWORD": f"pw-{s}" for s in SERVICES if s != "gateway"}
    result, log = run_init_script(tmp_path, passwords)
    assert result.returncode != 0
    assert "GATEWAY_DB_PASSWORD" in result.stderr
    assert log == "", "nothing is created while a password is missing"


def test_neither_the_image_nor_radar_up_keeps_an_access_log_of_client_addresses(tmp_path: Path) -> None:
    from radar_cli.processes import service_child

    lines = DOCKERFILE.read_text(encoding="utf-8").splitlines()
    image = next(line for line in lines if line.startswith("CMD "))
    child = service_child(
        "gateway", data_dir=tmp_path, host="127.0.0.1", port=8000, env={}, database_url="postgresql:///x"
    )
    assert "--no-access-log" in image  # the privacy page says the radar stores no IP addresses
    assert "--no-access-log" in child.argv
