"""The catalog's HTTP routes, reached only through the gateway."""

from radar_catalog.api import dcat, decisions, editions, edits, export, measures, reports, structure

routers = [editions.router, structure.router, measures.router, edits.router, reports.router, export.router]
routers += [decisions.router, dcat.router]
