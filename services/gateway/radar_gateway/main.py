"""The gateway's app factory: the only public entrance."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute

from radar_gateway.api import KeptReads, router
from radar_gateway.auth_api import router as auth_router
from radar_gateway.cache import MEASURE_STREAMS, PAGE_STREAMS, CacheInvalidator, PublicReadCache
from radar_gateway.config import GatewaySettings
from radar_gateway.context import Gateway, request_redis
from radar_gateway.forward import Forwarder
from radar_gateway.openapi import router as openapi_router
from radar_gateway.proxies import trust_proxies
from radar_gateway.security import BodyLimit, CrossSiteRefusal, PublicAnswers
from radar_gateway.security_log import configure_security_log
from radar_gateway.web import dev_mail, install_web, subscribe
from radar_gateway.web.i18n import use_catalogs
from radar_gateway.web.legal import load_legal_texts
from radar_gateway.web.legal import router as legal_router
from radar_gateway.web.page_cache import KeptAnswers
from radar_gateway.web.problems import error_page
from radar_lib.last_resort import LastResort
from radar_lib.metrics import install_metrics
from radar_lib.service import health_router, running
from radar_lib.telemetry import WITHOUT_NATIVE_TELEMETRY, instrument
from radar_lib.web import install_error_handlers

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """Build the gateway from settings (read from the environment when none are given)."""
    s = settings or GatewaySettings()
    use_catalogs(s.locale_dir)  # every language's texts, read at start: a broken catalog stops it
    configure_security_log()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        forwarder = Forwarder(
            urls={
                "catalog": s.catalog_url.rstrip("/"),
                "participation": s.participation_url.rstrip("/"),
                "moderation": s.moderation_url.rstrip("/"),
                "notifications": s.notifications_url.rstrip("/"),
            },
            secret=s.internal_token_secret,
            timeout_seconds=s.forward_timeout_seconds,
        )
        cache = PublicReadCache()
        pages = PublicReadCache(max_entries=s.page_cache_entries, ttl_seconds=s.page_cache_seconds)
        follows = {stream: [cache, pages] for stream in MEASURE_STREAMS}
        follows |= {stream: [pages] for stream in PAGE_STREAMS if stream not in follows}
        async with running(s, migrations=MIGRATIONS) as runtime, request_redis(s) as redis:
            invalidator = CacheInvalidator(redis=runtime.redis, follows=follows)
            await forwarder.start()
            runtime.supervisor.start("cache-invalidation", invalidator.run)
            app.state.runtime = runtime
            app.state.gateway = Gateway(
                settings=s, pool=runtime.pool, redis=redis, forwarder=forwarder, cache=cache, pages=pages
            )
            try:
                yield
            finally:
                await forwarder.stop()

    app = FastAPI(
        telemetry=WITHOUT_NATIVE_TELEMETRY,
        title="Digitalisierungsradar",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,  # its redirect would name the client's Host header
    )
    install_error_handlers(app)
    app.include_router(health_router())
    app.include_router(openapi_router)
    app.include_router(auth_router)  # before router: its catch-all would take /api/v1/auth/*
    app.state.own_api_routes = {
        r.path: set(r.methods or ()) for r in auth_router.routes if isinstance(r, APIRoute)
    }
    app.include_router(router)
    app.include_router(subscribe.router)  # following by e-mail, and the pages the mails link to
    app.include_router(dev_mail.router)  # /dev/mail: 404 unless settings.mail_dir is set
    load_legal_texts(s.legal_texts_file)  # a city's legal texts file that does not fit stops the start
    app.include_router(legal_router)  # imprint, privacy, accessibility statement
    install_web(app)  # the web pages, their static files and HTML error pages
    app.add_middleware(KeptReads)  # innermost: kept catalog reads before routing, as routed ones
    app.add_middleware(KeptAnswers)  # kept pages and feeds before routing, as routed ones
    install_metrics(app, service_name=s.service_name, collect=None, allow=from_this_host)
    app.add_middleware(LastResort, error_page=error_page)  # its answers get the headers and HEAD too
    app.add_middleware(BodyLimit, max_bytes=s.max_body_bytes)
    # before any body is read
    app.add_middleware(CrossSiteRefusal, public_url=s.public_url, loopback_aliases=s.is_development)
    app.add_middleware(PublicAnswers, hsts=not s.is_development)  # security headers; HEAD wherever GET
    trust_proxies(app, s.trusted_proxies)  # outermost: everything inside sees the real client
    instrument(app, s.service_name)  # only while spans are exported (telemetry.py)
    return app


def from_this_host(request: Request) -> bool:
    """The gateway is public: its metrics are for a scraper on the same host (or pod) only."""
    forwarded = "x-forwarded-for" in request.headers or "forwarded" in request.headers
    host = request.client.host if request.client else ""
    return not forwarded and host in ("127.0.0.1", "::1")
