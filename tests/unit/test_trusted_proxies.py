"""Which proxies the gateway trusts: parsed strictly, none by default, and uvicorn trusts none itself."""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from radar_gateway.config import GatewaySettings

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def settings(**values: str) -> GatewaySettings:
    return GatewaySettings(database_url="postgresql://gateway@127.0.0.1/gateway", env="development", **values)


def test_no_proxy_is_trusted_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RADAR_TRUSTED_PROXIES", raising=False)
    assert settings().trusted_proxies == ()


def test_trusted_proxies_are_read_as_comma_separated_addresses_and_networks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RADAR_TRUSTED_PROXIES", " 10.0.0.0/8, 192.0.2.1 ,2001:db8::/32")
    networks = settings().trusted_proxies
    assert networks == (ip_network("10.0.0.0/8"), ip_network("192.0.2.1/32"), ip_network("2001:db8::/32"))


@pytest.mark.parametrize("value", ["*", "proxy.example.org", "10.0.0.1/8", "10.0.0.0/33", "127.0.0.1;*"])
def test_anything_but_addresses_and_networks_is_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        settings(trusted_proxies=value)


def test_the_image_starts_uvicorn_without_its_own_proxy_headers() -> None:
    dockerfile = (ROOT / "deploy" / "docker" / "Dockerfile").read_text(encoding="utf-8")
    command = next(line for line in dockerfile.splitlines() if line.startswith("CMD "))
    assert "--no-proxy-headers" in command


def test_kubernetes_trusts_a_proxy_range_of_the_gateway_and_not_every_peer_in_uvicorn() -> None:
    documents = yaml.safe_load_all((ROOT / "deploy" / "k8s" / "gateway.yaml").read_text(encoding="utf-8"))
    deployment = next(d for d in documents if d["kind"] == "Deployment")
    env = {e["name"]: e.get("value") for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert "FORWARDED_ALLOW_IPS" not in env
    trusted = settings(trusted_proxies=env["RADAR_TRUSTED_PROXIES"]).trusted_proxies
    assert trusted and all(network.is_private for network in trusted)


def test_compose_trusts_no_proxy_unless_told() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    gateway_env = compose["services"]["gateway"]["environment"]
    assert gateway_env["RADAR_TRUSTED_PROXIES"] == "${RADAR_TRUSTED_PROXIES:-}"
    assert all(
        "FORWARDED_ALLOW_IPS" not in (s.get("environment") or {}) for s in compose["services"].values()
    )
