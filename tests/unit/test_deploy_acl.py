"""The Redis users in deploy/: deploy/valkey/users.acl is what the code asks for, compose and
Kubernetes give each service its own user, and the scripts that fill in and apply the file
do what they say. (That the rules hold on a real server: tests/integration/test_bus_acl.py.)
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
import yaml

from radar_cli import acl
from tests.unit.test_deploy_files import (
    ROOT,
    SECRET_TEMPLATE,
    compose_environment,
    consumed_streams,
    containers,
    deployments,
    k8s_objects,
    load_compose,
)

pytestmark = pytest.mark.unit

RENDER = ROOT / "deploy" / "valkey" / "render-acl.sh"
GATEWAY_SOURCE = ROOT / "services" / "gateway" / "radar_gateway"
KEY_LITERAL = re.compile(r"""["'](radar:[A-Za-z0-9_-]+:)""")


def template_users() -> dict[str, str]:
    """User name -> its line in deploy/valkey/users.acl."""
    lines = [
        line for line in acl.TEMPLATE.read_text(encoding="utf-8").splitlines() if line.startswith("user ")
    ]
    return {line.split()[1]: line for line in lines}


def rule_words(user: str) -> set[str]:
    """The words of a user's rules, selectors' parentheses taken off."""
    return {word.strip("()") for word in template_users()[user].split()}


def test_the_acl_in_deploy_is_the_one_the_code_asks_for() -> None:
    assert acl.TEMPLATE.read_text(encoding="utf-8") == acl.render_template(), "run `radar acl`"


def test_every_redis_key_the_gateway_writes_is_one_its_user_may_touch() -> None:
    prefixes = {
        match[1] for path in GATEWAY_SOURCE.rglob("*.py") for match in KEY_LITERAL.finditer(path.read_text())
    }
    assert prefixes, "the gateway keeps its sessions and limits under radar:<kind>:"
    for prefix in prefixes:
        assert any(fnmatchcase(prefix + "x", pattern) for pattern in acl.GATEWAY_KEYS), (
            f"the gateway uses {prefix}*: add it to radar_cli.acl.GATEWAY_KEYS and run `radar acl`"
        )


# --- docker-compose.yml ---------------------------------------------------------------------


def test_compose_connects_each_service_to_valkey_as_its_own_user() -> None:
    services = load_compose()["services"]
    for name in acl.SERVICES:
        variable = acl.password_variable(name)
        expected = f"redis://{name}:${{{variable}:?set {variable} in .env}}@valkey:6379/0"
        assert compose_environment(services[name])["RADAR_REDIS_URL"] == expected, name


def test_compose_valkey_starts_with_the_rendered_acl_and_every_password_it_needs() -> None:
    valkey = load_compose()["services"]["valkey"]
    command = " ".join(valkey["command"])
    assert "render-acl.sh /etc/radar-valkey/users.acl /tmp/users.acl keda &&" in command
    assert "exec valkey-server" in command and "--aclfile /tmp/users.acl" in command
    assert "./deploy/valkey:/etc/radar-valkey:ro" in valkey["volumes"]
    wanted = {acl.password_variable(user) for user in template_users() if user != acl.KEDA}
    assert wanted <= compose_environment(valkey).keys()
    assert "--user default" in " ".join(valkey["healthcheck"]["test"])


# --- deploy/k8s -------------------------------------------------------------------------------


def test_kubernetes_services_connect_to_redis_as_their_own_user() -> None:
    documented = yaml.safe_load(SECRET_TEMPLATE.read_text(encoding="utf-8"))["stringData"]
    for name in acl.SERVICES:
        [container] = containers(deployments()[name])
        [redis] = [e for e in container["env"] if e["name"] == "RADAR_REDIS_URL"]
        key = redis["valueFrom"]["secretKeyRef"]["key"]
        assert key == f"RADAR_{name.upper()}_REDIS_URL" and key in documented, name
    assert "RADAR_REDIS_URL" not in documented, "no URL shared by every service"


