"""The client's address behind reverse proxies: X-Forwarded-For is believed only from named proxies.

Guarantee: a request's client address is its peer's, unless the peer is one of the trusted
proxies in RADAR_TRUSTED_PROXIES (addresses or CIDRs, comma-separated; none by default). Then
it is the right-most X-Forwarded-For hop that is not itself a trusted proxy: the address the
outermost trusted proxy saw. Whatever a client writes into the header itself stays to the left
of that hop and is never used, so the per-address limits follow the real address. uvicorn's own
reading of the header is switched off (`--no-proxy-headers`) wherever the gateway runs, so this
is the only reader.

The mechanism is uvicorn's ProxyHeadersMiddleware, which walks the hops from the right and
knows networks; the setting is parsed strictly here, so that neither `*` (which would make it
trust anyone and take the left-most hop) nor a typo reaches it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI
from pydantic import BeforeValidator, IPvAnyNetwork
from pydantic_settings import NoDecode
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware


def _comma_separated(value: Any) -> Any:
    return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value


TrustedProxies = Annotated[tuple[IPvAnyNetwork, ...], NoDecode, BeforeValidator(_comma_separated)]


def trust_proxies(app: FastAPI, proxies: tuple[IPvAnyNetwork, ...]) -> None:
    """Take the client address from X-Forwarded-For when, and only when, a trusted proxy sent it."""
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=[str(network) for network in proxies])
