"""Moderation's HTTP routes, reached only through the gateway: thin, the rules live in domain."""

from radar_moderation.api import audit, public, queue, reports

ROUTERS = (queue.router, reports.router, audit.router, public.router)