def test_keda_scales_as_a_user_that_may_read_the_figures_of_every_stream_it_watches() -> None:
    [auth] = k8s_objects("TriggerAuthentication")
    refs = {ref["parameter"]: ref["key"] for ref in auth["spec"]["secretTargetRef"]}
    documented = yaml.safe_load(SECRET_TEMPLATE.read_text(encoding="utf-8"))["stringData"]
    assert documented[refs["username"]] == acl.KEDA and refs["password"] in documented
    keda = rule_words(acl.KEDA)
    assert "+xinfo|groups" in keda  # lagCount: the group's lag as XINFO GROUPS reports it
    for scaled in k8s_objects("ScaledObject"):
        target = scaled["spec"]["scaleTargetRef"]["name"]
        for trigger in (t for t in scaled["spec"]["triggers"] if t["type"] == "redis-streams"):
            assert trigger["authenticationRef"]["name"] == auth["metadata"]["name"], target
            assert f"~{trigger['metadata']['stream']}" in keda, target
        assert {f"~{stream}" for stream in consumed_streams(target)} <= keda, target


def job_script() -> tuple[str, dict[str, Any]]:
    [job] = [j for j in k8s_objects("Job") if j["metadata"]["name"] == "redis-acl"]
    [container] = job["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["sh", "-c"]
    return str(container["args"][0]), job


def test_the_redis_acl_job_sets_every_user_of_the_mounted_file_with_acl_setuser(tmp_path: Path) -> None:
    script, job = job_script()
    [volume] = job["spec"]["template"]["spec"]["volumes"]
    assert volume["secret"]["secretName"] == "radar-redis-acl"
    rendered = tmp_path / "users.acl"
    lines = [line for line in acl.render_template().splitlines() if line.startswith("user ")]
    rendered.write_text("".join(re.sub(r">\$\{\w+\}", "#" + "0" * 64, line) + "\n" for line in lines))
    (tmp_path / "radar.dlq.x").touch()  # a file a key pattern would match, were it expanded
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_cli = bin_dir / "valkey-cli"
    fake_cli.write_text('#!/bin/sh\nprintf "%s\\n" "$*" >> "$CLI_LOG"\necho OK\n')
    fake_cli.chmod(0o755)
    log = tmp_path / "cli.log"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "CLI_LOG": str(log),
        "RADAR_REDIS_ADMIN_URL": "rediss://admin:pw@redis:6379/0",
    }
    result = subprocess.run(
        ["sh", "-c", script.replace("/etc/radar-acl/users.acl", str(rendered))],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    prefix = "-u rediss://admin:pw@redis:6379/0 --no-auth-warning ACL SETUSER "
    assert calls == [prefix + line.removeprefix("user ") for line in rendered.read_text().splitlines()]


# --- deploy/valkey/render-acl.sh --------------------------------------------------------------


def render(tmp_path: Path, passwords: dict[str, str], *left_out: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_REDIS_PASSWORD")}
    return subprocess.run(
        ["sh", str(RENDER), str(acl.TEMPLATE), str(tmp_path / "users.acl"), *left_out],
        env={**env, **passwords},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_render_acl_fills_in_hashed_passwords_and_leaves_out_the_users_named(tmp_path: Path) -> None:
    users = [u for u in template_users() if u != acl.KEDA]
    passwords = {acl.password_variable(u): f"secret-of-{u}" for u in users}
    result = render(tmp_path, passwords, acl.KEDA)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "users.acl"
    assert out.stat().st_mode & 0o777 == 0o600
    lines = {line.split()[1]: line for line in out.read_text().splitlines()}
    assert list(lines) == users
    for user in users:
        digest = hashlib.sha256(f"secret-of-{user}".encode()).hexdigest()
        assert lines[user] == template_users()[user].replace(
            f">${{{acl.password_variable(user)}}}", f"#{digest}"
        )


def test_render_acl_refuses_and_writes_nothing_while_a_password_is_missing(tmp_path: Path) -> None:
    users = [u for u in template_users() if u not in (acl.KEDA, "gateway")]
    result = render(tmp_path, {acl.password_variable(u): "pw" for u in users}, acl.KEDA)
    assert result.returncode != 0
    assert "GATEWAY_REDIS_PASSWORD" in result.stderr
    assert not (tmp_path / "users.acl").exists()
