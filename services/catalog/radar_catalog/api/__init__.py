"""The catalog's HTTP routes, reached only through the gateway."""

from radar_catalog.api import editions, edits, export, measures, structure

routers = [editions.router, structure.router, measures.router, edits.router, export.router]
